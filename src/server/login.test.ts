/**
 * Login links and dashboard sessions (issue 9, defect 11), over real HTTP on loopback
 * against the real server on SQLite and PostgreSQL, with the login clock injected: a
 * code works once and only once, for 10 minutes; the cookie is HttpOnly and
 * SameSite=Strict; a viewer session reads but may not cordon; an operator session may;
 * a cookie call that changes state needs the CSRF header; sessions survive a restart of
 * the server (they live in the store); logout ends one.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createServer, type ColossusServer } from './app.js';
import { postgresAvailable, postgresBackend, sqliteBackend, type Backend } from './testing/backends.js';

const pgOk = await postgresAvailable();
const ADMIN = 'cla_login-admin';
const JOIN = 'clj_login-join';
const MIN = 60_000;

interface Booted {
  s: ColossusServer;
  url: string;
  clock: { ms: number };
}

async function boot(backend: Backend, key: string, clock = { ms: Date.UTC(2026, 5, 1) }): Promise<Booted> {
  const s = await createServer({ store: await backend.open(key), bootstrapTokens: { admin: ADMIN, agent: JOIN }, tickMs: 0, authNowMs: () => clock.ms });
  const url = await s.app.listen({ host: '127.0.0.1', port: 0 });
  return { s, url, clock };
}

async function call(url: string, method: string, path: string, o: { token?: string; cookie?: string; body?: unknown; csrf?: boolean } = {}) {
  const headers: Record<string, string> = {};
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.cookie) headers.cookie = o.cookie;
  if (o.csrf) headers['x-colossus-csrf'] = '1';
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url + path, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body), redirect: 'manual' });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, json, text };
}

async function link(b: Booted, role?: 'viewer' | 'operator'): Promise<{ code: string; url: string; path: string; expiresAtMs: number }> {
  const r = await call(b.url, 'POST', '/api/v1/login-links', { token: ADMIN, body: role ? { role } : {} });
  expect(r.status, r.text).toBe(201);
  return r.json as never;
}

/** Opens the link as a browser would (no redirect following) → the cookie pair for later requests. */
async function login(b: Booted, path: string): Promise<{ status: number; cookie: string; setCookie: string; location: string | null; json: Record<string, unknown> }> {
  const r = await call(b.url, 'GET', path);
  const setCookie = r.headers.get('set-cookie') ?? '';
  return { status: r.status, cookie: setCookie.split(';')[0], setCookie, location: r.headers.get('location'), json: r.json };
}

const gpus = (n: number) => Array.from({ length: n }, (_, i) => ({ index: i, uuid: `GPU-${i}`, model: 'H100' }));

