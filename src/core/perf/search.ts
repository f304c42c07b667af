/**
 * The planner: enumerates every valid layout of a model on a GPU count (or the layouts that
 * match the knobs the caller fixed), prunes by memory first, and keeps the K fastest.
 * Memory comes from per-shape terms (the same numbers as memoryInto); the step time is computed
 * only for layouts whose lower bound (step-time.ts stepTimeLowerBounds, shapeLowerBound) does
 * not already rule them out of the top K (branch and bound; `exhaustive` turns both off, and
 * search-prune.test.ts checks the answers agree).
 * The inner loop works on one mutable numeric layout and preallocated vectors: no objects,
 * no validation library, no allocation per layout. Deterministic: equal step times rank the layout
 * with less memory first, then the one enumerated first (tp, pp, cp, ep, mbs, vpp, zero, recompute).
 */
import type { Cluster } from '../cluster/types.js';
import type { Precision } from '../hardware/types.js';
import type { ModelSpec } from '../model/types.js';
import { RECOMPUTE_INDEX, type NumLayout } from './num-layout.js';
import type { Layout, PerfResult } from './types.js';
import { divisors } from './validate.js';

export interface SearchRequest {
  gbs: number;
  seq: number;
  precision?: Precision;
  /** Knobs the caller fixed; the rest are searched. */
  fixed?: Partial<Omit<Layout, 'gbs' | 'seq'>>;
  /** How many of the fastest layouts to return (default 10). */
  top?: number;
  /** Rank layouts even when they do not fit (calibration against runs that did fit). */
  ignoreMemory?: boolean;
  /**
   * Compute the step time of every layout that fits instead of skipping those a lower bound
   * shows cannot rank (the same answer, slower; for tests of the branch and bound).
   */
  exhaustive?: boolean;
  /** Called every ~65k layouts with the count so far (progress bars). */
  onProgress?: (searched: number) => void;
}

export interface SearchResult {
  /** Valid layouts considered. */
  searched: number;
  /** Of those, the ones that fit in memory. */
  feasible: number;
  top: PerfResult[];
  /** The valid layout with the least memory, when none fits (for the negative answer). */
  leastMemory: PerfResult | null;
  /** Of the feasible layouts, those whose step time the branch and bound skipped. */
  pruned: number;
}

/** The values one knob may take. */
export interface Axes {
  tp: number[];
  pp: number[];
  cp: number[];
  ep: (dpcp: number) => number[];
  vpp: (pp: number, microbatches: number) => number[];
  mbs: (perDp: number) => number[];
  zero: number[];
  recompute: number[];
}

export function searchAxes(model: ModelSpec, cluster: Cluster, req: SearchRequest): Axes {
  const f = req.fixed ?? {};
  const gpus = cluster.gpus;
  const domain = cluster.nvlinkDomainGpus;
  const tpOk = (t: number) => model.heads % t === 0 && (model.mla !== undefined || model.kvHeads % t === 0 || t % model.kvHeads === 0);
  const experts = model.moe?.experts ?? 1;
  const pow2 = [1, 2, 4, 8, 16, 32, 64, 128];
  return {
    tp: f.tp !== undefined ? [f.tp] : divisors(domain).filter(tpOk),
    pp: f.pp !== undefined ? [f.pp] : divisors(gpus).filter((p) => p <= model.layers),
    cp: f.cp !== undefined ? [f.cp] : pow2.filter((c) => c === 1 || (req.seq % (2 * c) === 0 && req.seq / c >= 1024)),
    ep: (dpcp) => (f.ep !== undefined ? [f.ep] : model.moe ? divisors(dpcp).filter((e) => experts % e === 0) : [1]),
    vpp: (pp, m) => {
      if (f.vpp !== undefined) return [f.vpp];
      if (pp === 1 || m % pp !== 0) return [1];
      return vppCandidates(model.layers, pp);
    },
    mbs: (perDp) => (f.mbs !== undefined ? [f.mbs] : divisors(perDp).filter((b) => b <= 64)),
    zero: f.zero !== undefined ? [f.zero] : [0, 1, 2, 3],
    recompute: f.recompute !== undefined ? [RECOMPUTE_INDEX[f.recompute]] : [0, 1, 2],
  };
}

/**
 * Virtual stages per rank worth searching: the divisors of the layers per stage (rounded down
 * and up, and with the embedding and loss counted), at least one layer per virtual stage.
 */
export function vppCandidates(layers: number, pp: number): number[] {
  const per = layers / pp;
  const set = new Set([...divisors(Math.floor(per)), ...divisors(Math.ceil(per)), ...((layers + 2) % pp === 0 ? divisors((layers + 2) / pp) : [])]);
  return [...set].filter((v) => pp * v <= layers + 2).sort((a, b) => a - b);
}

const FIELDS = ['tp', 'pp', 'vpp', 'cp', 'ep', 'dp', 'zero', 'mbs', 'gbs', 'seq', 'precision', 'recompute', 'split', 'rlayers'] as const;

/**
 * Keeps the K smallest step times with their layouts, packed. Equal step times (within
 * 1e-9) rank the layout with less memory first, then the one enumerated first.
 */
export class TopK {
  readonly steps: Float64Array;
  readonly mems: Float64Array;
  readonly packed: Float64Array;
  count = 0;
  constructor(readonly k: number) {
    this.steps = new Float64Array(k).fill(Infinity);
    this.mems = new Float64Array(k).fill(Infinity);
    this.packed = new Float64Array(k * FIELDS.length);
  }
  private before(step: number, mem: number, i: number): boolean {
    const s = this.steps[i];
    if (Math.abs(step - s) <= 1e-9 * s) return mem < this.mems[i];
    return step < s;
  }
  offer(step: number, mem: number, L: NumLayout): void {
    const k = this.k;
    if (!this.before(step, mem, k - 1)) return;
    let i = k - 1;
    while (i > 0 && this.before(step, mem, i - 1)) {
      this.steps[i] = this.steps[i - 1];
      this.mems[i] = this.mems[i - 1];
      this.packed.copyWithin(i * FIELDS.length, (i - 1) * FIELDS.length, i * FIELDS.length);
      i--;
    }
    this.steps[i] = step;
    this.mems[i] = mem;
    for (let j = 0; j < FIELDS.length; j++) this.packed[i * FIELDS.length + j] = L[FIELDS[j]] ?? 0;
    if (this.count < k) this.count++;
  }
  layout(i: number): NumLayout {
    const o = {} as NumLayout;
    FIELDS.forEach((f, j) => (o[f] = this.packed[i * FIELDS.length + j]));
    return o;
  }
}
