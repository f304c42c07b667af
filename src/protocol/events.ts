/** Events: every decision the control plane makes, with its reason. */
import { z } from 'zod';
import { epochMsSchema } from './common.js';

export const eventSchema = z.object({
  seq: z.number().int(),
  atMs: epochMsSchema,
  /** e.g. node.state, node.registered, job.submitted, job.state, attempt.started, attempt.ended, xid, preempt. */
  kind: z.string(),
  jobId: z.string().nullable(),
  node: z.string().nullable(),
  reason: z.string(),
  data: z.record(z.string(), z.unknown()).nullable(),
});
export type EventView = z.infer<typeof eventSchema>;

export const eventsQuerySchema = z.strictObject({
  /** Events with seq > since. */
  since: z.coerce.number().int().min(0).default(0),
  jobId: z.string().max(64).optional(),
  node: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(500),
});
export const eventsResponseSchema = z.object({ events: z.array(eventSchema) });