describe.each([
  { backend: sqliteBackend(), enabled: true },
  { backend: postgresBackend(), enabled: pgOk },
])('login links and sessions on $backend.name', ({ backend, enabled }: { backend: Backend; enabled: boolean }) => {
  afterAll(() => (enabled ? backend.cleanup() : undefined));

  it.skipIf(!enabled)('a code opens one viewer session, once; the cookie is HttpOnly, SameSite=Strict; viewers read, operators cordon', async () => {
    const b = await boot(backend, 'once');
    try {
      expect((await call(b.url, 'POST', '/api/v1/agents/register', { token: JOIN, body: { name: 'n-1', gpus: gpus(8) } })).status).toBe(200);
      const v = await link(b);
      expect(v).toMatchObject({ role: 'viewer', path: `/login?code=${v.code}`, url: `${b.url}/login?code=${v.code}`, validS: 600, expiresAtMs: b.clock.ms + 10 * MIN });
      expect(v.code).toMatch(/^[0-9A-Z]{10}$/);
      expect(JSON.stringify(v)).not.toContain(ADMIN);

      expect((await call(b.url, 'HEAD', v.path)).status).toBe(204); // a link preview does not use the code up
      const first = await login(b, v.path);
      expect(first.status).toBe(303);
      expect(first.location).toBe('/');
      expect(first.setCookie).toMatch(/^colossus_session=cls_[\w-]{32}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict$/); // no Secure over plain http
      expect(first.setCookie).not.toContain(ADMIN);

      const again = await login(b, v.path);
      expect(again.status).toBe(410);
      expect(again.setCookie).toBe('');
      expect(again.json).toMatchObject({ type: '/problems/login-code-used', status: 410, where: 'query.code', hint: expect.stringMatching(/colossus login-link/) });

      const viewer = first.cookie;
      expect((await call(b.url, 'GET', '/api/v1/session', { cookie: viewer })).json).toEqual({ role: 'viewer', team: null, via: 'cookie', expiresAtMs: b.clock.ms + 12 * 60 * MIN, canOperate: false });
      expect((await call(b.url, 'GET', '/api/v1/nodes', { cookie: viewer })).status).toBe(200);
      expect((await call(b.url, 'GET', '/api/v1/jobs', { cookie: viewer })).status).toBe(200);
      const refused = await call(b.url, 'POST', '/api/v1/nodes/n-1/cordon', { cookie: viewer, csrf: true, body: { reason: 'try' } });
      expect(refused.status).toBe(403);
      expect(refused.json).toMatchObject({ detail: expect.stringMatching(/viewer session may not/), where: 'colossus_session cookie' });
      expect((await call(b.url, 'POST', '/api/v1/jobs', { cookie: viewer, csrf: true, body: { name: 'x', gpus: 1, command: ['true'] } })).status).toBe(403);
      expect((await call(b.url, 'POST', '/api/v1/login-links', { cookie: viewer, csrf: true, body: {} })).status).toBe(403);

      const o = await link(b, 'operator');
      const op = await login(b, o.path);
      expect(op.status).toBe(303);
      const operator = op.cookie;
      expect((await call(b.url, 'GET', '/api/v1/session', { cookie: operator })).json).toMatchObject({ role: 'operator', canOperate: true });
      const noCsrf = await call(b.url, 'POST', '/api/v1/nodes/n-1/cordon', { cookie: operator, body: { reason: 'maintenance' } });
      expect(noCsrf.status).toBe(403);
      expect(noCsrf.json).toMatchObject({ where: 'x-colossus-csrf header' });
      const cordon = await call(b.url, 'POST', '/api/v1/nodes/n-1/cordon', { cookie: operator, csrf: true, body: { reason: 'maintenance' } });
      expect(cordon.status, cordon.text).toBe(200);
      expect(cordon.json.hold).toBe('cordon'); // an idle cordoned node shows 'drained'
      expect((await call(b.url, 'POST', '/api/v1/tokens', { cookie: operator, csrf: true, body: { role: 'admin', name: 'x' } })).status).toBe(403); // operator, not admin

      // The session secret is the cookie's only: it is no bearer token.
      const secret = operator.split('=')[1];
      expect((await call(b.url, 'GET', '/api/v1/jobs', { token: secret })).status).toBe(401);
    } finally {
      await b.s.close();
    }
  });

  it.skipIf(!enabled)('a code expires after 10 minutes; unknown and malformed codes are refused; sessions end after 12 h', async () => {
    const b = await boot(backend, 'expiry');
    try {
      const early = await link(b);
      const late = await link(b);
      b.clock.ms += 10 * MIN - 1;
      const ok = await login(b, early.path);
      expect(ok.status).toBe(303);
      b.clock.ms += 1; // exactly 10 minutes after it was made
      const expired = await login(b, late.path);
      expect(expired.status).toBe(410);
      expect(expired.json).toMatchObject({ type: '/problems/login-code-expired', where: 'query.code' });
      expect(String(expired.json.detail)).toMatch(/expired at 2026-06-01T00:10:00Z/);

      const unknown = await login(b, '/login?code=0123456789');
      expect(unknown.status).toBe(401);
      expect(unknown.json).toMatchObject({ type: '/problems/login-code-unknown', where: 'query.code' });
      for (const bad of ['/login', '/login?code=', '/login?code=abc', `/login?code=${'Z'.repeat(11)}`, '/login?code=%00%00%00%00%00%00%00%00%00%00']) {
        const r = await login(b, bad);
        expect(r.status, bad).toBe(400);
        expect(r.json, bad).toMatchObject({ where: 'query.code', hint: expect.stringMatching(/login code is 10 letters and digits/) });
      }
      // Crockford: lower case, and O/I/L for 0/1/1, are the same code.
      const typed = await link(b);
      expect((await login(b, `/login?code=${typed.code.toLowerCase().replace(/0/g, 'o').replace(/1/g, 'l')}`)).status).toBe(303);

      expect((await call(b.url, 'GET', '/api/v1/session', { cookie: ok.cookie })).status).toBe(200);
      b.clock.ms += 12 * 60 * MIN;
      const ended = await call(b.url, 'GET', '/api/v1/session', { cookie: ok.cookie });
      expect(ended.status).toBe(401);
      expect(ended.json).toMatchObject({ detail: 'the dashboard session has expired', where: 'colossus_session cookie' });
    } finally {
      await b.s.close();
    }
  });

  it.skipIf(!enabled)('codes and sessions live in the store: a restarted server honours them; logout ends a session everywhere', async () => {
    const clock = { ms: Date.UTC(2026, 5, 1) };
    const a = await boot(backend, 'restart', clock);
    const pending = await link(a);
    const session = (await login(a, (await link(a)).path)).cookie;
    await a.s.close();
    const b = await boot(backend, 'restart', clock); // the same database: a restart, or the next PostgreSQL leader
    try {
      expect((await call(b.url, 'GET', '/api/v1/session', { cookie: session })).json).toMatchObject({ role: 'viewer', via: 'cookie' });
      expect((await login(b, pending.path)).status).toBe(303); // made by the old process, used on the new one
      expect((await login(b, pending.path)).status).toBe(410);

      const out = await call(b.url, 'DELETE', '/api/v1/session', { cookie: session, csrf: true });
      expect(out.status).toBe(200);
      expect(out.json).toEqual({ loggedOut: true });
      expect(out.headers.get('set-cookie')).toMatch(/^colossus_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Strict$/);
      expect((await call(b.url, 'GET', '/api/v1/session', { cookie: session })).status).toBe(401);
    } finally {
      await b.s.close();
    }
    const c = await boot(backend, 'restart', clock);
    try {
      expect((await call(c.url, 'GET', '/api/v1/session', { cookie: session })).status).toBe(401); // the logout was committed
    } finally {
      await c.s.close();
    }
  });

  it.skipIf(!enabled)('a pasted token becomes a cookie session (an admin token an operator one); the page need not keep it', async () => {
    const b = await boot(backend, 'paste');
    try {
      const viewerToken = (await call(b.url, 'POST', '/api/v1/tokens', { token: ADMIN, body: { role: 'viewer', name: 'vera', team: 'speech' } })).json.token as string;
      const fromViewer = await call(b.url, 'POST', '/api/v1/session', { token: viewerToken, csrf: true });
      expect(fromViewer.status).toBe(201);
      expect(fromViewer.json).toMatchObject({ role: 'viewer', team: 'speech', via: 'cookie', canOperate: false });
      expect(fromViewer.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict$/);
      const fromAdmin = await call(b.url, 'POST', '/api/v1/session', { token: ADMIN });
      expect(fromAdmin.json).toMatchObject({ role: 'operator', canOperate: true });
      const cookie = (fromAdmin.headers.get('set-cookie') ?? '').split(';')[0];
      expect(cookie).not.toContain(ADMIN);
      expect((await call(b.url, 'GET', '/api/v1/session', { cookie })).json).toMatchObject({ role: 'operator', via: 'cookie' });
      expect((await call(b.url, 'GET', '/api/v1/session', { token: ADMIN })).json).toMatchObject({ role: 'admin', via: 'bearer', expiresAtMs: null });
      expect((await call(b.url, 'DELETE', '/api/v1/session', { token: ADMIN })).json).toEqual({ loggedOut: false });
      expect((await call(b.url, 'POST', '/api/v1/session', { token: JOIN })).status).toBe(403);
    } finally {
      await b.s.close();
    }
  });
});
