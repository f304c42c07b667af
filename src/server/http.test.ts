/**
 * The real server process on loopback: bad input gets a 4xx problem+json and the
 * server keeps serving; kill -9 at any moment loses no accepted job or transition,
 * and on restart running attempts are reconciled, not restarted. SQLite and PostgreSQL.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { postgresAvailable, postgresBackend, sqliteBackend, type Backend } from './testing/backends.js';
import { spawnServer, type SpawnedServer } from './testing/spawn-server.js';

const pgOk = await postgresAvailable();

async function start(backend: Backend, key: string, port = 0): Promise<SpawnedServer> {
  const loc = backend.location(key);
  return spawnServer(['--data-dir', loc.dataDir, '--heartbeat-interval-s', '1', '--node-timeout-s', '30'], { DATABASE_URL: loc.databaseUrl ?? '', COLOSSUS_PG_SCHEMA: loc.pgSchema, COLOSSUS_ADMIN_TOKEN: 'cla_http-admin', COLOSSUS_AGENT_TOKEN: 'clj_http-join' }, port);
}

async function call(url: string, method: string, path: string, body?: unknown, token = 'cla_http-admin', raw?: string, type = 'application/json') {
  const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined || raw !== undefined ? { 'content-type': type } : {}) }, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', json: text ? JSON.parse(text) : null };
}

describe.each([
  { backend: sqliteBackend(), enabled: true },
  { backend: postgresBackend(), enabled: pgOk },
])('server process on $backend.name', ({ backend, enabled }: { backend: Backend; enabled: boolean }) => {
  afterAll(() => (enabled ? backend.cleanup() : undefined));

  it.skipIf(!enabled)('answers bad input with 4xx problem+json and keeps serving', async () => {
    const s = await start(backend, 'bad');
    try {
      const job = { name: 'ok', gpus: 8, command: ['true'] };
      const cases: [string, string, string, unknown, string | undefined, number, RegExp][] = [
        ['malformed JSON', 'POST', '/api/v1/jobs', undefined, '{"name": "x", gpus: ', 400, /JSON/i],
        ['wrong type', 'POST', '/api/v1/jobs', { ...job, gpus: 'eight' }, undefined, 400, /body\.gpus/],
        ['unknown field', 'POST', '/api/v1/jobs', { ...job, colour: 'red' }, undefined, 400, /colour/],
        ['10^9 GPUs', 'POST', '/api/v1/jobs', { ...job, gpus: 1e9 }, undefined, 400, /body\.gpus/],
        ['10 kB name', 'POST', '/api/v1/jobs', { ...job, name: 'x'.repeat(10_000) }, undefined, 400, /body\.name/],
        ['body over 1 MiB', 'POST', '/api/v1/jobs', undefined, JSON.stringify({ ...job, env: { BIG: 'x'.repeat(1_100_000) } }), 413, /too large/i],
        ['empty command', 'POST', '/api/v1/jobs', { ...job, command: [] }, undefined, 400, /body\.command/],
        ['non-existent node', 'GET', '/api/v1/nodes/no-such-node', undefined, undefined, 404, /no node named 'no-such-node'/],
        ['drain non-existent node', 'POST', '/api/v1/nodes/no-such-node/drain', {}, undefined, 404, /no node/],
        ['non-existent job', 'GET', '/api/v1/jobs/job-999999', undefined, undefined, 404, /no job/],
        ['unknown route', 'GET', '/api/v1/nope', undefined, undefined, 404, /no route/],
        ['negative priority out of range', 'POST', '/api/v1/jobs', { ...job, priority: -1e6 }, undefined, 400, /priority/],
        ['bad query', 'GET', '/api/v1/jobs?state=sleeping', undefined, undefined, 400, /query\.state/],
        ['array body', 'POST', '/api/v1/agents/register', [1, 2], undefined, 400, /body/],
      ];
      for (const [what, method, path, body, raw, status, detail] of cases) {
        const r = await call(s.url, method, path, body, path.includes('register') ? 'clj_http-join' : 'cla_http-admin', raw);
        expect({ what, status: r.status, type: r.type }).toEqual({ what, status, type: expect.stringMatching(/application\/problem\+json/) });
        expect({ what, ok: detail.test(JSON.stringify(r.json)) }).toEqual({ what, ok: true });
        expect(r.json).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
      }
      const text = await call(s.url, 'POST', '/api/v1/jobs', undefined, 'cla_http-admin', 'name=x', 'text/plain');
      expect([text.status, text.type]).toEqual([400, expect.stringMatching(/problem\+json/)]);
      const xml = await call(s.url, 'POST', '/api/v1/jobs', undefined, 'cla_http-admin', '<job/>', 'application/xml');
      expect(xml.status).toBe(415);
      expect((await call(s.url, 'GET', '/healthz')).json).toEqual({ ok: true });
      expect((await call(s.url, 'POST', '/api/v1/jobs', job)).status).toBe(201);
      const metrics = await fetch(s.url + '/metrics').then((r) => r.text());
      expect(metrics).toMatch(/colossus_http_requests_total\{route="\/api\/v1\/jobs",method="POST",status="4xx"\} \d+/);
      const docs = await fetch(s.url + '/docs/json').then((r) => r.json());
      expect(Object.keys(docs.paths)).toContain('/api/v1/agents/{name}/heartbeat');
    } finally {
      s.child.kill('SIGTERM');
      expect((await s.exited).code).toBe(0);
    }
  });

  it.skipIf(!enabled)('survives kill -9: accepted jobs and transitions persist; running attempts are reconciled, not restarted', async () => {
    const s1 = await start(backend, 'kill');
    if (backend.name === 'sqlite') {
      expect(statSync(s1.info.dataDir + '/colossus.db').isFile()).toBe(true);
    }
    const reg = await call(s1.url, 'POST', '/api/v1/agents/register', { name: 'n1', gpus: [0, 1].map((i) => ({ index: i, uuid: `U${i}`, model: 'H100' })) }, 'clj_http-join');
    const nodeToken = reg.json.nodeToken;
    const running = (await call(s1.url, 'POST', '/api/v1/jobs', { name: 'run', gpus: 2, command: ['train'] })).json.id;
    const queued = (await call(s1.url, 'POST', '/api/v1/jobs', { name: 'wait', gpus: 2, command: ['train'] })).json.id;
    let hb;
    for (let i = 0; i < 50; i++) {
      hb = await call(s1.url, 'POST', '/api/v1/agents/n1/heartbeat', { seq: i, attempts: [] }, nodeToken);
      if (hb.json.run.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const attemptId = hb!.json.run[0].attemptId;
    await call(s1.url, 'POST', `/api/v1/agents/n1/attempts/${attemptId}/events`, { events: [{ type: 'started', pids: [42] }, { type: 'progress', rank: 0, step: 4, checkpoint: 4, line: { step: 4 } }] }, nodeToken);
    await call(s1.url, 'POST', '/api/v1/nodes/n1/cordon', { reason: 'before the crash' });
    s1.child.kill('SIGKILL');
    await s1.exited;

    const s2 = await start(backend, 'kill');
    try {
      // PostgreSQL: the restarted server stands by (307 to the dead leader) until the old lease expires
      for (let i = 0; i < 200; i++) {
        // Taking over, it closes the standby's listener and opens the leader's on the same port:
        // a request in that instant is refused or reset, which clients retry.
        const ready = await fetch(s2.url + '/readyz', { redirect: 'manual' }).catch(() => null);
        if (ready?.status === 200) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const jobs = (await call(s2.url, 'GET', '/api/v1/jobs')).json;
      expect(jobs.map((j: { id: string; state: string }) => [j.id, j.state])).toEqual([[running, 'running'], [queued, 'queued']]);
      const node = (await call(s2.url, 'GET', '/api/v1/nodes/n1')).json;
      expect(node.state).toBe('draining');
      expect(node.transitions.at(-1)).toMatchObject({ from: 'allocated', to: 'draining', reason: 'before the crash', source: 'operator' });
      // the old node credential still works; the agent reports the attempt still running
      const again = await call(s2.url, 'POST', '/api/v1/agents/n1/heartbeat', { seq: 100, attempts: [{ attemptId, state: 'running' }] }, nodeToken);
      expect(again.status).toBe(200);
      expect(again.json.run).toEqual([]); // a spec goes out once: an attempt the agent reports holding is only named
      expect(again.json.keep).toEqual([attemptId]);
      await call(s2.url, 'POST', `/api/v1/agents/n1/attempts/${attemptId}/events`, { events: [{ type: 'exited', exitCode: 0, signal: null }] }, nodeToken);
      const show = (await call(s2.url, 'GET', `/api/v1/jobs/${running}`)).json;
      expect(show).toMatchObject({ state: 'succeeded', lastCheckpointStep: 4, restarts: 0 });
      expect(show.attempts).toHaveLength(1);
      if (s2.info.adminTokenFile === null) expect(() => readFileSync(s2.info.dataDir + '/admin.token')).toThrow();
    } finally {
      s2.child.kill('SIGTERM');
      await s2.exited;
    }
  });
});
