/** Dashboard login links and cookie sessions (docs/operate.md, Trust). */
import { z } from 'zod';

/** POST /api/v1/login-links (admin): a one-time login code for a viewer (default) or operator session. */
export const createLoginLinkSchema = z.strictObject({ role: z.enum(['viewer', 'operator']).default('viewer') });
export const loginLinkSchema = z.object({
  code: z.string(),
  role: z.enum(['viewer', 'operator']),
  /** `/login?code=…` on this server. */
  path: z.string(),
  /** The link with the scheme and host this request was sent to. */
  url: z.string(),
  expiresAtMs: z.number().int(),
  validS: z.number().int(),
});

/** GET/POST /api/v1/session: who the dashboard is signed in as. */
export const sessionViewSchema = z.object({
  role: z.enum(['admin', 'operator', 'user', 'viewer']),
  team: z.string().nullable(),
  /** How this request authenticated. */
  via: z.enum(['cookie', 'bearer']),
  /** When the cookie session ends (epoch ms); null for a bearer token. */
  expiresAtMs: z.number().int().nullable(),
  /** May cordon, drain and repair nodes and steer the twin (operator or admin). */
  canOperate: z.boolean(),
});
export const loggedOutSchema = z.object({ loggedOut: z.boolean() });

export type LoginLink = z.infer<typeof loginLinkSchema>;
export type SessionView = z.infer<typeof sessionViewSchema>;
