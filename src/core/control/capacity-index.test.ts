import { describe, expect, it } from 'vitest';
import { CapacityIndex } from './capacity-index.js';
import { placeGang, type NodeCap, type Placement } from './placement.js';

/**
 * The index as it was built afresh for every pass (Set buckets filled in node order; a node
 * whose free GPUs change goes to the end of its new bucket): the persistent index must place
 * exactly as it did.
 */
class FreshIndex {
  private readonly caps = new Map<string, NodeCap>();
  private readonly buckets: Set<string>[] = [];
  private maxTotal = 0;
  constructor(caps: NodeCap[]) {
    for (const c of caps) {
      this.caps.set(c.name, { ...c });
      this.maxTotal = Math.max(this.maxTotal, c.totalGpus);
      (this.buckets[c.freeGpus] ??= new Set()).add(c.name);
    }
  }
  place(gpus: number): Placement | null {
    if (gpus <= this.maxTotal) {
      for (let f = gpus; f < this.buckets.length; f++) if (f > 0 && this.buckets[f]?.size) return [{ name: this.buckets[f].values().next().value as string, gpus }];
      return null;
    }
    return placeGang([...this.caps.values()].filter((c) => c.freeGpus === c.totalGpus && c.totalGpus > 0), gpus);
  }
  take(p: Placement): void {
    for (const { name, gpus } of p) {
      const c = this.caps.get(name)!;
      this.buckets[c.freeGpus].delete(name);
      c.freeGpus -= gpus;
      (this.buckets[c.freeGpus] ??= new Set()).add(name);
    }
  }
}

describe('capacity index', () => {
  it('places exactly as an index built afresh for each pass, over passes with exits and nodes leaving in between', () => {
    let seed = 12345;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const nodes: { cap: NodeCap; up: boolean }[] = Array.from({ length: 120 }, (_, i) => ({ cap: { name: `n${i}`, rack: `r${i >> 3}`, array: `a${i >> 5}`, totalGpus: i % 10 === 9 ? 4 : 8, freeGpus: i % 10 === 9 ? 4 : 8 }, up: true }));
    const idx = new CapacityIndex();
    for (const n of nodes) idx.set(n.cap, true);
    let placed = 0;
    for (let pass = 0; pass < 60; pass++) {
      // between passes: GPUs freed, nodes going down and coming back
      for (let k = 0; k < 15; k++) {
        const n = nodes[rnd(nodes.length)];
        if (rnd(10) === 0) n.up = !n.up;
        else n.cap.freeGpus = Math.min(n.cap.totalGpus, n.cap.freeGpus + 1 + rnd(4));
        idx.set(n.cap, n.up);
      }
      const reserved = new Set(Array.from({ length: rnd(3) * 4 }, () => nodes[rnd(nodes.length)].cap.name));
      const fresh = new FreshIndex(nodes.filter((n) => n.up && !reserved.has(n.cap.name)).map((n) => n.cap));
      idx.beginPass(reserved);
      for (let j = 0; j < 40; j++) {
        const gpus = rnd(5) === 0 ? 8 * (2 + rnd(6)) : 1 + rnd(8);
        const want = fresh.place(gpus);
        expect(idx.place(gpus)).toEqual(want);
        if (!want) continue;
        placed++;
        fresh.take(want);
        for (const p of want) {
          const n = nodes.find((x) => x.cap.name === p.name)!;
          n.cap.freeGpus -= p.gpus;
          idx.set(n.cap, n.up); // what the controller's node refresh does
        }
      }
      idx.endPass();
    }
    expect(placed).toBeGreaterThan(400);
  });

  it('within a pass, a node whose free GPUs changed goes behind the nodes already in its bucket', () => {
    const caps = [
      { name: 'n0', rack: 'r', array: 'a', totalGpus: 8, freeGpus: 8 },
      { name: 'n1', rack: 'r', array: 'a', totalGpus: 8, freeGpus: 3 },
    ];
    const idx = new CapacityIndex(caps);
    idx.beginPass();
    expect(idx.place(5)).toEqual([{ name: 'n0', gpus: 5 }]);
    idx.set({ ...caps[0], freeGpus: 3 }, true); // n0 now has 3 free, like n1
    expect(idx.place(3)).toEqual([{ name: 'n1', gpus: 3 }]); // as a fresh index would: n1 was there first
    idx.endPass();
    expect(idx.place(3)).toEqual([{ name: 'n0', gpus: 3 }]); // next pass: registration order again
  });

  it('answers "would this gang fit?" from whole-idle-node counts, and keeps counts as nodes change', () => {
    const caps = Array.from({ length: 10 }, (_, i) => ({ name: `n${i}`, rack: 'r', array: 'a', totalGpus: 8, freeGpus: 8 }));
    const idx = new CapacityIndex(caps);
    expect(idx.schedulableGpus).toBe(80);
    expect(idx.place(80)).toHaveLength(10);
    idx.set({ ...caps[3], freeGpus: 7 }, true);
    expect(idx.place(80)).toBeNull();
    expect(idx.gangMayFit(72)).toBe(true);
    idx.set({ ...caps[4] }, false); // down: out of the index
    expect(idx.gangMayFit(72)).toBe(false);
    expect(idx.schedulableGpus).toBe(72);
    expect(idx.maxFree()).toBe(8);
    expect(idx.place(7)).toEqual([{ name: 'n3', gpus: 7 }]);
  });
});
