/**
 * Validation at the edge (issue 9, defects 1, 2, 3 and 10): every field an agent acts
 * on is checked by the server's schemas; nothing a node posts as workload output can
 * make the store or a route fail. In-process (fastify.inject) over a real SQLite store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type ColossusServer } from './app.js';
import { Store } from './store/store.js';

const ADMIN = 'cla_edge-admin';
const JOIN = 'clj_edge-join';
const tmp = mkdtempSync(join(tmpdir(), 'colossus-edge-'));
const root = join(tmp, 'ckpt');
let s: ColossusServer;
let nodeToken: string;

const auth = (t: string) => ({ authorization: `Bearer ${t}` });
const gpus = (n: number) => Array.from({ length: n }, (_, i) => ({ index: i, uuid: `GPU-${i}`, model: 'H100' }));
const job = { name: 'ok', gpus: 1, command: ['true'] };

beforeAll(async () => {
  s = await createServer({ store: await Store.open({ dataDir: join(tmp, 'data') }), bootstrapTokens: { admin: ADMIN, agent: JOIN }, tickMs: 0, policy: { checkpointRoot: root }, checkpointRoots: [root, '/scratch/ckpt'] });
  const reg = await s.app.inject({ method: 'POST', url: '/api/v1/agents/register', headers: auth(JOIN), payload: { name: 'edge-1', gpus: gpus(1) } });
  nodeToken = reg.json().nodeToken;
});
afterAll(async () => {
  await s.close();
  await s.store.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('validation at the edge', () => {
  it('refuses NUL bytes, empty programs, bad paths and checkpoint dirs outside the roots (defects 1, 2)', async () => {
    const cases: [string, object, RegExp][] = [
      ['NUL in command', { ...job, command: ['sleep', '1\u0000'] }, /body\.command\.1: must not contain a NUL byte/],
      ['NUL in env value', { ...job, env: { A: 'x\u0000y' } }, /body\.env\.A: must not contain a NUL/],
      ['NUL in env name', { ...job, env: { 'A\u0000': 'x' } }, /body\.env/],
      ['env name with "="', { ...job, env: { 'A=B': 'x' } }, /environment variable name/],
      ['NUL in checkpointDir', { ...job, checkpointDir: `${root}/a\u0000` }, /body\.checkpointDir: must not contain a NUL/],
      ['empty program', { ...job, command: [''] }, /command\[0\] \(the program\) must not be empty/],
      ['blank program', { ...job, command: ['  ', 'x'] }, /must not be empty/],
      ['relative checkpointDir', { ...job, checkpointDir: 'ckpt/x' }, /absolute, normalised path/],
      ['checkpointDir with ..', { ...job, checkpointDir: `${root}/../../etc` }, /absolute, normalised path/],
      ['checkpointDir with //', { ...job, checkpointDir: `${root}//x` }, /absolute, normalised path/],
      ['checkpointDir with trailing /', { ...job, checkpointDir: `${root}/x/` }, /absolute, normalised path/],
      ['checkpointDir /proc/1/x', { ...job, checkpointDir: '/proc/1/x' }, /outside the checkpoint roots/],
      ['checkpointDir beside a root', { ...job, checkpointDir: `${root}-evil/x` }, /outside the checkpoint roots/],
      ['relative cwd', { ...job, cwd: 'work' }, /body\.cwd: must be an absolute/],
      ['cwd with NUL', { ...job, cwd: '/tmp/\u0000' }, /body\.cwd: must not contain a NUL/],
      ['upper-case team', { ...job, team: 'Research' }, /body\.team: lower-case/],
      ['too many arguments in all', { ...job, command: Array.from({ length: 40 }, () => 'x'.repeat(4000)) }, /within 131072 characters/],
    ];
    for (const [what, payload, detail] of cases) {
      const r = await s.app.inject({ method: 'POST', url: '/api/v1/jobs', headers: auth(ADMIN), payload });
      expect({ what, status: r.statusCode, type: r.headers['content-type'] }).toEqual({ what, status: 400, type: expect.stringMatching(/^application\/problem\+json/) });
      expect({ what, detail: r.json().detail }).toEqual({ what, detail: expect.stringMatching(detail) });
    }
    for (const dir of [`${root}/mine`, '/scratch/ckpt/run-1', root]) {
      const r = await s.app.inject({ method: 'POST', url: '/api/v1/jobs', headers: auth(ADMIN), payload: { ...job, checkpointDir: dir } });
      expect([dir, r.statusCode]).toEqual([dir, 201]);
    }
    expect([...s.controller.jobs.values()].map((j) => j.spec.checkpointDir)).toEqual([`${root}/mine`, '/scratch/ckpt/run-1', root]);
  });

  it('keeps node and team names path-safe and canonical; GPU indices unique (defect 10)', async () => {
    const reg = (payload: object) => s.app.inject({ method: 'POST', url: '/api/v1/agents/register', headers: auth(JOIN), payload });
    expect((await reg({ name: 'Edge-1', gpus: gpus(1) })).json().detail).toMatch(/body\.name: lower-case/);
    expect((await reg({ name: 'edge-2', gpus: [...gpus(2), { index: 1, uuid: 'x', model: 'H100' }] })).json().detail).toMatch(/GPU indices must be unique/);
    expect((await reg({ name: 'a..b', gpus: gpus(1) })).statusCode).toBe(400);
    expect((await reg({ name: 'edge-3', gpus: gpus(1), address: '10.0.0.1; rm -rf /' })).json().detail).toMatch(/body\.address/);
    const quota = await s.app.inject({ method: 'PUT', url: '/api/v1/teams/..%2F..', headers: auth(ADMIN), payload: { gpuQuota: 1 } });
    expect([quota.statusCode, quota.json().detail]).toEqual([400, expect.stringMatching(/path\.name/)]);
    expect((await s.app.inject({ method: 'GET', url: '/api/v1/jobs/..%2F..', headers: auth(ADMIN) })).json().detail).toMatch(/path\.id: a job id/);
    expect((await s.app.inject({ method: 'GET', url: '/api/v1/nodes/NODE-1', headers: auth(ADMIN) })).statusCode).toBe(400);
    expect([...s.controller.nodes.keys()]).toEqual(['edge-1']);
    expect(s.controller.quotas.size).toBe(0);
  });

  it('refuses a progress line a node posts nested too deep or too big; the job stays readable (defect 3)', async () => {
    for (const j of s.controller.jobs.values()) if (j.state === 'queued') s.controller.cancelJob(j.id, 'make room');
    const sub = await s.app.inject({ method: 'POST', url: '/api/v1/jobs', headers: auth(ADMIN), payload: { ...job, name: 'deep' } });
    const id = sub.json().id;
    await s.tick();
    const attemptId = s.controller.jobs.get(id)!.attemptIds[0];
    const url = `/api/v1/agents/edge-1/attempts/${attemptId}/events`;
    const post = (events: unknown[]) => s.app.inject({ method: 'POST', url, headers: auth(nodeToken), payload: { events } });
    const deep = `{"events":[{"type":"progress","rank":0,"step":1,"line":{"step":1,"x":${'['.repeat(20_000)}${']'.repeat(20_000)}}}]}`;
    const r = await s.app.inject({ method: 'POST', url, headers: { ...auth(nodeToken), 'content-type': 'application/json' }, payload: deep });
    expect([r.statusCode, r.json().detail]).toEqual([400, expect.stringMatching(/nested deeper than 32 levels/)]);
    const big = await post([{ type: 'progress', rank: 0, step: 1, line: { step: 1, pad: 'x'.repeat(100_000) } }]);
    expect([big.statusCode, big.json().detail]).toEqual([400, expect.stringMatching(/longer than 16384 characters/)]);
    const logNul = await post([{ type: 'log', rank: 0, stream: 'stdout', text: 'a\u0000b' }, { type: 'dropped', rank: 0, lines: 2, why: 'test' }, { type: 'exited', exitCode: 0, signal: null }]);
    expect(logNul.statusCode).toBe(200);
    const show = await s.app.inject({ url: `/api/v1/jobs/${id}`, headers: auth(ADMIN) });
    expect([show.statusCode, show.json().state, show.json().droppedLines]).toEqual([200, 'succeeded', 2]);
    const logs = await s.app.inject({ url: `/api/v1/jobs/${id}/logs`, headers: auth(ADMIN) });
    expect(logs.json().lines.map((l: { text: string }) => l.text)).toEqual(['a\uFFFDb']);
  });

  it('admits a known node name only with its own credential; MASTER_ADDR is the address the server sees (defect 7)', async () => {
    const reg = (token: string, payload: object) => s.app.inject({ method: 'POST', url: '/api/v1/agents/register', headers: auth(token), payload });
    const b = (await reg(JOIN, { name: 'edge-b', gpus: gpus(1) })).json().nodeToken;
    const forged = await reg(JOIN, { name: 'edge-1', gpus: gpus(8), address: '10.6.6.6' });
    expect([forged.statusCode, forged.json().detail, forged.json().hint]).toEqual([409, expect.stringMatching(/already registered/), expect.stringMatching(/colossus node reset edge-1/)]);
    expect((await reg(b, { name: 'edge-1', gpus: gpus(8) })).statusCode).toBe(403);
    expect(s.controller.nodes.get('edge-1')!.gpus).toHaveLength(1);
    const again = await reg(nodeToken, { name: 'edge-1', gpus: gpus(1), address: '10.6.6.6' });
    expect(again.statusCode).toBe(200);
    nodeToken = again.json().nodeToken;
    expect(s.controller.nodes.get('edge-1')!.address).toBe('127.0.0.1'); // what the server saw, not what the agent said
    const set = await s.app.inject({ method: 'POST', url: '/api/v1/nodes/edge-1/address', headers: auth(ADMIN), payload: { address: '10.0.0.7' } });
    expect([set.statusCode, set.json().address]).toEqual([200, '10.0.0.7']);
    nodeToken = (await reg(nodeToken, { name: 'edge-1', gpus: gpus(1) })).json().nodeToken;
    expect(s.controller.nodes.get('edge-1')!.address).toBe('10.0.0.7');
    // revoke: the credential stops working; reset: the join token may register the name once
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/nodes/edge-b/revoke', headers: auth(ADMIN), payload: {} })).statusCode).toBe(200);
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/agents/edge-b/heartbeat', headers: auth(b), payload: { seq: 1 } })).statusCode).toBe(401);
    expect((await reg(JOIN, { name: 'edge-b', gpus: gpus(1) })).statusCode).toBe(409);
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/nodes/edge-b/reset', headers: auth(ADMIN), payload: {} })).statusCode).toBe(200);
    expect((await reg(JOIN, { name: 'edge-b', gpus: gpus(1) })).statusCode).toBe(200);
    expect((await reg(JOIN, { name: 'edge-b', gpus: gpus(1) })).statusCode).toBe(409);
  });

  it('roles: viewers read, users cancel only their own team’s jobs, operators act on nodes (defect 10)', async () => {
    const token = async (role: string, name: string, team?: string) => (await s.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: auth(ADMIN), payload: { role, name, ...(team ? { team } : {}) } })).json().token as string;
    const viewer = await token('viewer', 'vera');
    const alice = await token('user', 'alice', 'vision');
    const bob = await token('user', 'bob', 'speech');
    const ops = await token('operator', 'olga');
    const submit = (t: string, payload: object) => s.app.inject({ method: 'POST', url: '/api/v1/jobs', headers: auth(t), payload });
    expect((await submit(viewer, { ...job, name: 'v' })).statusCode).toBe(403);
    expect((await s.app.inject({ url: '/api/v1/jobs', headers: auth(viewer) })).statusCode).toBe(200);
    const mine = (await submit(alice, { ...job, name: 'a', gpus: 64 })).json();
    expect(mine.team).toBe('vision');
    expect((await submit(alice, { ...job, name: 'a2', team: 'speech' })).statusCode).toBe(403);
    const cancel = (t: string, id: string) => s.app.inject({ method: 'POST', url: `/api/v1/jobs/${id}/cancel`, headers: auth(t), payload: {} });
    const denied = await cancel(bob, mine.id);
    expect([denied.statusCode, denied.json().detail]).toEqual([403, expect.stringMatching(/team 'vision'/)]);
    expect((await cancel(viewer, mine.id)).statusCode).toBe(403);
    expect((await cancel(alice, mine.id)).json().state).toBe('cancelled');
    const cordon = (t: string) => s.app.inject({ method: 'POST', url: '/api/v1/nodes/edge-1/cordon', headers: auth(t), payload: {} });
    expect((await cordon(alice)).statusCode).toBe(403);
    expect((await cordon(viewer)).statusCode).toBe(403);
    expect((await cordon(ops)).statusCode).toBe(200);
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/nodes/edge-1/reset', headers: auth(ops), payload: {} })).statusCode).toBe(403);
  });

  it('POST /jobs honours Idempotency-Key: a retry returns the same job; another body under the key is a conflict (defect 10)', async () => {
    const post = (key: string, payload: object) => s.app.inject({ method: 'POST', url: '/api/v1/jobs', headers: { ...auth(ADMIN), 'idempotency-key': key }, payload });
    const before = s.controller.jobs.size;
    const first = (await post('7f1c-retry', { ...job, name: 'once', gpus: 64 })).json();
    const retry = (await post('7f1c-retry', { ...job, name: 'once', gpus: 64 })).json();
    expect(retry.id).toBe(first.id);
    expect(s.controller.jobs.size).toBe(before + 1);
    const other = await post('7f1c-retry', { ...job, name: 'other', gpus: 64 });
    expect([other.statusCode, other.json().where]).toEqual([409, 'Idempotency-Key header']);
    expect((await post('bad key!', job)).statusCode).toBe(400);
    expect((await s.app.inject({ method: 'POST', url: '/api/v1/jobs', headers: auth(ADMIN), payload: { ...job, name: 'once', gpus: 64 } })).json().id).not.toBe(first.id);
  });
});
