/**
 * Fetch helpers. The dashboard holds no token: it is signed in by an HttpOnly session
 * cookie (a one-time login link, or a pasted token exchanged at POST /api/v1/session),
 * which the browser sends on same-origin calls and no script can read. Calls that change
 * state carry the X-Colossus-CSRF header the server asks of cookie sessions.
 */

export const CSRF_HEADER = 'x-colossus-csrf';

/** Drops a `?token=` of an old link from the address bar, unused: tokens never go in URLs. */
export function dropTokenFromUrl(): void {
  const u = new URL(location.href);
  if (!u.searchParams.has('token')) return;
  u.searchParams.delete('token');
  history.replaceState(null, '', u.pathname + (u.search || '') + u.hash);
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly hint?: string) {
    super(message);
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; onHeaders?: (h: Headers) => void; headers?: Record<string, string> } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { ...init.headers };
  if (method !== 'GET') headers[CSRF_HEADER] = '1';
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  if (!res.ok) {
    let detail = `${res.status} ${res.statusText}`;
    let hint: string | undefined;
    try {
      const p = await res.json();
      detail = p.detail ?? detail;
      hint = p.hint;
    } catch {
      /* not problem+json */
    }
    throw new ApiError(res.status, detail, hint);
  }
  init.onHeaders?.(res.headers);
  return (await res.json()) as T;
}

export async function bytes(path: string): Promise<Uint8Array> {
  const res = await fetch(path, { cache: 'no-store', credentials: 'same-origin' });
  if (!res.ok) throw new ApiError(res.status, `${res.status} ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** One page of a list route: the items and the total matching (X-Total-Count). */
export async function apiPage<T>(path: string): Promise<{ items: T[]; total: number }> {
  let total = 0;
  const items = await api<T[]>(path, { onHeaders: (h) => (total = Number(h.get('x-total-count') ?? 0)) });
  return { items, total: total || items.length };
}
