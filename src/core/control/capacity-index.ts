/**
 * Free-GPU buckets over the schedulable nodes for one scheduling pass, so
 * single-node jobs place in O(GPUs per node) and 10,000 small jobs drain fast.
 * It also counts whole idle nodes by size, so "would a job fit?" is O(1).
 */
import { placeGang, type NodeCap, type Placement } from './placement.js';

export class CapacityIndex {
  private readonly caps = new Map<string, NodeCap>();
  /** buckets[f] = names of nodes with exactly f free GPUs (f ≥ 1). */
  private readonly buckets: Set<string>[] = [];
  /** Whole idle nodes by GPUs per node. */
  private readonly idleBySize = new Map<number, number>();
  private maxTotal = 0;

  constructor(caps: Iterable<NodeCap>) {
    for (const c of caps) {
      const copy = { ...c };
      this.caps.set(c.name, copy);
      this.maxTotal = Math.max(this.maxTotal, c.totalGpus);
      this.bucket(copy.freeGpus).add(c.name);
      this.countIdle(copy, 1);
    }
  }

  /** Best fit for a single-node job, or whole idle nodes for a gang; does not take them. */
  place(gpus: number): Placement | null {
    if (gpus <= this.maxTotal) {
      for (let f = gpus; f < this.buckets.length; f++) {
        const set = this.buckets[f];
        if (f > 0 && set && set.size > 0) return [{ name: set.values().next().value as string, gpus }];
      }
      return null;
    }
    return placeGang(this.idle(), gpus);
  }

  /** Whole idle nodes. */
  idle(): NodeCap[] {
    const out: NodeCap[] = [];
    for (const c of this.caps.values()) if (c.freeGpus === c.totalGpus && c.totalGpus > 0) out.push(c);
    return out;
  }

  /** Marks a placement's GPUs as used (nodes outside the index are ignored). */
  take(placement: Placement): void {
    for (const p of placement) this.adjust(p.name, -p.gpus);
  }

  has(name: string): boolean {
    return this.caps.has(name);
  }

  /** A node's capacity (live: do not change it). */
  get(name: string): NodeCap | undefined {
    return this.caps.get(name);
  }

  get largestNode(): number {
    return this.maxTotal;
  }

  /** Most free GPUs on one node. */
  maxFree(): number {
    for (let f = this.buckets.length - 1; f > 0; f--) if (this.buckets[f]?.size) return f;
    return 0;
  }

  /** Whole idle nodes by GPUs per node (a copy). */
  idleCounts(): Map<number, number> {
    return new Map(this.idleBySize);
  }

  private adjust(name: string, delta: number): void {
    const c = this.caps.get(name);
    if (!c) return;
    this.bucket(c.freeGpus).delete(name);
    this.countIdle(c, -1);
    c.freeGpus += delta;
    this.bucket(c.freeGpus).add(name);
    this.countIdle(c, 1);
  }

  private countIdle(c: NodeCap, sign: 1 | -1): void {
    if (c.freeGpus === c.totalGpus && c.totalGpus > 0) this.idleBySize.set(c.totalGpus, (this.idleBySize.get(c.totalGpus) ?? 0) + sign);
  }

  private bucket(free: number): Set<string> {
    return (this.buckets[free] ??= new Set());
  }
}
