/** Who the dashboard is signed in as (GET /api/v1/session), shared by the header and the pages. */
import { useEffect, useState } from 'react';
import { api } from './api';

export interface Session {
  role: 'admin' | 'operator' | 'user' | 'viewer';
  team: string | null;
  via: 'cookie' | 'bearer';
  expiresAtMs: number | null;
  /** May cordon/drain nodes and steer the twin. */
  canOperate: boolean;
}

/** undefined while loading; null when not signed in. */
let current: Session | null | undefined;
let loading: Promise<void> | null = null;
const listeners = new Set<(s: Session | null | undefined) => void>();

function set(s: Session | null): void {
  current = s;
  for (const l of listeners) l(s);
}

export function refreshSession(): Promise<void> {
  return (loading = api<Session>('/api/v1/session').then(set, () => set(null)).finally(() => (loading = null)));
}

export function useSession(): Session | null | undefined {
  const [s, setS] = useState(current);
  useEffect(() => {
    listeners.add(setS);
    if (current === undefined && !loading) void refreshSession();
    return () => void listeners.delete(setS);
  }, []);
  return s;
}

/** Exchanges a pasted API token for a session cookie; the token is sent once and kept nowhere. */
export async function signInWithToken(token: string): Promise<void> {
  set(await api<Session>('/api/v1/session', { method: 'POST', headers: { authorization: `Bearer ${token.trim()}` } }));
}

export async function signOut(): Promise<void> {
  await api('/api/v1/session', { method: 'DELETE' });
  set(null);
}

/** Why a control is disabled for this session, or null when it may be used. */
export function operateHint(s: Session | null | undefined): string | null {
  if (s === undefined) return 'checking the session…';
  if (s === null) return 'sign in first: open a login link (colossus login-link --role operator) or paste a token';
  return s.canOperate ? null : `a ${s.role} session reads only: open an operator login link (colossus login-link --role operator)`;
}
