/**
 * Free GPUs of the schedulable nodes, kept up to date as GPUs change hands, so a
 * scheduling pass costs O(what it places), not O(nodes): single-node jobs place in
 * O(GPUs per node · log nodes) (best fit from free-GPU buckets), "would a gang fit?"
 * is O(node sizes) from whole-idle-node counts, and only a gang that fits lists the
 * idle nodes. The controller updates it on every node refresh (src/core/control/controller.ts).
 *
 * Placements are the same as an index built afresh from the nodes at the start of each
 * pass: within a bucket, the node that came first (registration order) is picked first,
 * and a node whose free GPUs change during a pass goes behind the others until the pass
 * ends (`beginPass`/`endPass`).
 */
import { placeGang, type NodeCap, type Placement } from './placement.js';

interface Entry {
  cap: NodeCap;
  /** Registration order. */
  ordinal: number;
  schedulable: boolean;
  /** Left out of this pass (a recovering gang's reserved node). */
  excluded: boolean;
  /** In the buckets and counts now (schedulable, not excluded, has GPUs). */
  on: boolean;
  /** Order within its bucket: the ordinal, or later than every ordinal for a node changed in this pass. */
  key: number;
  /** Bumped on every move: older heap items of this entry are stale. */
  stamp: number;
  /** Changed during this pass (re-keyed to its ordinal at its end). */
  moved: boolean;
}

interface Item {
  key: number;
  e: Entry;
  stamp: number;
}

/** Keys of nodes changed during a pass start here (above every ordinal). */
const IN_PASS = 2 ** 40;

/** A min-heap of a bucket's nodes by key, with lazy deletion of stale items. */
class Bucket {
  items: Item[] = [];
  live = 0;

  push(it: Item): void {
    const h = this.items;
    h.push(it);
    for (let i = h.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (h[p].key <= h[i].key) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
  }

  /** The first valid node, dropping stale items on the way. */
  peek(f: number): Entry | null {
    const h = this.items;
    while (h.length > 0) {
      const top = h[0];
      if (top.stamp === top.e.stamp && top.e.on && top.e.cap.freeGpus === f) return top.e;
      this.pop();
    }
    return null;
  }

  private pop(): void {
    const h = this.items;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < h.length && h[l].key < h[m].key) m = l;
      if (r < h.length && h[r].key < h[m].key) m = r;
      if (m === i) return;
      [h[m], h[i]] = [h[i], h[m]];
      i = m;
    }
  }

  /** Rebuilds the heap from its valid items when stale ones dominate. */
  compact(f: number): void {
    if (this.items.length < 64 || this.items.length < 4 * this.live) return;
    const valid = this.items.filter((it) => it.stamp === it.e.stamp && it.e.on && it.e.cap.freeGpus === f);
    this.items = [];
    for (const it of valid.sort((a, b) => a.key - b.key)) this.items.push(it); // sorted is a valid heap
  }
}

export class CapacityIndex {
  private readonly entries = new Map<string, Entry>();
  /** buckets[f]: nodes with exactly f free GPUs (f ≥ 1). */
  private readonly buckets: Bucket[] = [];
  /** Whole idle nodes by GPUs per node. */
  private readonly idleBySize = new Map<number, number>();
  /** Nodes in the index by GPUs per node. */
  private readonly sizes = new Map<number, number>();
  private nextOrdinal = 0;
  private inPass = false;
  private passSeq = 0;
  private readonly movedInPass: Entry[] = [];
  private readonly excludedInPass: Entry[] = [];
  /** GPUs of every schedulable node, reserved ones included (what the fleet could ever hold). */
  schedulableGpus = 0;

  /** An index of these nodes, all schedulable (tests and one-off placements). */
  constructor(caps: Iterable<NodeCap> = []) {
    for (const c of caps) this.set(c, true);
  }

  /** Adds a node or updates its capacity and whether it takes work (O(log nodes); nothing when unchanged). */
  set(cap: NodeCap, schedulable: boolean): void {
    this.update(cap.name, cap.rack, cap.array, cap.totalGpus, cap.freeGpus, schedulable);
  }

  /** `set` without a NodeCap to allocate (the controller calls it on every node refresh). */
  update(name: string, rack: string, array: string, totalGpus: number, freeGpus: number, schedulable: boolean): void {
    let e = this.entries.get(name);
    if (!e) {
      e = { cap: { name, rack, array, totalGpus, freeGpus }, ordinal: this.nextOrdinal++, schedulable: false, excluded: false, on: false, key: 0, stamp: 0, moved: false };
      e.key = e.ordinal;
      this.entries.set(name, e);
    } else if (e.schedulable === schedulable && e.cap.freeGpus === freeGpus && e.cap.totalGpus === totalGpus && e.cap.rack === rack && e.cap.array === array) {
      return;
    }
    this.unindex(e);
    if (e.schedulable) this.schedulableGpus -= e.cap.totalGpus;
    const c = e.cap;
    c.rack = rack;
    c.array = array;
    c.totalGpus = totalGpus;
    c.freeGpus = freeGpus;
    e.schedulable = schedulable;
    if (e.schedulable) this.schedulableGpus += e.cap.totalGpus;
    if (this.inPass) {
      e.key = IN_PASS + this.passSeq++; // behind the nodes that were there when the pass began
      if (!e.moved) this.movedInPass.push(e);
      e.moved = true;
    } else e.key = e.ordinal;
    this.index(e);
  }

