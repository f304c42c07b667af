/** Nodes: views and operator actions. */
import { z } from 'zod';
import { epochMsSchema } from './common.js';

/** idle: no work; allocated: runs attempts; draining: finishing work, takes none; drained: cordoned and empty;
 *  suspect: quarantined (lemon or health); down: missed heartbeats; repair: out for repair. */
export const nodeStateSchema = z.enum(['idle', 'allocated', 'draining', 'drained', 'suspect', 'down', 'repair']);
export type NodeState = z.infer<typeof nodeStateSchema>;

/** Element of GET /api/v1/nodes (and `colossus node list --json`). */
export const nodeSummarySchema = z.object({
  name: z.string(),
  state: nodeStateSchema,
  gpus: z.number().int(),
  rack: z.string().nullable(),
  lastHeartbeatAt: z.string().nullable(),
});
export type NodeSummary = z.infer<typeof nodeSummarySchema>;

export const transitionSchema = z.object({
  from: nodeStateSchema.nullable(),
  to: nodeStateSchema,
  reason: z.string(),
  /** Who decided: 'operator', 'health', 'scheduler', 'agent', 'recovery', 'server'. */
  source: z.string(),
  atMs: epochMsSchema,
});

export const gpuViewSchema = z.object({
  index: z.number().int(),
  uuid: z.string(),
  model: z.string(),
  temperatureC: z.number().nullable(),
  powerW: z.number().nullable(),
  utilizationPct: z.number().nullable(),
  eccVolatileUncorrected: z.number().nullable(),
  remappedRowsPending: z.number().nullable(),
});

export const nodeDetailSchema = nodeSummarySchema.extend({
  gpuModel: z.string().nullable(),
  gpusFree: z.number().int(),
  array: z.string().nullable(),
  hall: z.string().nullable(),
  address: z.string().nullable(),
  registeredAtMs: epochMsSchema,
  attempts: z.array(z.string()),
  gpuList: z.array(gpuViewSchema),
  transitions: z.array(transitionSchema),
  /** Operator or health hold: cordon (draining/drained), suspect (quarantined), repair; null in service. */
  hold: z.enum(['cordon', 'suspect', 'repair']).nullable(),
  holdReason: z.string().nullable(),
  /** Attempt failures involving this node inside the lemon window. */
  recentFailures: z.number().int(),
});
export type NodeDetail = z.infer<typeof nodeDetailSchema>;

/** POST /api/v1/nodes/:name/{cordon,uncordon,drain,repair} */
export const nodeActionSchema = z.strictObject({ reason: z.string().min(1).max(1024).optional() }).default({});
