/**
 * The bad-input corpus (issue 9): over every route of the protocol table — no token,
 * an unknown token, the wrong role, malformed and mistyped bodies, bad path
 * parameters, unknown query keys — plus the inputs found accepted before (NUL bytes,
 * an empty program, `..` in names, duplicate GPU indices, names differing only in
 * case, hostile paths, deep and huge progress lines; login codes reused, unknown or
 * expired, and session cookies that are no session). Each must get a 4xx
 * application/problem+json of ours (no FST_ERR_* type) saying what, where and how
 * to fix it; the real server process stays up and its state unchanged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type RouteDef } from '../protocol/routes.js';
import { spawnServer, type SpawnedServer } from './testing/spawn-server.js';

const ADMIN = 'cla_corpus-admin';
const JOIN = 'clj_corpus-join';
const dir = mkdtempSync(join(tmpdir(), 'colossus-corpus-'));
let s: SpawnedServer;
let nodeToken = '';
let viewer = '';
let user = '';
let jobId = '';
/** Login codes: one already used, one made 11 minutes (of the server's wall clock) ago. */
let usedCode = '';
let expiredCode = '';
const PRELOAD = resolve(import.meta.dirname, '../../test/helpers/skew-clock.mjs');

interface Case {
  what: string;
  method: string;
  path: string;
  token?: string;
  /** JSON-encoded unless `raw`. */
  body?: unknown;
  raw?: string;
  type?: string;
  /** A Cookie header. */
  cookie?: string;
}

async function send(c: Case) {
  const headers: Record<string, string> = {};
  if (c.token) headers.authorization = `Bearer ${c.token}`;
  if (c.cookie) headers.cookie = c.cookie;
  const body = c.raw ?? (c.body === undefined ? undefined : JSON.stringify(c.body));
  if (body !== undefined) headers['content-type'] = c.type ?? 'application/json';
  const res = await fetch(s.url + c.path, { method: c.method, headers, body });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON: the assertions below say so */
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', json };
}

async function post(path: string, body: unknown, token: string) {
  return (await send({ what: 'setup', method: 'POST', path, body, token })).json;
}

const gpus = (n: number) => Array.from({ length: n }, (_, i) => ({ index: i, uuid: `GPU-${i}`, model: 'H100' }));
const job = { name: 'ok', gpus: 1, command: ['true'] };

function concrete(path: string): string {
  return '/api/v1' + path.replace(':name', 'corpus-1').replace(':attemptId', `${jobId}.a1`).replace(':id', jobId);
}

/** Generated cases: every route × (no token, unknown token, wrong role, and per shape: bad JSON, array body, unknown field, bad path param, unknown query key). */
function generated(): Case[] {
  const out: Case[] = [];
  for (const [name, r] of Object.entries(ROUTES) as [string, RouteDef][]) {
    const path = concrete(r.path);
    const hasBody = r.body !== undefined;
    const body = hasBody ? {} : undefined;
    out.push({ what: `${name}: no token`, method: r.method, path, body });
    out.push({ what: `${name}: unknown token`, method: r.method, path, body, token: 'cla_not-a-token' });
    const wrong = r.roles.includes('viewer') ? nodeToken : viewer;
    out.push({ what: `${name}: wrong role`, method: r.method, path, body, token: wrong });
    const right = r.roles.includes('node') ? nodeToken : r.roles.includes('agent') ? JOIN : ADMIN;
    if (hasBody) {
      out.push({ what: `${name}: malformed JSON`, method: r.method, path, raw: '{"a": ', token: right });
      out.push({ what: `${name}: array body`, method: r.method, path, body: [1, 2], token: right });
      out.push({ what: `${name}: unknown field`, method: r.method, path, body: { colour: 'red' }, token: right });
      out.push({ what: `${name}: text/plain body`, method: r.method, path, raw: 'hello', type: 'text/plain', token: right });
    }
    if (r.path.includes(':')) {
      const bad = '/api/v1' + r.path.replace(/:(name|id|attemptId)/g, '..%2F..');
      out.push({ what: `${name}: '..' in a path parameter`, method: r.method, path: bad, body, token: right });
    }
    if (r.query) out.push({ what: `${name}: unknown query key`, method: r.method, path: `${path}?colour=red`, token: right });
  }
  return out;
}

