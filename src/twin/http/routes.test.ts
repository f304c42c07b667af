import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterByName } from '../../core/cluster/catalog.js';
import { getModelPreset } from '../../core/model/catalog.js';
import { failurePreset } from '../../core/reliability/presets.js';
import { startTwin, type RunningTwin } from '../runtime.js';

describe('twin HTTP (real server on loopback)', () => {
  let t: RunningTwin;
  let webDir: string;
  const auth = () => ({ authorization: `Bearer ${t.adminToken}` });

  beforeAll(async () => {
    webDir = mkdtempSync(join(tmpdir(), 'twin-web-')); // no index.html: the page route says how to build it
    t = await startTwin({ cluster: clusterByName('colossus-100k', 512), model: getModelPreset('grok-1'), failures: failurePreset('llama3-h100'), seed: 5, speed: 0, untilS: 4 * 3600, host: '127.0.0.1', port: 0, webDir, env: {} });
    await t.pacer.done();
  });

  afterAll(async () => {
    await t?.stop();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('/docs lists the twin endpoints next to the control plane’s, and each listed GET answers', async () => {
    const doc = (await (await fetch(`${t.url}/docs/json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    for (const p of ['/api/v1/twin/summary', '/api/v1/twin/gpus', '/api/v1/twin/stream', '/api/v1/twin/speed', '/api/v1/twin/inject', '/api/v1/jobs', '/api/v1/nodes']) expect(doc.paths[p], p).toBeDefined();
    const node = t.twin.fleet.nodes[0].name;
    const job = t.twin.mix.flagshipId!;
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/v1/twin/') || !ops.get || path.endsWith('/stream')) continue;
      const res = await fetch(t.url + path.replace('{name}', node).replace('{id}', job));
      expect(res.status, path).toBe(200);
    }
  });

  it('serves one byte per GPU for the map, and each metric', async () => {
    for (const metric of ['state', 'util', 'temp', 'power']) {
      const res = await fetch(`${t.url}/api/v1/twin/gpus?metric=${metric}`);
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      expect((await res.arrayBuffer()).byteLength).toBe(512);
    }
    const bad = await fetch(`${t.url}/api/v1/twin/gpus?metric=colour`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('hands the control-plane API to the real server, state committed to SQLite', async () => {
    const nodes = (await (await fetch(`${t.url}/api/v1/nodes`, { headers: auth() })).json()) as unknown[];
    expect(nodes).toHaveLength(64);
    expect((await fetch(`${t.url}/api/v1/nodes`)).status).toBe(401);
    const rows = await t.server.store.db.selectFrom('jobs').select(['id', 'state']).execute();
    expect(rows.length).toBe(t.twin.ctl.jobs.size);
    const summary = (await (await fetch(`${t.url}/api/v1/twin/summary`)).json()) as { virtualS: number; gpus: Record<string, number> };
    expect(summary.virtualS).toBe(4 * 3600);
    expect(Object.values(summary.gpus).reduce((a, b) => a + b, 0)).toBe(512);
  });

  it('injects failures only with an operator or admin and a known cause', async () => {
    const body = (b: unknown) => ({ method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify(b) });
    expect((await fetch(`${t.url}/api/v1/twin/inject`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(401);
    expect((await fetch(`${t.url}/api/v1/twin/inject`, body({ cause: 'gremlins', node: 'node-01' }))).status).toBe(409);
    expect((await fetch(`${t.url}/api/v1/twin/inject`, body({ cause: 'gpuFaulty', node: 'nope' }))).status).toBe(400);
    const ok = await fetch(`${t.url}/api/v1/twin/inject`, body({ cause: 'gpuFaulty', node: 'node-01' }));
    expect(ok.status).toBe(200);
    expect(t.twin.inRepair.has(1)).toBe(true);
  });

  it('steering needs an operator: a viewer session reads but gets 403 on speed and inject; an operator session steers', async () => {
    const session = async (role: 'viewer' | 'operator') => {
      const link = await t.loginLink(role);
      expect(link.url).toMatch(new RegExp(`^${t.url}/login\\?code=[0-9A-Z]{10}$`));
      const res = await fetch(link.url, { redirect: 'manual' });
      expect(res.status).toBe(303);
      return (res.headers.get('set-cookie') ?? '').split(';')[0];
    };
    const send = (cookie: string, method: string, path: string, body?: unknown) =>
      fetch(t.url + path, { method, headers: { cookie, 'x-colossus-csrf': '1', ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const viewer = await session('viewer');
    expect((await send(viewer, 'GET', '/api/v1/nodes')).status).toBe(200);
    for (const [method, path, body] of [['PUT', '/api/v1/twin/speed', { speed: 60 }], ['POST', '/api/v1/twin/inject', { cause: 'gpuFaulty', node: 'node-02' }], ['POST', '/api/v1/nodes/node-03/cordon', { reason: 'x' }]] as const) {
      const r = await send(viewer, method, path, body);
      expect(r.status, path).toBe(403);
      expect((await r.json()).hint, path).toMatch(/operator/);
    }
    expect(t.pacer.speed).toBe(0);
    const operator = await session('operator');
    expect((await send(operator, 'PUT', '/api/v1/twin/speed', { speed: 60 })).status).toBe(200);
    expect(t.pacer.speed).toBe(60);
    expect((await send(operator, 'POST', '/api/v1/nodes/node-03/cordon', { reason: 'x' })).status).toBe(200);
    const noCsrf = await fetch(`${t.url}/api/v1/twin/speed`, { method: 'PUT', headers: { cookie: operator, 'content-type': 'application/json' }, body: '{"speed":0}' });
    expect(noCsrf.status).toBe(403);
    expect((await send(operator, 'PUT', '/api/v1/twin/speed', { speed: 0 })).status).toBe(200);
  });

  it('says how to build the dashboard when web/dist is missing', async () => {
    const res = await fetch(`${t.url}/map`);
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/run `npm run build`/);
  });
});
