import { describe, expect, it } from 'vitest';
import { Controller } from './controller.js';
import { queryJobs, queryNodes } from './queries.js';
import { DEFAULT_POLICY } from './types.js';

/** 300 nodes of 8 GPUs, 40 jobs of 1–8 GPUs placed on them (a mix of free counts to sort by). */
function fleet() {
  const clock = { t: 1_000_000, nowMs() { return this.t; } };
  const ctl = new Controller(clock, DEFAULT_POLICY);
  const gpus = Array.from({ length: 8 }, (_, g) => ({ index: g, uuid: `GPU-${g}`, model: 'H100' }));
  for (let i = 0; i < 300; i++) {
    clock.t += (i * 7919) % 13; // heartbeat times out of name order
    ctl.registerNode({ name: `n${String((i * 131) % 300).padStart(3, '0')}`, gpus, topology: { rack: `r${i % 17}` }, address: null, attempts: [] });
  }
  for (let i = 0; i < 40; i++) ctl.submitJob({ name: `j${(i * 37) % 11}`, gpus: 1 + ((i * 5) % 8), priority: i % 3, team: 'default', maxRestarts: 0, command: ['x'], cwd: null, env: {}, gracePeriodS: 5 });
  ctl.tick();
  return ctl;
}

describe('list queries', () => {
  const ctl = fleet();
  it('a short page near the top (selected, not sorted) is the same as a slice of the whole sorted list', () => {
    for (const sort of ['name', '-name', 'gpusFree', '-gpusFree', 'state', 'rack', '-lastHeartbeat']) {
      const all = queryNodes(ctl, { sort }).items.map((n) => n.name);
      expect(all).toHaveLength(300);
      for (const [offset, limit] of [[0, 1], [0, 20], [7, 13], [30, 5]]) {
        expect(queryNodes(ctl, { sort, offset, limit }).items.map((n) => n.name)).toEqual(all.slice(offset, offset + limit));
      }
    }
    const jobs = queryJobs(ctl, { sort: '-gpus' }).items.map((j) => j.id);
    expect(queryJobs(ctl, { sort: '-gpus', offset: 1, limit: 3 }).items.map((j) => j.id)).toEqual(jobs.slice(1, 4));
  });

  it('lists by name from the kept order, which follows new registrations', () => {
    const names = [...ctl.nodes.keys()].sort();
    expect(queryNodes(ctl, {}).items.map((n) => n.name)).toEqual(names);
    expect(queryNodes(ctl, { sort: '-name', offset: 2, limit: 3 }).items.map((n) => n.name)).toEqual([...names].reverse().slice(2, 5));
    expect(queryNodes(ctl, { rack: 'r3', sort: 'name' }).total).toBe([...ctl.nodes.values()].filter((n) => n.rack === 'r3').length);
    const c2 = fleet();
    expect(queryNodes(c2, { limit: 2 }).items.map((n) => n.name)).toEqual(['n000', 'n001']);
    c2.registerNode({ name: 'n0000', gpus: [], topology: {}, address: null, attempts: [] });
    expect(queryNodes(c2, { limit: 2 }).items.map((n) => n.name)).toEqual(['n000', 'n0000']);
  });

  it('sorts by the key, ties by name', () => {
    const page = queryNodes(ctl, { sort: '-gpusFree', limit: 299 }).items;
    for (let i = 1; i < page.length; i++) {
      const [a, b] = [page[i - 1], page[i]];
      const fa = a.busy.filter((x) => x === null).length, fb = b.busy.filter((x) => x === null).length;
      expect(fa > fb || (fa === fb && a.name < b.name)).toBe(true);
    }
  });
});
