/**
 * Shared building blocks of the control-plane API: names, limits, problem+json.
 * Everything a client sends is validated with these zod schemas at the HTTP
 * boundary; request objects are strict (unknown fields are rejected with 400).
 */
import { z } from 'zod';

/** Version prefix of every REST route. */
export const API_PREFIX = '/api/v1';

/** Limits the server enforces; a request beyond them gets a 400/413 problem+json. */
export const LIMITS = {
  /** Largest request body, bytes (Fastify `bodyLimit`). */
  bodyBytes: 1024 * 1024,
  /** Longest node, job or team name, characters. */
  nameChars: 63,
  /** Most GPUs a single job may ask for (twice Colossus 200k). */
  jobGpus: 400_000,
  /** Most GPUs one node may report. */
  nodeGpus: 1024,
  /** Longest command (argv entries) and one argv entry, characters. */
  commandArgs: 256,
  argChars: 4096,
  /** Extra env entries a job may set. */
  envEntries: 128,
  /** Longest single log chunk an agent may send, characters. */
  logChunkChars: 64 * 1024,
  /** Most events in one attempt report. */
  reportEvents: 1000,
  /** Longest path (cwd, checkpoint dir), characters (Linux PATH_MAX). */
  pathChars: 4096,
  /** All argv entries of a command together, characters. */
  commandChars: 128 * 1024,
  /** A workload's progress line: longest (characters) and deepest nesting it may have. */
  progressLineChars: 16 * 1024,
  progressDepth: 32,
} as const;

/** No NUL byte: the kernel cuts argv, env and paths at NUL, so such text cannot mean what it says. */
export const noNul = (s: string): boolean => !s.includes('\u0000');
const NO_NUL = 'must not contain a NUL byte (\\u0000)';

/** Text an agent passes to the kernel (argv entries, env values): no NUL. */
export const safeTextSchema = (maxChars: number) => z.string().max(maxChars).refine(noNul, NO_NUL);

/** True for an absolute, normalised POSIX path: starts with '/', no '//', '.', '..' or trailing '/' components. */
export function isNormalAbsolutePath(p: string): boolean {
  if (!p.startsWith('/') || !noNul(p)) return false;
  if (p === '/') return true;
  return p.slice(1).split('/').every((c) => c !== '' && c !== '.' && c !== '..');
}

/** cwd, checkpoint dirs: absolute and normalised, so a prefix check against the allowed roots means what it says. */
export const absolutePathSchema = z
  .string()
  .min(1)
  .max(LIMITS.pathChars)
  .refine(noNul, NO_NUL)
  .refine(isNormalAbsolutePath, 'must be an absolute, normalised path (starts with "/", no "//", "." or ".." components, no trailing "/")');

/** True when `path` is `root` or inside it (both absolute and normalised). */
export const isUnder = (path: string, root: string): boolean => path === root || path.startsWith(root === '/' ? '/' : root + '/');

/** DNS-label-like name: job names (any case). */
export const nameSchema = z
  .string()
  .min(1)
  .max(LIMITS.nameChars)
  .regex(/^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/i, 'letters, digits, ".", "_" and "-"; starts and ends with a letter or digit');

/**
 * Node and team names: one canonical spelling (lower case), path-safe (no "/", no
 * "..": the name alone never escapes a directory or a URL segment), so "Node-1" and
 * "node-1" cannot be two nodes.
 */
export const canonicalNameSchema = z
  .string()
  .min(1)
  .max(LIMITS.nameChars)
  .regex(/^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/, 'lower-case letters, digits, ".", "_" and "-"; starts and ends with a letter or digit')
  .refine((s) => !s.includes('..'), 'must not contain ".."');

/** Job ids look like `job-000042`. */
export const jobIdSchema = z.string().regex(/^job-\d{6,}$/, 'a job id such as job-000042');
/** Attempt ids look like `job-000042.a3` (job id, then the attempt number). */
export const attemptIdSchema = z.string().regex(/^job-\d{6,}\.a\d+$/, 'an attempt id such as job-000042.a3');

/** Milliseconds since the Unix epoch (server clock unless stated). */
export const epochMsSchema = z.number().int().nonnegative();

/** RFC 9457 problem details; every error the API returns has this shape. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  /** Where the problem is: a field path ("body.gpus"), a header, a route. */
  instance: z.string().optional(),
  where: z.string().optional(),
  hint: z.string().optional(),
  /** Zod issues for validation failures. */
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof problemSchema>;

/** Roles a bearer token may carry. `agent` is the join token; node credentials act as `node`. */
export const roleSchema = z.enum(['admin', 'operator', 'user', 'viewer', 'agent', 'node']);
export type Role = z.infer<typeof roleSchema>;

export const okSchema = z.object({ ok: z.literal(true) });

/** A query parameter holding a comma-separated list of enum values (`state=idle,allocated`). */
export function csvOf<T extends z.ZodType>(values: T) {
  return z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter((x) => x !== '') : v), z.array(values).max(16));
}

/** Paging of list routes: `offset` items skipped, at most `limit` returned; the total matching is in the X-Total-Count header. */
export const pagingQuery = {
  offset: z.coerce.number().int().min(0).optional(),
  /** `name` or `-name` (descending). */
  sort: z.string().max(32).regex(/^-?[a-zA-Z]+$/, 'a field name, optionally preceded by - for descending').optional(),
};

/** Response header carrying how many items match a list query before paging. */
export const TOTAL_COUNT_HEADER = 'x-total-count';
