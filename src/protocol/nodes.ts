/** Nodes: views and operator actions. */
import { z } from 'zod';
import { csvOf, epochMsSchema, pagingQuery, safeTextSchema } from './common.js';

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
  array: z.string().nullable(),
  hall: z.string().nullable(),
  gpuModel: z.string().nullable(),
  gpusFree: z.number().int(),
  /** Ids of the jobs whose attempts hold GPUs on the node. */
  jobs: z.array(z.string()),
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
export const nodeActionSchema = z.strictObject({ reason: safeTextSchema(1024).pipe(z.string().min(1)).optional() }).default({});

/** GET /api/v1/nodes: filters (AND), sort, paging; the total is in X-Total-Count. */
export const nodeListQuerySchema = z.strictObject({
  state: csvOf(nodeStateSchema).optional(),
  rack: z.string().max(128).optional(),
  array: z.string().max(128).optional(),
  hall: z.string().max(128).optional(),
  /** Case-insensitive substring of the GPU model (`h100`). */
  gpuModel: z.string().max(128).optional(),
  /** Nodes running an attempt of this job. */
  job: z.string().max(64).optional(),
  /** Nodes running an attempt of a job of this team. */
  team: z.string().max(64).optional(),
  /** Substring of the name or rack. */
  q: z.string().max(128).optional(),
  ...pagingQuery,
  limit: z.coerce.number().int().min(1).max(1_000_000).optional(),
});

/** GET /api/v1/fleet/nodes?by=hall|array|rack: node counts by state per group (`colossus node summary`). */
export const nodeCountsQuerySchema = z.strictObject({ by: z.enum(['hall', 'array', 'rack']).default('hall') });
export const nodeCountRowSchema = z.object({
  group: z.string(),
  nodes: z.number().int(),
  gpus: z.number().int(),
  /** GPUs free on nodes in service. */
  gpusFree: z.number().int(),
  states: z.record(z.string(), z.number().int()),
});
export const nodeCountsResponseSchema = z.object({ by: z.enum(['hall', 'array', 'rack']), groups: z.array(nodeCountRowSchema), states: z.record(z.string(), z.number().int()) });
export type NodeCounts = z.infer<typeof nodeCountsResponseSchema>;
