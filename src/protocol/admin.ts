/** Admin endpoints: user tokens and team quotas. */
import { z } from 'zod';
import { nameSchema } from './common.js';

/** POST /api/v1/tokens (admin) → a new bearer token, shown once. */
export const createTokenSchema = z.strictObject({ role: z.enum(['admin', 'user']), name: nameSchema });
export const createTokenResponseSchema = z.object({ name: z.string(), role: z.string(), token: z.string() });

/** PUT /api/v1/teams/:team (admin): GPU quota of a team (null removes it). */
export const teamQuotaSchema = z.strictObject({ gpuQuota: z.number().int().min(0).max(10_000_000).nullable() });
export const teamViewSchema = z.object({ team: z.string(), gpuQuota: z.number().int().nullable(), gpusInUse: z.number().int() });