/** Hand-written cases: what the issue found accepted, and more hostile input. */
function handWritten(): Case[] {
  const J = '/api/v1/jobs';
  const A = { method: 'POST', path: J, token: ADMIN };
  const reg = { method: 'POST', path: '/api/v1/agents/register', token: JOIN };
  const events = { method: 'POST', path: `/api/v1/agents/corpus-1/attempts/${jobId}.a1/events`, token: nodeToken };
  return [
    { what: 'NUL in command', ...A, body: { ...job, command: ['sleep', '1\u0000'] } },
    { what: 'NUL in program', ...A, body: { ...job, command: ['sl\u0000eep'] } },
    { what: 'NUL in env value', ...A, body: { ...job, env: { A: '\u0000' } } },
    { what: 'NUL in env name', ...A, body: { ...job, env: { 'A\u0000B': 'x' } } },
    { what: 'env name with "="', ...A, body: { ...job, env: { 'A=B': 'x' } } },
    { what: 'env name starting with a digit', ...A, body: { ...job, env: { '1A': 'x' } } },
    { what: 'NUL in checkpointDir', ...A, body: { ...job, checkpointDir: '/tmp/\u0000' } },
    { what: 'NUL in cwd', ...A, body: { ...job, cwd: '/tmp/\u0000' } },
    { what: '"" as the command', ...A, body: { ...job, command: [''] } },
    { what: 'empty command', ...A, body: { ...job, command: [] } },
    { what: 'command of 257 arguments', ...A, body: { ...job, command: Array(257).fill('x') } },
    { what: 'argument over 4096 characters', ...A, body: { ...job, command: ['x', 'y'.repeat(4097)] } },
    { what: 'command not an array', ...A, body: { ...job, command: 'true' } },
    { what: 'checkpointDir /proc/1/x', ...A, body: { ...job, checkpointDir: '/proc/1/x' } },
    { what: 'checkpointDir relative', ...A, body: { ...job, checkpointDir: 'ckpt' } },
    { what: 'checkpointDir with ..', ...A, body: { ...job, checkpointDir: `${dir}/data/checkpoints/../../x` } },
    { what: 'checkpointDir beside the root', ...A, body: { ...job, checkpointDir: `${dir}/data/checkpoints-evil` } },
    { what: 'cwd relative', ...A, body: { ...job, cwd: './work' } },
    { what: 'cwd with a trailing slash', ...A, body: { ...job, cwd: '/tmp/' } },
    { what: 'team with upper case', ...A, body: { ...job, team: 'Vision' } },
    { what: 'team with ..', ...A, body: { ...job, team: 'a..b' } },
    { what: 'gpus 0', ...A, body: { ...job, gpus: 0 } },
    { what: 'gpus 1e9', ...A, body: { ...job, gpus: 1e9 } },
    { what: 'gpus fractional', ...A, body: { ...job, gpus: 1.5 } },
    { what: 'gpus as a string', ...A, body: { ...job, gpus: '8' } },
    { what: 'priority out of range', ...A, body: { ...job, priority: 1e6 } },
    { what: 'gracePeriodS negative', ...A, body: { ...job, gracePeriodS: -1 } },
    { what: 'maxRestarts negative', ...A, body: { ...job, maxRestarts: -1 } },
    { what: 'name with spaces', ...A, body: { ...job, name: 'my job' } },
    { what: 'name of 10 kB', ...A, body: { ...job, name: 'x'.repeat(10_000) } },
    { what: '129 env entries', ...A, body: { ...job, env: Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`E${i}`, 'x'])) } },
    { what: 'body over 1 MiB', ...A, raw: JSON.stringify({ ...job, env: { BIG: 'x'.repeat(1_100_000) } }) },
    { what: '__proto__ key', ...A, raw: '{"__proto__": {"admin": true}, "name": "x", "gpus": 1, "command": ["x"]}' },
    { what: 'XML body', ...A, raw: '<job/>', type: 'application/xml' },
    { what: 'empty JSON body', ...A, raw: '' },
    { what: 'bad Idempotency-Key', ...A, body: job, path: J } as Case,
    { what: 'duplicate GPU indices', ...reg, body: { name: 'corpus-dup', gpus: [...gpus(2), { index: 1, uuid: 'x', model: 'H100' }] } },
    { what: 'node name differing only in case', ...reg, body: { name: 'Corpus-1', gpus: gpus(1) } },
    { what: 'node name with ..', ...reg, body: { name: 'corpus..1', gpus: gpus(1) } },
    { what: 'node name with a slash', ...reg, body: { name: 'a/b', gpus: gpus(1) } },
    { what: 'known node name with the join token', ...reg, body: { name: 'corpus-1', gpus: gpus(8), address: '10.6.6.6' } },
    { what: 'address with a shell command', ...reg, body: { name: 'corpus-x', gpus: gpus(1), address: '1.2.3.4;reboot' } },
    { what: 'GPU index beyond 1023', ...reg, body: { name: 'corpus-y', gpus: [{ index: 4096, uuid: 'x', model: 'H100' }] } },
    { what: 'another node’s credential registers', method: 'POST', path: '/api/v1/agents/register', token: nodeToken, body: { name: 'corpus-2', gpus: gpus(1) } },
    { what: 'heartbeat for another node', method: 'POST', path: '/api/v1/agents/corpus-2/heartbeat', token: nodeToken, body: { seq: 1 } },
    { what: 'heartbeat seq negative', method: 'POST', path: '/api/v1/agents/corpus-1/heartbeat', token: nodeToken, body: { seq: -1 } },
    { what: 'heartbeat temperature 10^6', method: 'POST', path: '/api/v1/agents/corpus-1/heartbeat', token: nodeToken, body: { seq: 1, telemetry: { gpus: [{ index: 0, temperatureC: 1e6 }] } } },
    { what: 'progress line 20,000 deep', ...events, raw: `{"events":[{"type":"progress","rank":0,"step":1,"line":{"x":${'['.repeat(20_000)}${']'.repeat(20_000)}}}]}` },
    { what: 'progress line of 100 kB', ...events, body: { events: [{ type: 'progress', rank: 0, step: 1, line: { pad: 'x'.repeat(100_000) } }] } },
    { what: 'log chunk over 64 KiB', ...events, body: { events: [{ type: 'log', stream: 'stdout', text: 'x'.repeat(70_000) }] } },
    { what: 'no events', ...events, body: { events: [] } },
    { what: '1001 events', ...events, body: { events: Array(1001).fill({ type: 'log', stream: 'stdout', text: 'x' }) } },
    { what: 'unknown event type', ...events, body: { events: [{ type: 'reboot' }] } },
    { what: 'dropped with 0 lines', ...events, body: { events: [{ type: 'dropped', lines: 0, why: 'x' }] } },
    { what: 'events for an attempt of another node', method: 'POST', path: `/api/v1/agents/corpus-1/attempts/job-999999.a1/events`, token: nodeToken, body: { events: [{ type: 'started', pids: [1] }] } },
    { what: 'cancel another team’s job as a user', method: 'POST', path: `/api/v1/jobs/${jobId}/cancel`, token: user, body: {} },
    { what: 'cancel reason with NUL', method: 'POST', path: `/api/v1/jobs/${jobId}/cancel`, token: ADMIN, body: { reason: 'x\u0000' } },
    { what: 'cordon reason empty', method: 'POST', path: '/api/v1/nodes/corpus-1/cordon', token: ADMIN, body: { reason: '' } },
    { what: 'PUT /teams/..%2F..', method: 'PUT', path: '/api/v1/teams/..%2F..', token: ADMIN, body: { gpuQuota: 1 } },
    { what: 'quota negative', method: 'PUT', path: '/api/v1/teams/vision', token: ADMIN, body: { gpuQuota: -1 } },
    { what: 'token with role agent', method: 'POST', path: '/api/v1/tokens', token: ADMIN, body: { role: 'agent', name: 'x' } },
    { what: 'token with role node', method: 'POST', path: '/api/v1/tokens', token: ADMIN, body: { role: 'node', name: 'x' } },
    { what: 'node address with spaces', method: 'POST', path: '/api/v1/nodes/corpus-1/address', token: ADMIN, body: { address: 'a b' } },
    { what: 'unknown node', method: 'GET', path: '/api/v1/nodes/no-such-node', token: ADMIN },
    { what: 'unknown job', method: 'GET', path: '/api/v1/jobs/job-999999', token: ADMIN },
    { what: 'job id of another shape', method: 'GET', path: '/api/v1/jobs/42', token: ADMIN },
    { what: 'unknown route', method: 'GET', path: '/api/v1/nope', token: ADMIN },
    { what: 'DELETE a job', method: 'DELETE', path: `/api/v1/jobs/${jobId}`, token: ADMIN },
    { what: 'bad percent-encoding', method: 'GET', path: '/api/v1/nodes/%E0%A4%A', token: ADMIN },
    { what: 'path segment of 200 characters', method: 'GET', path: `/api/v1/nodes/${'a'.repeat(200)}`, token: ADMIN },
    { what: 'URL of 9 kB', method: 'GET', path: `/api/v1/jobs?q=${'a'.repeat(9000)}`, token: ADMIN },
    { what: 'jobs limit 0', method: 'GET', path: '/api/v1/jobs?limit=0', token: ADMIN },
    { what: 'jobs state unknown', method: 'GET', path: '/api/v1/jobs?state=sleeping', token: ADMIN },
    { what: 'logs tail 10^9', method: 'GET', path: `/api/v1/jobs/${jobId}/logs?tail=1000000000`, token: ADMIN },
    { what: 'events since negative', method: 'GET', path: '/api/v1/events?since=-1', token: ADMIN },
    { what: 'Bearer with no token', method: 'GET', path: '/api/v1/jobs', token: ' ' },
    { what: 'login code used a second time', method: 'GET', path: `/login?code=${usedCode}` },
    { what: 'login code expired (made 11 min ago)', method: 'GET', path: `/login?code=${expiredCode}` },
    { what: 'login code unknown', method: 'GET', path: '/login?code=ABCDEFGHJK' },
    { what: 'login link with no code', method: 'GET', path: '/login' },
    { what: 'login code malformed', method: 'GET', path: '/login?code=../../etc' },
    { what: 'login code with NUL', method: 'GET', path: '/login?code=ABCDE%00GHJ' },
    { what: 'login code given twice', method: 'GET', path: '/login?code=ABCDEFGHJK&code=ABCDEFGHJK' },
    { what: 'login link for role admin', method: 'POST', path: '/api/v1/login-links', token: ADMIN, body: { role: 'admin' } },
    { what: 'session cookie that is the admin token', method: 'GET', path: '/api/v1/jobs', cookie: `colossus_session=${ADMIN}` },
    { what: 'unknown session cookie', method: 'GET', path: '/api/v1/session', cookie: 'colossus_session=cls_nope' },
  ];
}

