/**
 * Dashboard sessions (issue 9, defect 11): the browser never holds a bearer token. A
 * one-time login code (./login-codes.ts) or a pasted token is exchanged for a random
 * session secret in an HttpOnly, SameSite=Strict cookie; the store keeps its SHA-256 hash
 * as a token row with an expiry. API calls authenticate with `Authorization: Bearer` (the
 * CLI, agents, scripts) or, without that header, with the cookie. CSRF: besides
 * SameSite=Strict, a cookie-authenticated call that changes state must carry the
 * `X-Colossus-CSRF` header, which a cross-site form or image cannot send.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ColossusError } from '../core/errors.js';
import { hashToken, type TokenTable } from './auth.js';
import type { TokenRow } from './store/store.js';

export const SESSION_COOKIE = 'colossus_session';
/** The header a cookie session sends on POST/PUT/DELETE (any non-empty value; the dashboard sends "1"). */
export const CSRF_HEADER = 'x-colossus-csrf';
/** How long a session lasts: 12 h (a working day and some), then a new login link. */
export const SESSION_TTL_MS = 12 * 3_600_000;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A new session: its secret (for the cookie only) and the row the store keeps (hashed). */
export function newSession(role: TokenRow['role'], team: string | null, name: string, nowMs: number): { secret: string; row: TokenRow } {
  const secret = `cls_${randomBytes(24).toString('base64url')}`;
  return { secret, row: { hash: hashToken(secret), role, name, node: null, createdAtMs: nowMs, team, expiresAtMs: nowMs + SESSION_TTL_MS } };
}

/** The value of cookie `name` in a Cookie header, if present. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Set-Cookie for a session: HttpOnly (no script reads it), SameSite=Strict, Path=/, Secure over https only. */
export function sessionCookie(secret: string, maxAgeS: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${secret}; Path=/; Max-Age=${Math.max(0, Math.floor(maxAgeS))}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export const clearedCookie = (secure: boolean): string => sessionCookie('', 0, secure);

/** True when the request came over TLS (the server itself, or a proxy Fastify trusts). */
export const overHttps = (req: FastifyRequest): boolean => req.protocol === 'https';

/** The session secret the request's cookie carries, if any. */
export const sessionSecret = (req: FastifyRequest): string | undefined => cookieValue(req.headers.cookie, SESSION_COOKIE) || undefined;

/**
 * Who is calling: the bearer token when there is an Authorization header, else the
 * session cookie (unexpired, and with the CSRF header on state-changing methods).
 * Throws 401/403 problems that say what to do.
 */
export function authenticateRequest(tokens: TokenTable, req: FastifyRequest, nowMs: number): TokenRow {
  const secret = req.headers.authorization === undefined ? sessionSecret(req) : undefined;
  if (secret === undefined) {
    const row = tokens.authenticate(req.headers.authorization);
    if (row.expiresAtMs != null) throw new ColossusError('unauthorized', 'a session secret is not a bearer token', { where: 'Authorization header', hint: 'use an API token (POST /api/v1/tokens, or admin.token in the server data dir)' });
    return row;
  }
  const row = tokens.session(secret);
  if (!row || row.expiresAtMs == null || row.expiresAtMs <= nowMs) {
    throw new ColossusError('unauthorized', row ? 'the dashboard session has expired' : 'the dashboard session is unknown (logged out, or made by another server)', {
      where: `${SESSION_COOKIE} cookie`, hint: 'open a new login link: `colossus login-link [--role operator]` with the admin token, or paste an API token in the dashboard',
    });
  }
  if (!SAFE_METHODS.has(req.method) && !req.headers[CSRF_HEADER]) {
    throw new ColossusError('forbidden', `a cookie session must send the ${CSRF_HEADER} header on ${req.method} requests (cross-site request protection)`, {
      where: `${CSRF_HEADER} header`, hint: `send "${CSRF_HEADER}: 1" with the call (the dashboard does), or use a bearer token`,
    });
  }
  return row;
}
