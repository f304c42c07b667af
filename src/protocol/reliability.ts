/** GET /api/v1/fleet/reliability: the fleet's own failure rate per observable cause (Gamma–Poisson on the preset). */
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