beforeAll(async () => {
  // The preload steps the server's wall clock by +11 min on SIGUSR2 (a login code lasts 10).
  s = await spawnServer(['--data-dir', join(dir, 'data')], { COLOSSUS_ADMIN_TOKEN: ADMIN, COLOSSUS_AGENT_TOKEN: JOIN, NODE_OPTIONS: `--import ${PRELOAD}`, SKEW_STEPS_MS: String(11 * 60_000) });
  expiredCode = (await post('/api/v1/login-links', {}, ADMIN)).code as string;
  s.child.kill('SIGUSR2');
  for (let i = 0; i < 100 && !/offset now 660000/.test(s.stderr()); i++) await new Promise((r) => setTimeout(r, 50));
  usedCode = (await post('/api/v1/login-links', { role: 'operator' }, ADMIN)).code as string;
  expect((await fetch(`${s.url}/login?code=${usedCode}`, { redirect: 'manual' })).status).toBe(303);
  nodeToken = (await post('/api/v1/agents/register', { name: 'corpus-1', gpus: gpus(1) }, JOIN)).nodeToken as string;
  await post('/api/v1/agents/register', { name: 'corpus-2', gpus: gpus(1) }, JOIN);
  viewer = (await post('/api/v1/tokens', { role: 'viewer', name: 'vera' }, ADMIN)).token as string;
  user = (await post('/api/v1/tokens', { role: 'user', name: 'bob', team: 'speech' }, ADMIN)).token as string;
  jobId = (await post('/api/v1/jobs', { ...job, name: 'mine', gpus: 64 }, ADMIN)).id as string; // queued: no node holds 64 GPUs
  // The scheduler's next pass replaces the submit-time reason with why it cannot place the job:
  // wait for that, so "unchanged" below compares settled state, not a pass racing the corpus.
  for (let i = 0; i < 200; i++) {
    const j = (await send({ what: 'state', method: 'GET', path: `/api/v1/jobs/${jobId}`, token: ADMIN })).json as { reason?: string };
    if (j.reason && j.reason !== 'waiting to be scheduled') break;
    await new Promise((r) => setTimeout(r, 50));
  }
});
afterAll(async () => {
  s.child.kill('SIGTERM');
  await s.exited;
  rmSync(dir, { recursive: true, force: true });
});

