/**
 * Bearer tokens. Tokens are random 192-bit strings, so they are stored as
 * SHA-256 hashes (no slow KDF needed for high-entropy secrets). Roles: admin,
 * operator, user, viewer, agent (the join token) and node (one credential per
 * registered node, valid only for that node's routes). Dashboard sessions are rows
 * of the same table with an expiry (./session.ts).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ColossusError } from '../core/errors.js';
import type { TokenRow } from './store/store.js';

export type Role = TokenRow['role'];

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A new random token, e.g. `cla_…` for admin, `clj_…` join, `cln_…` node, `clu_…` user. */
export function newToken(role: Role): string {
  const prefix = { admin: 'cla', operator: 'clo', user: 'clu', viewer: 'clv', agent: 'clj', node: 'cln' }[role];
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}

export class TokenTable {
  private readonly byHash = new Map<string, TokenRow>();
  private readonly nodeHash = new Map<string, string>();
  /** Presented token → its row, so a heartbeat does not hash its token every time (memory only). */
  private readonly seen = new Map<string, TokenRow>();

  constructor(rows: TokenRow[] = []) {
    for (const r of rows) this.put(r);
  }

  put(row: TokenRow): void {
    if (row.role === 'node' && row.node) {
      const old = this.nodeHash.get(row.node);
      if (old) this.byHash.delete(old);
      this.nodeHash.set(row.node, row.hash);
    }
    this.byHash.set(row.hash, row);
  }

  /** Revokes a node's credential (`colossus node revoke|reset`): its heartbeats get 401 from now on. */
  revokeNode(node: string): void {
    const hash = this.nodeHash.get(node);
    if (hash) this.byHash.delete(hash);
    this.nodeHash.delete(node);
  }

  /** The node credential's row for `node`, if the header carries exactly that credential. */
  nodeCredential(header: string | undefined, node: string): TokenRow | undefined {
    try {
      const row = this.authenticate(header);
      return row.role === 'node' && row.node === node ? row : undefined;
    } catch {
      return undefined;
    }
  }

  /** Forgets a token row (a session that logged out). */
  delete(hash: string): void {
    this.byHash.delete(hash);
  }

  /** The session row of a cookie's secret (rows with an expiry only), if known; expiry is the caller's to check. */
  session(secret: string): TokenRow | undefined {
    const hash = hashToken(secret);
    const row = this.byHash.get(hash);
    return row && row.expiresAtMs != null && timingSafeEqual(Buffer.from(row.hash), Buffer.from(hash)) ? row : undefined;
  }

  has(hash: string): boolean {
    return this.byHash.has(hash);
  }

  /** The token row for an Authorization header; throws 401 when missing or unknown. */
  authenticate(header: string | undefined): TokenRow {
    const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!m) throw new ColossusError('unauthorized', 'missing bearer token', { where: 'Authorization header', hint: 'send "Authorization: Bearer <token>" (admin.token in the server data dir, or COLOSSUS_TOKEN); a browser signs in with a login link (colossus login-link)' });
    const cached = this.seen.get(m[1]);
    if (cached && this.byHash.get(cached.hash) === cached) return cached; // still valid: skip the hash
    const hash = hashToken(m[1]);
    const row = this.byHash.get(hash);
    if (!row || !timingSafeEqual(Buffer.from(row.hash), Buffer.from(hash))) {
      throw new ColossusError('unauthorized', 'unknown or revoked token', { where: 'Authorization header', hint: 'agents whose credential was lost register again with the join token' });
    }
    if (this.seen.size > 100_000) this.seen.clear();
    this.seen.set(m[1], row);
    return row;
  }
}

/** Throws 403 unless the token's role may use the route (node credentials only for their own node). */
export function authorize(row: TokenRow, roles: readonly Role[], nodeInPath?: string): void {
  if (row.role === 'node') {
    if (!roles.includes('node')) throw new ColossusError('forbidden', 'a node credential cannot use this route', { where: 'Authorization header' });
    if (nodeInPath !== undefined && row.node !== nodeInPath) {
      throw new ColossusError('forbidden', `this credential belongs to node '${row.node}', not '${nodeInPath}'`, { where: 'Authorization header', hint: 'each node credential works only for its own /agents/<name>/… routes' });
    }
    return;
  }
  if (row.role === 'admin' && !roles.includes('node')) return;
  if (roles.includes(row.role)) return;
  if (row.expiresAtMs != null) {
    throw new ColossusError('forbidden', `this ${row.role} session may not use this route (allowed: ${roles.join(', ')})`, { where: 'colossus_session cookie', hint: 'open an operator login link (`colossus login-link --role operator` with the admin token), or sign in with a token of one of those roles' });
  }
  throw new ColossusError('forbidden', `role '${row.role}' may not use this route (allowed: ${roles.join(', ')})`, { where: 'Authorization header', hint: 'ask an admin for a token with one of those roles (POST /api/v1/tokens)' });
}
