import { describe, expect, it } from 'vitest';
import { placeJob, pickTopology, type NodeCap } from './placement.js';
import { CapacityIndex } from './capacity-index.js';

/** nodes named a{array}-r{rack}-n{node}, 8 GPUs each. */
function fleet(arrays: number, racksPer: number, nodesPer: number, free = 8): NodeCap[] {
  const out: NodeCap[] = [];
  for (let a = 0; a < arrays; a++)
    for (let r = 0; r < racksPer; r++)
      for (let n = 0; n < nodesPer; n++) out.push({ name: `a${a}-r${r}-n${String(n).padStart(2, '0')}`, array: `a${a}`, rack: `a${a}-r${r}`, totalGpus: 8, freeGpus: free });
  return out;
}

describe('placement', () => {
  it('puts a small job on the fullest node that still fits it', () => {
    const nodes = fleet(1, 1, 3);
    nodes[1].freeGpus = 3;
    nodes[2].freeGpus = 5;
    expect(placeJob(nodes, 4)).toEqual([{ name: nodes[2].name, gpus: 4 }]);
    expect(placeJob(nodes, 3)).toEqual([{ name: nodes[1].name, gpus: 3 }]);
  });

  it('takes whole idle nodes for a gang, in one rack when one rack can hold it', () => {
    const nodes = fleet(2, 4, 4);
    nodes[0].freeGpus = 7; // a0-r0 has only 3 idle nodes now
    const p = placeJob(nodes, 32)!;
    expect(p).toHaveLength(4);
    const racks = new Set(p.map((x) => nodes.find((n) => n.name === x.name)!.rack));
    expect(racks.size).toBe(1);
    expect(p.every((x) => x.gpus === 8)).toBe(true);
  });

  it('spans as few racks and arrays as possible, consecutive ranks sharing racks', () => {
    const nodes = fleet(4, 4, 4); // 16 nodes per array
    const picked = pickTopology(nodes, 20)!; // needs 2 arrays: 16 + 4
    const arrays = picked.map((n) => n.array);
    expect(new Set(arrays).size).toBe(2);
    const racks = picked.map((n) => n.rack);
    expect(new Set(racks).size).toBe(5);
    // ranks in a rack are contiguous
    const seen = new Set<string>();
    racks.forEach((r, i) => {
      if (i > 0 && r !== racks[i - 1]) expect(seen.has(r)).toBe(false);
      seen.add(r);
    });
  });

  it('is all-or-nothing', () => {
    const nodes = fleet(1, 2, 2);
    expect(placeJob(nodes, 40)).toBeNull();
    nodes[0].freeGpus = 4;
    expect(placeJob(nodes, 32)).toBeNull();
  });

  it('places a 98,304-GPU gang on a 100k-GPU fleet using 12,288 whole nodes', () => {
    const nodes = fleet(25, 25, 20); // 12,500 nodes, 100,000 GPUs
    const p = new CapacityIndex(nodes).place(98_304)!;
    expect(p).toHaveLength(12_288);
    expect(new Set(p.map((x) => x.name)).size).toBe(12_288);
    expect(p.reduce((s, x) => s + x.gpus, 0)).toBe(98_304);
  });

  it('capacity index matches the plain best fit for single-node jobs', () => {
    const nodes = fleet(1, 2, 5);
    nodes.forEach((n, i) => (n.freeGpus = i % 9));
    const idx = new CapacityIndex(nodes);
    for (const g of [1, 2, 5, 8]) {
      const a = idx.place(g);
      const b = placeJob(nodes, g);
      expect(a === null).toBe(b === null);
      if (a && b) expect(nodes.find((n) => n.name === a[0].name)!.freeGpus).toBe(nodes.find((n) => n.name === b[0].name)!.freeGpus);
    }
  });
});
