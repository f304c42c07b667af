/** Admin endpoints: user tokens and team quotas. */
import { z } from 'zod';
import { canonicalNameSchema, nameSchema } from './common.js';

/** POST /api/v1/tokens (admin) → a new bearer token, shown once. */
/**
 * Roles (docs/operate.md, Trust): admin — everything; operator — jobs of every team and
 * node actions (cordon, drain, repair); user — submits to and cancels jobs of its own
 * team; viewer — reads. `team` applies to user and viewer tokens (default "default").
 */
export const createTokenSchema = z.strictObject({ role: z.enum(['admin', 'operator', 'user', 'viewer']), name: nameSchema, team: canonicalNameSchema.optional() });
export const createTokenResponseSchema = z.object({ name: z.string(), role: z.string(), team: z.string().nullable(), token: z.string() });

/** POST /api/v1/nodes/:name/address (admin): the address other nodes use as MASTER_ADDR (null: the address the server sees). */
export const nodeAddressSchema = z.strictObject({ address: z.string().min(1).max(255).regex(/^[A-Za-z0-9.:_-]+$/, 'a host name or IP address').nullable() });

/** PUT /api/v1/teams/:team (admin): GPU quota of a team (null removes it). */
export const teamQuotaSchema = z.strictObject({ gpuQuota: z.number().int().min(0).max(10_000_000).nullable() });
export const teamViewSchema = z.object({ team: z.string(), gpuQuota: z.number().int().nullable(), gpusInUse: z.number().int() });