  /** Starts a scheduling pass that leaves these nodes out (they come back at `endPass`). */
  beginPass(excluded: Iterable<string> = []): void {
    this.inPass = true;
    for (const name of excluded) {
      const e = this.entries.get(name);
      if (!e || e.excluded) continue;
      this.unindex(e);
      e.excluded = true;
      this.excludedInPass.push(e);
    }
  }

  /** Ends the pass: nodes changed during it take their registration order again, excluded ones return. */
  endPass(): void {
    this.inPass = false;
    for (const e of [...this.movedInPass, ...this.excludedInPass]) {
      e.moved = false;
      const wasExcluded = e.excluded;
      e.excluded = false;
      if (e.key === e.ordinal && !wasExcluded) continue;
      e.key = e.ordinal;
      // a node in no bucket (no free GPU, or out of service) needs only its key back
      if (!wasExcluded && (!e.on || e.cap.freeGpus === 0)) continue;
      this.unindex(e);
      this.index(e);
    }
    this.movedInPass.length = 0;
    this.excludedInPass.length = 0;
    this.buckets.forEach((b, f) => b?.compact(f));
  }

  /** Best fit for a single-node job, or whole idle nodes for a gang; does not take them. */
  place(gpus: number): Placement | null {
    if (gpus <= this.largestNode) {
      for (let f = gpus; f < this.buckets.length; f++) {
        const e = f > 0 ? this.buckets[f]?.peek(f) : null;
        if (e) return [{ name: e.cap.name, gpus }];
      }
      return null;
    }
    if (!this.gangMayFit(gpus)) return null; // what placeGang would find, without listing the nodes
    return placeGang(this.idle(), gpus);
  }

  /** Enough whole idle nodes of one size for a gang of `gpus`. */
  gangMayFit(gpus: number): boolean {
    for (const [size, count] of this.idleBySize) if (size > 0 && count >= Math.ceil(gpus / size)) return true;
    return false;
  }

  /** Whole idle nodes in the index, in registration order (O(nodes): for a gang that fits). */
  idle(): NodeCap[] {
    const out: NodeCap[] = [];
    for (const e of this.entries.values()) if (e.on && e.cap.freeGpus === e.cap.totalGpus) out.push(e.cap);
    return out;
  }

  /** Marks a placement's GPUs as used (nodes outside the index are ignored); the controller instead updates nodes with `set`. */
  take(placement: Placement): void {
    for (const p of placement) {
      const e = this.entries.get(p.name);
      if (e?.on) this.set({ ...e.cap, freeGpus: e.cap.freeGpus - p.gpus }, e.schedulable);
    }
  }

  has(name: string): boolean {
    return this.entries.get(name)?.on ?? false;
  }

  /** A node's capacity if it is in the index (live: do not change it). */
  get(name: string): NodeCap | undefined {
    const e = this.entries.get(name);
    return e?.on ? e.cap : undefined;
  }

  /** Most GPUs on one node in the index. */
  get largestNode(): number {
    let m = 0;
    for (const [size, count] of this.sizes) if (count > 0 && size > m) m = size;
    return m;
  }

  /** Most free GPUs on one node. */
  maxFree(): number {
    for (let f = this.buckets.length - 1; f > 0; f--) if (this.buckets[f]?.peek(f)) return f;
    return 0;
  }

  /** Whole idle nodes by GPUs per node (a copy). */
  idleCounts(): Map<number, number> {
    return new Map(this.idleBySize);
  }

  private index(e: Entry): void {
    e.stamp++;
    e.on = e.schedulable && !e.excluded && e.cap.totalGpus > 0;
    if (!e.on) return;
    const c = e.cap;
    this.sizes.set(c.totalGpus, (this.sizes.get(c.totalGpus) ?? 0) + 1);
    if (c.freeGpus === c.totalGpus) this.idleBySize.set(c.totalGpus, (this.idleBySize.get(c.totalGpus) ?? 0) + 1);
    if (c.freeGpus > 0) {
      const b = (this.buckets[c.freeGpus] ??= new Bucket());
      b.live++;
      b.push({ key: e.key, e, stamp: e.stamp });
    }
  }

  private unindex(e: Entry): void {
    if (!e.on) return;
    const c = e.cap;
    this.sizes.set(c.totalGpus, this.sizes.get(c.totalGpus)! - 1);
    if (c.freeGpus === c.totalGpus) this.idleBySize.set(c.totalGpus, this.idleBySize.get(c.totalGpus)! - 1);
    if (c.freeGpus > 0) this.buckets[c.freeGpus].live--;
    e.on = false;
    e.stamp++;
  }
}