describe('the bad-input corpus over every route', () => {
  it('answers each case 4xx problem+json of ours with what, where and how; the server stays up and unchanged', async () => {
    const before = await send({ what: 'state', method: 'GET', path: '/api/v1/jobs', token: ADMIN });
    const nodesBefore = await send({ what: 'state', method: 'GET', path: '/api/v1/nodes', token: ADMIN });
    const cases = [...generated(), ...handWritten()];
    expect(cases.length).toBeGreaterThanOrEqual(100);
    const wrong: string[] = [];
    for (const c of cases) {
      const r = c.what === 'bad Idempotency-Key'
        ? await fetch(s.url + c.path, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json', 'idempotency-key': 'no spaces allowed' }, body: JSON.stringify(job) }).then(async (res) => ({ status: res.status, type: res.headers.get('content-type') ?? '', json: await res.json() }))
        : await send(c);
      const ok = r.status >= 400 && r.status < 500 && /^application\/problem\+json/.test(r.type) && typeof r.json.type === 'string' && !/FST_ERR/.test(String(r.json.type))
        && typeof r.json.detail === 'string' && typeof r.json.where === 'string' && typeof r.json.hint === 'string';
      if (!ok) wrong.push(`${c.what}: ${r.status} ${r.type} ${JSON.stringify(r.json).slice(0, 200)}`);
    }
    expect(wrong).toEqual([]);
    // The login codes were refused for the reason each case names.
    expect((await send({ what: 'used', method: 'GET', path: `/login?code=${usedCode}` })).json).toMatchObject({ status: 410, type: '/problems/login-code-used' });
    expect((await send({ what: 'expired', method: 'GET', path: `/login?code=${expiredCode}` })).json).toMatchObject({ status: 410, type: '/problems/login-code-expired' });
    expect((await send({ what: 'up', method: 'GET', path: '/healthz' })).json).toEqual({ ok: true });
    expect((await send({ what: 'state', method: 'GET', path: '/api/v1/jobs', token: ADMIN })).json).toEqual(before.json);
    const nodesAfter = (await send({ what: 'state', method: 'GET', path: '/api/v1/nodes', token: ADMIN })).json as unknown as { name: string; gpus: number }[];
    expect(nodesAfter.map((n) => [n.name, n.gpus])).toEqual((nodesBefore.json as unknown as { name: string; gpus: number }[]).map((n) => [n.name, n.gpus]));
  }, 120_000);
});
