import { afterAll, describe, expect, it } from 'vitest';
import { createServer, type ColossusServer } from './app.js';
import { postgresAvailable, postgresBackend, sqliteBackend, type Backend } from './testing/backends.js';

const pgOk = await postgresAvailable();
const ADMIN = 'cla_test-admin-token';
const JOIN = 'clj_test-join-token';

async function boot(backend: Backend, key: string): Promise<ColossusServer> {
  return createServer({ store: await backend.open(key), bootstrapTokens: { admin: ADMIN, agent: JOIN }, tickMs: 0 });
}

const auth = (t: string) => ({ authorization: `Bearer ${t}` });
const gpus = (n: number) => Array.from({ length: n }, (_, i) => ({ index: i, uuid: `GPU-${i}`, model: 'NVIDIA H100 80GB HBM3' }));

describe.each([
  { backend: sqliteBackend(), enabled: true },
  { backend: postgresBackend(), enabled: pgOk },
])('server on $backend.name', ({ backend, enabled }: { backend: Backend; enabled: boolean }) => {
  afterAll(() => (enabled ? backend.cleanup() : undefined));

  it.skipIf(!enabled)('runs the agent protocol end to end through fastify.inject', async () => {
    const s = await boot(backend, 'flow');
    expect((await s.app.inject({ url: '/readyz' })).json()).toMatchObject({ ok: true, store: backend.name });
    const docs = await s.app.inject({ url: '/docs' });
    expect([200, 302]).toContain(docs.statusCode);
    const openapi = (await s.app.inject({ url: '/docs/json' })).json();
    expect(openapi.paths['/api/v1/jobs'].post.requestBody).toBeDefined();
    const reg = await s.app.inject({ method: 'POST', url: '/api/v1/agents/register', headers: auth(JOIN), payload: { name: 'node-a', gpus: gpus(8), topology: { rack: 'r1' } } });
    expect(reg.statusCode).toBe(200);
    const { nodeToken } = reg.json();
    const sub = await s.app.inject({ method: 'POST', url: '/api/v1/jobs', headers: auth(ADMIN), payload: { name: 'tiny', gpus: 8, command: ['node', 'train.mjs'] } });
    expect(sub.statusCode).toBe(201);
    const jobId = sub.json().id;
    await s.tick();
    const hb = await s.app.inject({ method: 'POST', url: '/api/v1/agents/node-a/heartbeat', headers: auth(nodeToken), payload: { seq: 1, attempts: [] } });
    expect(hb.statusCode).toBe(200);
    const spec = hb.json().run[0];
    expect(spec.processes).toHaveLength(8);
    expect(spec.processes[7].env.RANK).toBe('7');
    const ev = (events: unknown[]) => s.app.inject({ method: 'POST', url: `/api/v1/agents/node-a/attempts/${spec.attemptId}/events`, headers: auth(nodeToken), payload: { events } });
    expect((await ev([{ type: 'started', pids: [100] }, { type: 'log', rank: 0, stream: 'stdout', text: 'hello' }])).json()).toEqual({ keepRunning: true });
    await ev([{ type: 'progress', rank: 0, step: 3, checkpoint: 2, line: { done: true, step: 3 } }, { type: 'exited', exitCode: 0, signal: null }]);
    const show = (await s.app.inject({ url: `/api/v1/jobs/${jobId}`, headers: auth(ADMIN) })).json();
    expect(show).toMatchObject({ state: 'succeeded', lastStep: 3, lastCheckpointStep: 2, result: { done: true, step: 3 }, restarts: 0 });
    expect(show.attempts[0]).toMatchObject({ number: 1, state: 'succeeded', nodes: ['node-a'] });
    const logs = (await s.app.inject({ url: `/api/v1/jobs/${jobId}/logs`, headers: auth(ADMIN) })).json();
    expect(logs.lines.map((l: { text: string }) => l.text)).toEqual(['hello']);
    const nodes = (await s.app.inject({ url: '/api/v1/nodes', headers: auth(ADMIN) })).json();
    expect(nodes).toEqual([{ name: 'node-a', state: 'idle', gpus: 8, rack: 'r1', lastHeartbeatAt: expect.any(String), array: null, hall: null, gpuModel: 'NVIDIA H100 80GB HBM3', gpusFree: 8, jobs: [] }]);
    const node = (await s.app.inject({ url: '/api/v1/nodes/node-a', headers: auth(ADMIN) })).json();
    expect(node.transitions.map((t: { to: string }) => t.to)).toEqual(['idle', 'allocated', 'idle']);
    await s.close();
    await s.store.close();
  });

  it.skipIf(!enabled)('keeps only the newest log lines', async () => {
    const s = await createServer({ store: await backend.open('logs'), bootstrapTokens: { admin: ADMIN, agent: JOIN }, tickMs: 0, keepLogLines: 3 });
    const { nodeToken } = (await s.app.inject({ method: 'POST', url: '/api/v1/agents/register', headers: auth(JOIN), payload: { name: 'n', gpus: gpus(1) } })).json();
    const job = (await s.app.inject({ method: 'POST', url: '/api/v1/jobs', headers: auth(ADMIN), payload: { name: 'talky', gpus: 1, command: ['x'] } })).json();
    await s.tick();
    const events = Array.from({ length: 8 }, (_, i) => ({ type: 'log', stream: 'stdout', text: `line ${i}` }));
    await s.app.inject({ method: 'POST', url: `/api/v1/agents/n/attempts/${job.id}.a1/events`, headers: auth(nodeToken), payload: { events } });
    await s.tick();
    const lines = (await s.app.inject({ url: `/api/v1/jobs/${job.id}/logs?tail=100`, headers: auth(ADMIN) })).json().lines;
    expect(lines.map((l: { text: string }) => l.text)).toEqual(['line 5', 'line 6', 'line 7']);
    await s.close();
    await s.store.close();
  });

  it.skipIf(!enabled)('answers 401 and 403 and keeps node credentials to their node', async () => {
    const s = await boot(backend, 'auth');
    const reg = async (name: string) => (await s.app.inject({ method: 'POST', url: '/api/v1/agents/register', headers: auth(JOIN), payload: { name, gpus: gpus(1) } })).json().nodeToken;
    const ta = await reg('a');
    await reg('b');
    const user = (await s.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: auth(ADMIN), payload: { role: 'user', name: 'alice' } })).json().token;
    const cases: [string, string, string | undefined, unknown, number][] = [
      ['GET', '/api/v1/jobs', undefined, undefined, 401],
      ['GET', '/api/v1/jobs', 'garbage', undefined, 401],
      ['POST', '/api/v1/agents/b/heartbeat', ta, { seq: 1 }, 403],
      ['POST', '/api/v1/agents/a/heartbeat', ta, { seq: 1 }, 200],
      ['POST', '/api/v1/agents/a/heartbeat', ADMIN, { seq: 1 }, 403],
      ['POST', '/api/v1/jobs', JOIN, { name: 'x', gpus: 1, command: ['true'] }, 403],
      ['POST', '/api/v1/jobs', ta, { name: 'x', gpus: 1, command: ['true'] }, 403],
      ['POST', '/api/v1/jobs', user, { name: 'x', gpus: 1, command: ['true'] }, 201],
      ['POST', '/api/v1/nodes/a/drain', user, {}, 403],
      ['POST', '/api/v1/agents/register', user, { name: 'c', gpus: [] }, 403],
      ['POST', '/api/v1/nodes/a/cordon', ADMIN, { reason: 'maintenance' }, 200],
    ];
    for (const [method, url, token, payload, status] of cases) {
      const r = await s.app.inject({ method: method as 'GET', url, headers: token ? auth(token) : {}, ...(payload ? { payload: payload as object } : {}) });
      expect([method, url, r.statusCode]).toEqual([method, url, status]);
      if (status >= 400) expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    // the join token admits only new names (defect 7); the node's own credential registers it again, replacing itself
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/agents/register', headers: auth(JOIN), payload: { name: 'a', gpus: gpus(1) } })).statusCode).toBe(409);
    const ta2 = (await s.app.inject({ method: 'POST', url: '/api/v1/agents/register', headers: auth(ta), payload: { name: 'a', gpus: gpus(1) } })).json().nodeToken;
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/agents/a/heartbeat', headers: auth(ta), payload: { seq: 2 } })).statusCode).toBe(401);
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/agents/a/heartbeat', headers: auth(ta2), payload: { seq: 2 } })).statusCode).toBe(200);
    await s.close();
    await s.store.close();
  });
});
