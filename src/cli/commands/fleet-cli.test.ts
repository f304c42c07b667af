/**
 * `colossus server --spare-reserve 2` as a real process, and `colossus fleet reserve` /
 * `fleet reliability` against it (the CLI as a user runs it, in a child process).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../../server/testing/spawn-server.js';
import { runCli, runCliJson } from '../../../test/helpers/cli.js';
import type { SpareReserveView } from '../../protocol/reliability.js';

const ADMIN = 'cla_fleet-cli-admin';
const JOIN = 'clj_fleet-cli-join';
let dir: string;
let server: SpawnedServer;

async function call(path: string, token: string, body?: unknown) {
  const r = await fetch(server.url + path, { method: body === undefined ? 'GET' : 'POST', headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  expect(r.status, await r.clone().text()).toBeLessThan(300);
  return r.json();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'colossus-fleet-cli-'));
  server = await spawnServer(['--data-dir', dir, '--spare-reserve', '2', '--node-timeout-s', '3600'] /* no agents heartbeat here */, { COLOSSUS_ADMIN_TOKEN: ADMIN, COLOSSUS_AGENT_TOKEN: JOIN });
  const gpus = Array.from({ length: 8 }, (_, i) => ({ index: i, uuid: `G${i}`, model: 'NVIDIA H100 80GB HBM3' }));
  for (let i = 0; i < 4; i++) await call('/api/v1/agents/register', JOIN, { name: `node-${i}`, gpus, topology: { rack: `r${i >> 1}` } });
}, 60_000);

afterAll(async () => {
  server?.child.kill('SIGTERM');
  await server?.exited;
  rmSync(dir, { recursive: true, force: true });
});

describe('colossus fleet reserve', () => {
  const client = () => ['--server', server.url, '--token', ADMIN];
  const submit = async (flags: string[]) => {
    const r = await runCli(['job', 'submit', ...flags, '--json', ...client(), '--', 'train']);
    expect(r.code, r.stderr).toBe(0);
    return { json: JSON.parse(r.stdout) as { id: string } };
  };

  it('the server says it keeps a reserve; with no gang running, none is held', async () => {
    expect(server.info).toMatchObject({ spareReserve: 2 });
    const r = await runCliJson<SpareReserveView>(['fleet', 'reserve', ...client()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toEqual({ mode: 'fixed', setting: 2, targetNodes: 2, heldNodes: 0, nodes: [], gang: null, auto: null });
  });

  it('with a gang running, two idle nodes are held for it and the reliability report says so', async () => {
    const sub = await submit(['--name', 'gang', '--gpus', '16']);
    const view = await (async () => {
      for (let i = 0; i < 100; i++) {
        const v = (await runCliJson<SpareReserveView>(['fleet', 'reserve', ...client()])).json!;
        if (v.gang) return v;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error('the gang was never placed');
    })();
    expect(view).toMatchObject({ targetNodes: 2, heldNodes: 2, nodes: ['node-2', 'node-3'], gang: { jobId: sub.json!.id, gpus: 16, nodes: 2 } });
    const text = await runCli(['fleet', 'reserve', ...client()]);
    expect(text.stdout).toMatch(/spare reserve\s+2 nodes \(--spare-reserve 2\)/);
    expect(text.stdout).toMatch(new RegExp(`for\\s+${sub.json!.id}: 16 GPUs on 2 nodes \\(the largest running gang\\)`));
    expect(text.stdout).toMatch(/held idle\s+2: node-2, node-3/);
    const rel = await runCli(['fleet', 'reliability', ...client()]);
    expect(rel.code, rel.stderr).toBe(0);
    expect(rel.stdout.trim().split('\n').at(-1)).toBe(`spare reserve: 2 nodes (fixed), 2 held idle for ${sub.json!.id} (2 nodes)`);
    const small = await submit(['--name', 'small', '--gpus', '8']);
    await new Promise((r) => setTimeout(r, 1500)); // a few scheduling passes (the server ticks every 500 ms)
    const shown = await runCliJson<{ state: string; reason: string }>(['job', 'show', small.json!.id, ...client()]);
    expect(shown.json).toMatchObject({ state: 'queued', reason: expect.stringContaining('spare reserve') });
  }, 60_000);

  it('rejects a reserve that is neither auto nor a node count', async () => {
    const r = await runCli(['server', '--data-dir', join(dir, 'other'), '--port', '0', '--spare-reserve', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--spare-reserve must be 'auto' or a whole number of nodes/);
  });
});
