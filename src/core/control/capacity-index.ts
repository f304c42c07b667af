/**
 * Free-GPU buckets over the schedulable nodes for one scheduling pass, so
 * single-node jobs place in O(GPUs per node) and 10,000 small jobs drain fast.
 */
import { placeGang, type NodeCap, type Placement } from './placement.js';

export class CapacityIndex {
  private readonly caps = new Map<string, NodeCap>();
  /** buckets[f] = names of nodes with exactly f free GPUs (f ≥ 1). */
  private readonly buckets: Set<string>[] = [];
  private maxTotal = 0;

  constructor(caps: Iterable<NodeCap>) {
    for (const c of caps) {
      const copy = { ...c };
      this.caps.set(c.name, copy);
      this.maxTotal = Math.max(this.maxTotal, c.totalGpus);
      this.bucket(copy.freeGpus).add(c.name);
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
    const idle: NodeCap[] = [];
    for (const c of this.caps.values()) if (c.freeGpus === c.totalGpus && c.totalGpus > 0) idle.push(c);
    return placeGang(idle, gpus);
  }

  /** Marks a placement's GPUs as used. */
  take(placement: Placement): void {
    for (const p of placement) this.adjust(p.name, -p.gpus);
  }

  /** Every node's capacity (copies). */
  all(): NodeCap[] {
    return [...this.caps.values()].map((c) => ({ ...c }));
  }

  private adjust(name: string, delta: number): void {
    const c = this.caps.get(name);
    if (!c) return;
    this.bucket(c.freeGpus).delete(name);
    c.freeGpus += delta;
    this.bucket(c.freeGpus).add(name);
  }

  private bucket(free: number): Set<string> {
    return (this.buckets[free] ??= new Set());
  }
}
