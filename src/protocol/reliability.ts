/**
 * GET /api/v1/fleet/reliability: the fleet's own failure rate per observable cause (Gamma–Poisson on the preset);
 * GET /api/v1/fleet/reserve: the spare reserve (`colossus server --spare-reserve auto|N`).
 */
import { z } from 'zod';

export const causeEstimateSchema = z.object({
  cause: z.enum(['gpu-hardware', 'node-lost', 'software']),
  events: z.number().int().nonnegative(),
  exposureGpuHours: z.number().nonnegative(),
  priorPerGpuHour: z.number(),
  priorShape: z.number(),
  priorGpuHours: z.number(),
  posteriorMeanPerGpuHour: z.number(),
  p5PerGpuHour: z.number(),
  p95PerGpuHour: z.number(),
});

export const fleetReliabilitySchema = z.object({
  preset: z.string(),
  gpuModel: z.string().nullable(),
  gpusPerNode: z.number().int(),
  nodes: z.number().int(),
  exposureGpuHours: z.number(),
  causes: z.array(causeEstimateSchema),
  totalPerGpuHour: z.number(),
});
export type FleetReliabilityView = z.infer<typeof fleetReliabilitySchema>;

/** GET /api/v1/fleet/reserve (src/core/control/reserve-view.ts). */
export const spareReserveSchema = z.object({
  mode: z.enum(['off', 'fixed', 'auto']),
  /** `--spare-reserve`: a node count or 'auto'. */
  setting: z.union([z.number().int().nonnegative(), z.literal('auto')]),
  /** Nodes the reserve should hold now. */
  targetNodes: z.number().int().nonnegative(),
  /** Idle nodes it holds now (fewer than the target while the fleet has fewer idle nodes). */
  heldNodes: z.number().int().nonnegative(),
  /** The held nodes' names (at most 100). */
  nodes: z.array(z.string()),
  /** The largest running or recovering multi-node job, which the reserve is for. */
  gang: z.object({ jobId: z.string(), gpus: z.number().int(), nodes: z.number().int() }).nullable(),
  /** With 'auto': the posterior hardware rate (gpu-hardware + node-lost), the preset's mean repair time, and the simulator's pool for the gang. */
  auto: z.object({
    preset: z.string(),
    hardwarePerGpuHour: z.number(),
    repairMeanS: z.number(),
    computedAtMs: z.number(),
    meanNodesInRepair: z.number().nullable(),
    spares: z.number().int().nullable(),
  }).nullable(),
});
export type SpareReserveView = z.infer<typeof spareReserveSchema>;
