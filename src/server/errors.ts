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

const TITLES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout', 409: 'Conflict', 410: 'Gone', 413: 'Payload Too Large', 414: 'URI Too Long', 415: 'Unsupported Media Type', 422: 'Unprocessable Content', 431: 'Request Header Fields Too Large', 500: 'Internal Server Error', 503: 'Service Unavailable' };

/**
 * Fastify's own errors, in our words: a type of ours (never `FST_ERR_*`), what went
 * wrong, where, and how to fix it. Unknown codes fall back to `/problems/http-<status>`.
 */
const FASTIFY_PROBLEMS: Record<string, { type: string; detail?: string; where: string; hint: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { type: 'invalid-json', where: 'body', hint: 'send one JSON document (keys "__proto__" and "constructor" are refused)' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { type: 'empty-body', where: 'body', hint: 'send a JSON body, or no Content-Type header when there is none' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { type: 'unsupported-media-type', detail: 'this content type is not accepted', where: 'Content-Type header', hint: 'send Content-Type: application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { type: 'bad-content-length', where: 'Content-Length header', hint: 'send the exact byte length of the body' },
  FST_ERR_CTP_BODY_TOO_LARGE: { type: 'body-too-large', where: 'body', hint: 'the body limit is 1 MiB: send less (fewer events per report, a shorter env)' },
  FST_ERR_CTP_INVALID_TYPE: { type: 'bad-content-type', where: 'Content-Type header', hint: 'send Content-Type: application/json' },
  FST_ERR_CTP_INSTANCE_ALREADY_STARTED: { type: 'bad-content-type', where: 'Content-Type header', hint: 'send Content-Type: application/json' },
  FST_ERR_BAD_URL: { type: 'bad-url', detail: 'the URL is not valid percent-encoding', where: 'URL', hint: 'percent-encode path segments (encodeURIComponent)' },
  FST_ERR_MAX_PARAM_LENGTH: { type: 'uri-too-long', detail: 'a path segment is longer than 100 characters', where: 'URL', hint: 'names are at most 63 characters' },
  FST_ERR_ASYNC_CONSTRAINT: { type: 'bad-request', where: 'request', hint: 'see the routes at /docs' },
};

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
  const known = fe.code ? FASTIFY_PROBLEMS[fe.code] : undefined;
  const detail = (known?.detail ?? fe.message ?? '').replace(/^FST_ERR_\w+:?\s*/, '').slice(0, 300) || (TITLES[status] ?? 'bad request');
  return { type: `/problems/${known?.type ?? `http-${status}`}`, title: TITLES[status] ?? 'Error', status, detail, where: known?.where ?? where ?? 'request', hint: known?.hint ?? 'see the routes and schemas at /docs' };
}

/** A problem body for a status alone (client errors Node answers before Fastify sees a request). */
export function statusProblem(status: number, detail: string, where: string, hint: string): ProblemBody {
  return { type: `/problems/${(TITLES[status] ?? 'error').toLowerCase().replace(/ /g, '-')}`, title: TITLES[status] ?? 'Error', status, detail, where, hint };
}

/** A record key's issue carries the key schema's own message (e.g. "an environment variable name") inside it. */
function issueMessage(i: ZodError['issues'][number]): string {
  const inner = (i as { issues?: { message: string }[] }).issues?.[0]?.message;
  return i.code === 'invalid_key' && inner ? `invalid key: ${inner}` : i.message;
}

export function sendProblem(reply: FastifyReply, req: FastifyRequest, err: unknown, where?: string): FastifyReply {
  const p = problemOf(err, where);
  p.instance = req.url.slice(0, 200);
  p.where ??= 'request';
  p.hint ??= 'see the API and its schemas at /docs';
  if (p.status === 500) req.log.error({ err }, 'internal error');
  return reply.code(p.status).type('application/problem+json').send(JSON.stringify(p));
}

export { ColossusError };
