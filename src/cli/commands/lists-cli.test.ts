/**
 * `colossus node list` filters, `node summary` and `job list --state --team`
 * against a real server on loopback: 2 halls × 2 arrays × 2 racks × 2 nodes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliServer, type CliServer } from '../testing/in-process.js';
import type { ColossusServer } from '../../server/app.js';

let server: ColossusServer;
let url: string;
let admin: string;
const ids: Record<string, string> = {};

let h: CliServer;
const cli = (args: string[]) => h.cli(args);
const json = async (args: string[]) => JSON.parse((await cli([...args, '--json'])).stdout);

beforeAll(async () => {
  h = await startCliServer('colossus-lists-');
  ({ server, url, admin } = h);
  let k = 0;
  for (const hall of ['h1', 'h2'])
    for (const array of ['a1', 'a2'])
      for (const rack of ['r1', 'r2'])
        for (let i = 0; i < 2; i++) {
          const model = hall === 'h2' ? 'NVIDIA H200' : 'NVIDIA H100 80GB HBM3';
          const gpus = Array.from({ length: 8 }, (_, g) => ({ index: g, uuid: `G${k}-${g}`, model }));
          server.controller.registerNode({ name: `n${String(k++).padStart(2, '0')}`, gpus, topology: { hall, array: `${hall}-${array}`, rack: `${hall}-${array}-${rack}` }, address: null, attempts: [] });
        }
  // Four jobs: research 16 GPUs (one rack), research 8, infra 32, and one queued too big to fit.
  for (const [name, team, gpus] of [['big', 'research', 16], ['small', 'research', 8], ['infra', 'infra', 32], ['huge', 'infra', 1024]] as const) {
    ids[name] = server.controller.submitJob({ name, team, gpus, priority: 0, maxRestarts: 0, command: ['x'], cwd: null, env: {}, gracePeriodS: 1 }).id;
  }
  await server.tick();
});

afterAll(async () => {
  await h?.close();
});

describe('node and job lists, filtered on the server', () => {
  it('node list --state --rack --job --team --gpu-model', async () => {
    const all = await json(['node', 'list']);
    expect(all).toHaveLength(16);
    const allocated = await json(['node', 'list', '--state', 'allocated']);
    expect(allocated.length).toBe(2 + 1 + 4);
    expect(allocated.every((n: { state: string }) => n.state === 'allocated')).toBe(true);
    const big = await json(['node', 'list', '--job', ids.big]);
    expect(big.map((n: { jobs: string[] }) => n.jobs)).toEqual([[ids.big], [ids.big]]);
    expect(new Set(big.map((n: { rack: string }) => n.rack)).size).toBe(1); // a 16-GPU gang packs one rack
    const rack = big[0].rack;
    expect((await json(['node', 'list', '--rack', rack])).map((n: { name: string }) => n.name)).toEqual(big.map((n: { name: string }) => n.name));
    const research = await json(['node', 'list', '--team', 'research']);
    expect(research).toHaveLength(3);
    expect((await json(['node', 'list', '--gpu-model', 'h200'])).every((n: { hall: string }) => n.hall === 'h2')).toBe(true);
    const idleInH1 = await json(['node', 'list', '--state', 'idle,drained', '--hall', 'h1']);
    expect(idleInH1.every((n: { hall: string; state: string }) => n.hall === 'h1' && n.state === 'idle')).toBe(true);
    const sorted = await json(['node', 'list', '--sort', '-gpusFree', '--limit', '3']);
    expect(sorted.map((n: { gpusFree: number }) => n.gpusFree)).toEqual([8, 8, 8]);
    const text = await cli(['node', 'list', '--job', ids.infra]);
    expect(text.stdout.trim().split('\n')).toHaveLength(2 + 4); // header, rule, 4 nodes
    expect(text.stdout).toContain(ids.infra);
  });

  it('node summary counts nodes by state per hall, array or rack', async () => {
    const halls = await json(['node', 'summary']);
    expect(halls.groups.map((g: { group: string }) => g.group)).toEqual(['h1', 'h2']);
    const total = halls.groups.reduce((s: number, g: { nodes: number }) => s + g.nodes, 0);
    expect(total).toBe(16);
    expect(halls.states.allocated).toBe(7);
    expect(halls.states.idle).toBe(9);
    for (const g of halls.groups) expect(Object.values(g.states as Record<string, number>).reduce((s, v) => s + v, 0)).toBe(g.nodes);
    const arrays = await json(['node', 'summary', '--by', 'array']);
    expect(arrays.groups).toHaveLength(4);
    const text = await cli(['node', 'summary', '--by', 'array']);
    expect(text.stdout).toMatch(/ARRAY\s+NODES\s+IDLE\s+ALLOCATED\s+GPUS\s+GPUS FREE/);
    expect(text.stdout).toMatch(/total\s+16\s+9\s+7\s+128\s+72/);
  });

  it('job list --state --team, sorted', async () => {
    expect((await json(['job', 'list', '--team', 'research'])).map((j: { name: string }) => j.name)).toEqual(['big', 'small']);
    expect((await json(['job', 'list', '--team', 'infra', '--state', 'queued'])).map((j: { name: string }) => j.name)).toEqual(['huge']);
    expect((await json(['job', 'list', '--state', 'running,queued', '--sort', '-gpus'])).map((j: { name: string }) => j.name)).toEqual(['huge', 'infra', 'big', 'small']);
  });

  it('the API pages: offset, limit and sort, the total matching in X-Total-Count', async () => {
    const get = async (path: string) => {
      const res = await fetch(`${url}/api/v1${path}`, { headers: { authorization: `Bearer ${admin}` } });
      return { total: Number(res.headers.get('x-total-count')), body: (await res.json()) as { name: string; id: string }[], status: res.status };
    };
    const pages = [await get('/nodes?state=idle&limit=4&offset=0'), await get('/nodes?state=idle&limit=4&offset=4'), await get('/nodes?state=idle&limit=4&offset=8')];
    expect(pages.map((p) => p.total)).toEqual([9, 9, 9]);
    expect(pages.map((p) => p.body.length)).toEqual([4, 4, 1]);
    const names = pages.flatMap((p) => p.body.map((n) => n.name));
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(9);
    const desc = await get('/nodes?sort=-name&limit=2');
    expect(desc.body.map((n) => n.name)).toEqual(['n15', 'n14']);
    const jobs = await get('/jobs?sort=-id&offset=1&limit=2');
    expect(jobs.total).toBe(4);
    expect(jobs.body.map((j) => j.id)).toEqual([ids.infra, ids.small]);
    expect((await get('/nodes?colour=red')).status).toBe(400);
  });

  it('bad filters exit 2 naming the flag', async () => {
    const state = await cli(['node', 'list', '--state', 'sleeping']);
    expect(state.code).toBe(2);
    expect(state.stderr).toMatch(/--state: 'sleeping' is not a node state/);
    const sort = await cli(['job', 'list', '--sort', 'colour']);
    expect(sort.code).toBe(2);
    expect(sort.stderr).toMatch(/--sort must be one of id, name/);
    const jobState = await cli(['job', 'list', '--state', 'sleeping']);
    expect(jobState.code).toBe(2);
    expect(jobState.stderr).toMatch(/query\.state/);
    const by = await cli(['node', 'summary', '--by', 'row']);
    expect(by.code).toBe(2);
  });
});
