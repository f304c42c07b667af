/**
 * The one HTTP error mapper: every error becomes application/problem+json
 * (RFC 9457) with what went wrong, where, and how to fix it.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { ColossusError, isColossusError } from '../core/errors.js';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  where?: string;
  hint?: string;
  issues?: { path: string; message: string }[];
}

const TITLES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Content', 500: 'Internal Server Error', 503: 'Service Unavailable' };

/** An error that already is a problem body (validation failures). */
export class ProblemError extends Error {
  constructor(readonly problem: ProblemBody) {
    super(problem.detail);
  }
}

export function problemOf(err: unknown, where?: string): ProblemBody {
  if (err instanceof ProblemError) return { ...err.problem };
  if (isColossusError(err)) {
    return { type: `/problems/${err.code}`, title: TITLES[err.httpStatus] ?? 'Error', status: err.httpStatus, detail: err.message, where: err.where ?? where, hint: err.hint };
  }
  if (err instanceof ZodError) {
    const issues = err.issues.map((i) => ({ path: [where, ...i.path.map(String)].filter(Boolean).join('.'), message: issueMessage(i) }));
    return { type: '/problems/validation', title: 'Bad Request', status: 400, detail: `invalid ${where ?? 'request'}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`.slice(0, 2000), where, issues: issues.slice(0, 50), hint: 'see the schema at /docs' };
  }
  const fe = err as FastifyError;
  const status = typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500 ? fe.statusCode : 500;
  if (status === 500) return { type: '/problems/internal', title: TITLES[500], status, detail: 'internal error (logged on the server)' };
  const hint = status === 413 ? 'the body limit is 1 MiB' : status === 415 ? 'send Content-Type: application/json' : undefined;
  return { type: `/problems/${fe.code ?? 'http'}`, title: TITLES[status] ?? 'Error', status, detail: fe.message, hint };
}

/** A record key's issue carries the key schema's own message (e.g. "an environment variable name") inside it. */
function issueMessage(i: ZodError['issues'][number]): string {
  const inner = (i as { issues?: { message: string }[] }).issues?.[0]?.message;
  return i.code === 'invalid_key' && inner ? `invalid key: ${inner}` : i.message;
}

export function sendProblem(reply: FastifyReply, req: FastifyRequest, err: unknown, where?: string): FastifyReply {
  const p = problemOf(err, where);
  p.instance = req.url.slice(0, 200);
  if (p.status === 500) req.log.error({ err }, 'internal error');
  return reply.code(p.status).type('application/problem+json').send(JSON.stringify(p));
}

export { ColossusError };
