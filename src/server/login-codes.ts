/**
 * One-time login codes: what `colossus server`, `colossus twin` and `colossus login-link`
 * print instead of a token in a URL. A code is 10 characters of Crockford base32 (50
 * random bits), valid once, for 10 minutes of the leader's wall clock; the store keeps
 * its SHA-256 hash, so a code works whichever PostgreSQL replica leads when it is used.
 * `GET /login?code=…` exchanges it for a session cookie (./session.ts).
 */
import { randomBytes } from 'node:crypto';
import { ColossusError } from '../core/errors.js';
import { hashToken } from './auth.js';
import type { LoginCodeRow, Store } from './store/store.js';

/** A login code is valid for 10 minutes (issue 9). */
export const LOGIN_CODE_TTL_MS = 10 * 60_000;
export const LOGIN_CODE_LENGTH = 10;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford: no I, L, O, U

export type LoginRole = LoginCodeRow['role'];

export function newLoginCode(): string {
  const bytes = randomBytes(LOGIN_CODE_LENGTH);
  let code = '';
  for (const b of bytes) code += ALPHABET[b & 31];
  return code;
}

/** The code as typed (any case; I/L read as 1, O as 0) → canonical, or a 400 saying what a code looks like. */
export function canonicalCode(text: unknown): string {
  const code = typeof text === 'string' ? text.trim().toUpperCase().replace(/[IL]/g, '1').replace(/O/g, '0') : '';
  if (code.length !== LOGIN_CODE_LENGTH || [...code].some((c) => !ALPHABET.includes(c))) {
    throw new ColossusError('usage', text === undefined || text === '' ? 'the login link has no code' : `'${String(text).slice(0, 40)}' is not a login code`, {
      where: 'query.code', hint: `a login code is ${LOGIN_CODE_LENGTH} letters and digits, as printed by \`colossus server\`, \`colossus twin\` or \`colossus login-link\`; open the whole link`,
    });
  }
  return code;
}

/** Mints a code for `role` and stores its hash; returns the code (shown once) and when it expires. */
export async function mintLoginCode(store: Store, role: LoginRole, nowMs: number): Promise<{ code: string; role: LoginRole; expiresAtMs: number }> {
  const code = newLoginCode();
  const expiresAtMs = nowMs + LOGIN_CODE_TTL_MS;
  await store.putLoginCode({ hash: hashToken(code), role, createdAtMs: nowMs, expiresAtMs });
  return { code, role, expiresAtMs };
}

/** The path a login link opens. */
export const loginPath = (code: string): string => `/login?code=${code}`;
