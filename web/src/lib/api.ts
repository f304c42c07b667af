/** Fetch helpers: the user's token (from ?token= once, then localStorage) on every control-plane call. */

const KEY = 'colossus.token';

/** Moves a `?token=` from the URL into localStorage (so shared links do not carry it). */
export function adoptTokenFromUrl(): void {
  const u = new URL(location.href);
  const t = u.searchParams.get('token');
  if (!t) return;
  localStorage.setItem(KEY, t);
  u.searchParams.delete('token');
  history.replaceState(null, '', u.pathname + (u.search || '') + u.hash);
}

export const getToken = (): string => localStorage.getItem(KEY) ?? '';
export const setToken = (t: string): void => localStorage.setItem(KEY, t.trim());

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly hint?: string) {
    super(message);
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; onHeaders?: (h: Headers) => void } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
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
  const res = await fetch(path, { cache: 'no-store' });
  if (!res.ok) throw new ApiError(res.status, `${res.status} ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** One page of a list route: the items and the total matching (X-Total-Count). */
export async function apiPage<T>(path: string): Promise<{ items: T[]; total: number }> {
  let total = 0;
  const items = await api<T[]>(path, { onHeaders: (h) => (total = Number(h.get('x-total-count') ?? 0)) });
  return { items, total: total || items.length };
}
