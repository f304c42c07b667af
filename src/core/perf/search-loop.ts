/**
 * The planner's loop over the search axes (see search.ts for the contract).
 */
import type { Cluster } from '../cluster/types.js';
import type { ModelSpec } from '../model/types.js';
import { evaluateInto, pipelineSpecOf, prepare, splitFor, toResult, type Prepared } from './evaluate.js';
import { classActivationBytes, classParams, layerActivation, memoryInto, otherBytes, stateBytes } from './memory.js';
import { boundUnits, newBoundUnits, shapeLowerBound, stepTimeInto, stepTimeLowerBounds, type BoundUnits } from './step-time.js';
import { M, PRECISION_INDEX, fromNumLayout, type NumLayout } from './num-layout.js';
import { TopK, searchAxes, type SearchRequest, type SearchResult } from './search.js';
import { recomputeShare, type PipelineSplit } from './stages.js';
import type { PerfOptions } from './types.js';

interface LoopState {
  p: Prepared;
  L: NumLayout;
  out: Float64Array;
  best: TopK;
  searched: number;
  feasible: number;
  leastMem: number;
  leastL: NumLayout | null;
  onProgress?: (n: number) => void;
  ignoreMemory: boolean;
  /** Recompute is the planner's choice: 'full' recomputes only the layers memory needs. */
  partial: boolean;
  /** The caller's --recompute-layers (0: all). */
  rlayers: number;
  /** Fastest fitting step time of the current shape (tp, pp, cp, ep, mbs) with more than one layer per virtual stage. */
  shapeBest: number;
  /** Branch and bound on (see innermost); off for SearchRequest.exhaustive. */
  prune: boolean;
  /** Lower bounds on the step time of the current shape and vpp: [r·4 + z] for recompute r, ZeRO stage z. */
  lb: Float64Array;
  /** Bit r set: lb holds the bounds of recompute r for the current shape and vpp. */
  bounded: number;
  /** The per-layer units of the current shape (tp, pp, cp, ep, mbs) for the bounds, once computed. */
  units: BoundUnits;
  unitsReady: boolean;
  /** The shape's lower bound (shapeLowerBound), less the slack, once unitsReady. */
  shapeLb: number;
  /** Layouts whose step time the bound made unnecessary (statistics for tests and benches). */
  pruned: number;
  /** Memory terms of the current shape per stage class (see shapeMemory). */
  mem: ShapeMemory;
}

/**
 * The memory of a shape's layouts from its parts (memory.ts: the sum classMemory makes, in its
 * order): per stage class i, weights + gradients + optimizer per ZeRO stage z (state slot
 * i·8 + z) and the ZeRO-3 buffer (slot i·8 + 4 + z), and activations per recompute r (slot i·3 + r).
 */
interface ShapeMemory {
  classes: number;
  state: Float64Array;
  stateBySplit: Map<PipelineSplit, Float64Array>;
  act: Float64Array;
  /** Framework and fragmentation bytes per recompute (slot i·3 + r) without a ZeRO-3 buffer. */
  other: Float64Array;
}

const scratch = new Float64Array(4);

function shapeMemory(s: LoopState, split: PipelineSplit, zeros: number[], recomputes: number[]): void {
  const { L, mem } = s;
  const { mc } = s.p;
  const cls = split.classes;
  const n = cls.length;
  if (mem.act.length < n * 3) {
    mem.act = new Float64Array(n * 6);
    mem.other = new Float64Array(n * 6);
  }
  mem.classes = n;
  // The states depend on tp, pp, cp, ep, dp and the split, not on mbs: kept per split while
  // (tp, pp, cp, ep) stay (searchLayouts clears stateBySplit).
  let state = mem.stateBySplit.get(split);
  if (!state) {
    state = new Float64Array(n * 8);
    const shard = L.dp * L.cp;
    const eshard = Math.max(1, shard / L.ep);
    for (let i = 0; i < n; i++) {
      const c = cls[i];
      classParams(mc, L, c, scratch);
      const params = scratch[0] + scratch[1];
      const sharded = scratch[0] / shard + scratch[1] / eshard;
      for (let zi = 0; zi < zeros.length; zi++) {
        const z = zeros[zi];
        stateBytes(L, z, params, sharded, c.denseLayers + c.moeLayers, scratch);
        state[i * 8 + z] = scratch[0] + scratch[1] + scratch[2];
        state[i * 8 + 4 + z] = scratch[3];
      }
    }
    mem.stateBySplit.set(split, state);
  }
  mem.state = state;
  for (let ri = 0; ri < recomputes.length; ri++) {
    const r = recomputes[ri];
    L.recompute = r;
    L.rlayers = r === 2 ? s.rlayers : 0;
    const layerAct = layerActivation(mc, L, recomputeShare(r, L.rlayers, split));
    for (let i = 0; i < n; i++) {
      const act = classActivationBytes(mc, L, cls[i], layerAct);
      mem.act[i * 3 + r] = act;
      mem.other[i * 3 + r] = otherBytes(s.p.P, act, 0);
    }
  }
}

/** memoryInto's total for ZeRO stage z and recompute r of the shape (the most loaded class), from shapeMemory. */
function shapeMemoryOf(s: LoopState, z: number, r: number): number {
  const mem = s.mem;
  let best = -1;
  for (let i = 0; i < mem.classes; i++) {
    const act = mem.act[i * 3 + r];
    // Without ZeRO-3 the buffer is 0 and act + 0 is act: the precomputed other bytes are the same number.
    const b = mem.state[i * 8 + z] + act + (z === 3 ? otherBytes(s.p.P, act, mem.state[i * 8 + 7]) : mem.other[i * 3 + r]);
    if (b > best) best = b;
  }
  return best;
}

/** Relative slack on the bounds: far above the rounding error of a step time (~1e-15). */
const SLACK = 1e-6;

/**
 * One layer per virtual stage (vpp = layers/pp) is kept only when it is measurably faster than
 * the best coarser interleaving of the same shape: by more than this fraction of throughput.
 * Megatron users interleave that finely only when it pays (it doubles the pipeline's
 * point-to-point traffic and the schedule's bookkeeping for a bubble already small).
 */
export const ONE_LAYER_VPP_MARGIN = 0.01;

/**
 * The fewest layers per virtual stage that full recompute (Megatron's block method) must
 * recompute for the layout to fit, given its memory with every layer recomputed; -1 when none
 * need be (then recompute 'none' fits and is faster). Returns 0 for "all". Leaves L.rlayers set.
 */
function fewestRecomputed(s: LoopState, split: PipelineSplit, usable: number, memAll: number, knownNone: number): number {
  const L = s.L;
  const per = split.maxChunkLayers;
  let memNone = knownNone;
  if (!Number.isFinite(memNone)) {
    L.recompute = 0;
    memNone = memoryInto(s.p.mc, s.p.P, L, split, s.out);
    L.recompute = 2;
  }
  if (memNone <= usable) return -1;
  if (per <= 1) return (L.rlayers = 0);
  // Memory is linear in the recomputed share; step up from the interpolated count until it fits.
  let n = Math.max(1, Math.ceil((per * (memNone - usable)) / Math.max(1, memNone - memAll)));
  for (; n < per; n++) {
    L.rlayers = n;
    if (memoryInto(s.p.mc, s.p.P, L, split, s.out) <= usable) return n;
  }
  return (L.rlayers = 0);
}

/**
 * Whether a lower bound on the step time of the layout in s.L shows it can change nothing:
 * neither enter the top K (whose K-th step time `kth` only falls), nor — for a coarser
 * interleaving, which sets shapeBest — make a one-layer-per-virtual-stage layout that could
 * enter it look slower than the >1% rule needs, nor — for one layer per virtual stage — pass
 * that rule. The bound of recompute 'none' is below every recompute choice's, so it is tried
 * first; the choice's own bound only when that one does not settle it.
 */
function cannotRank(s: LoopState, split: PipelineSplit, oneLayer: boolean, kth: number): boolean {
  const L = s.L;
  if (!s.unitsReady) {
    boundUnits(s.p.mc, s.p.cc, s.p.P, L, s.units);
    s.shapeLb = shapeLowerBound(s.p.mc, s.p.cc, s.p.P, L, split, s.units) * (1 - SLACK);
    s.unitsReady = true;
  }
  // The shape's bound (any vpp, ZeRO stage, recompute) settles most layouts far from the best.
  if (s.shapeLb > kth * (1 + ONE_LAYER_VPP_MARGIN) * (1 + SLACK)) return true;
  for (let r = 0; ; r = L.recompute) {
    if (!(s.bounded & (1 << r))) {
      // The share full recompute will have: the caller's, or at least one layer per virtual stage (fewestRecomputed).
      const rc = r !== 2 ? 0 : s.partial ? Math.min(1, 1 / Math.max(1, split.maxChunkLayers)) : recomputeShare(2, s.rlayers, split);
      stepTimeLowerBounds(s.p.mc, s.p.cc, s.p.P, L, split, s.units, r, rc, s.lb, r * 4);
      s.bounded |= 1 << r;
    }
    const bound = s.lb[r * 4 + L.zero] * (1 - SLACK);
    if (oneLayer ? bound > kth * (1 + SLACK) || bound * (1 + ONE_LAYER_VPP_MARGIN) > s.shapeBest * (1 + SLACK) : bound > kth * (1 + ONE_LAYER_VPP_MARGIN) * (1 + SLACK)) return true;
    if (r === L.recompute) return false;
  }
}

/** Innermost levels: zero × recompute for a fixed shape. */
function innermost(s: LoopState, split: PipelineSplit, zeros: number[], recomputes: number[]): void {
  const L = s.L;
  const usable = s.ignoreMemory ? Infinity : s.p.cc.usableMemoryBytes;
  const oneLayer = L.vpp > 1 && split.maxChunkLayers <= 1;
  s.bounded = 0;
  if (s.prune) shapeMemory(s, split, zeros, recomputes);
  for (let zi = 0; zi < zeros.length; zi++) {
    L.zero = zeros[zi];
    // Memory without recompute at this ZeRO stage, when the axis has evaluated it (it comes first).
    let memNone = NaN;
    for (let ri = 0; ri < recomputes.length; ri++) {
      L.recompute = recomputes[ri];
      L.rlayers = L.recompute === 2 ? s.rlayers : 0;
      s.searched++;
      if ((s.searched & 0xffff) === 0 && s.onProgress) s.onProgress(s.searched);
      let mem = s.prune ? shapeMemoryOf(s, L.zero, L.recompute) : memoryInto(s.p.mc, s.p.P, L, split, s.out);
      if (L.recompute === 0) memNone = mem;
      if (mem > usable) {
        if (s.feasible === 0 && mem < s.leastMem) {
          s.leastMem = mem;
          s.leastL = { ...L };
        }
        continue;
      }
      s.feasible++;
      // Branch and bound (cannotRank): the ranking, top K and counts are the exhaustive search's (search-prune.test.ts).
      const kth = s.best.steps[s.best.k - 1];
      if (s.prune && (kth < Infinity || (oneLayer && s.shapeBest < Infinity)) && cannotRank(s, split, oneLayer, kth)) {
        s.pruned++;
        continue;
      }
      if (L.recompute === 2 && s.partial) {
        const n = fewestRecomputed(s, split, usable, mem, memNone);
        if (n < 0) continue;
        if (n > 0) mem = memoryInto(s.p.mc, s.p.P, L, split, s.out);
      }
      const step = stepTimeInto(s.p.mc, s.p.cc, s.p.P, L, split, s.out);
      if (L.vpp > 1 && split.maxChunkLayers <= 1) {
        if (step * (1 + ONE_LAYER_VPP_MARGIN) >= s.shapeBest) continue;
      } else if (step < s.shapeBest) s.shapeBest = step;
      s.best.offer(step, mem, L);
    }
  }
}

/**
 * Searches the layouts of `model` on all `cluster.gpus` GPUs for the highest tokens/s that
 * fits in memory; returns the `top` fastest with their full breakdowns.
 */
export function searchLayouts(model: ModelSpec, cluster: Cluster, req: SearchRequest, options: PerfOptions = {}): SearchResult {
  const explicit = pipelineSpecOf(req.fixed ?? {});
  const p = prepare(model, cluster, options, explicit);
  const ax = searchAxes(model, cluster, req);
  const gpus = cluster.gpus;
  const precision = PRECISION_INDEX[req.fixed?.precision ?? req.precision ?? 'bf16'];
  const L: NumLayout = { tp: 1, pp: 1, vpp: 1, cp: 1, ep: 1, dp: 1, zero: 0, mbs: 1, gbs: req.gbs, seq: req.seq, precision, recompute: 0, split: explicit ? 1 : 0, rlayers: 0 };
  const s: LoopState = {
    p, L, out: new Float64Array(M.size), best: new TopK(req.top ?? 10),
    searched: 0, feasible: 0, leastMem: Infinity, leastL: null, onProgress: req.onProgress, ignoreMemory: req.ignoreMemory ?? false,
    partial: req.fixed?.recompute === undefined && ax.recompute.includes(0), rlayers: req.fixed?.recomputeLayers ?? 0, shapeBest: Infinity,
    prune: !req.exhaustive, lb: new Float64Array(12), bounded: 0, units: newBoundUnits(), unitsReady: false, shapeLb: 0, pruned: 0, mem: { classes: 0, state: new Float64Array(0), stateBySplit: new Map(), act: new Float64Array(0), other: new Float64Array(0) },
  };
  for (const tp of ax.tp) {
    for (const pp of ax.pp) {
      for (const cp of ax.cp) {
        const dp = gpus / (tp * pp * cp);
        if (!Number.isInteger(dp) || (req.fixed?.dp !== undefined && req.fixed.dp !== dp)) continue;
        if (req.gbs % dp !== 0) continue;
        Object.assign(L, { tp, pp, cp, dp });
        for (const ep of ax.ep(dp * cp)) {
          L.ep = ep;
          s.mem.stateBySplit.clear();
          for (const mbs of ax.mbs(req.gbs / dp)) {
            L.mbs = mbs;
            const m = req.gbs / (dp * mbs);
            s.shapeBest = Infinity;
            s.unitsReady = false;
            // Ascending: the coarser interleavings set shapeBest before one layer per stage is tried.
            for (const vpp of ax.vpp(pp, m)) {
              const split = splitFor(p, pp, vpp, explicit !== null);
              if (!split) continue;
              L.vpp = vpp;
              innermost(s, split, ax.zero, ax.recompute);
            }
          }
        }
      }
    }
  }
  const top = [];
  for (let i = 0; i < s.best.count; i++) {
    const nl = s.best.layout(i);
    evaluateInto(p, nl, s.out);
    top.push(toResult(p, fromNumLayout(nl), nl, s.out));
  }
  let leastMemory = null;
  if (s.feasible === 0 && s.leastL) {
    evaluateInto(p, s.leastL, s.out);
    leastMemory = toResult(p, fromNumLayout(s.leastL), s.leastL, s.out);
  }
  return { searched: s.searched, feasible: s.feasible, top, leastMemory, pruned: s.pruned };
}

/** How many layouts searchLayouts will consider (for progress bars); no evaluation. */
export function countLayouts(model: ModelSpec, cluster: Cluster, req: SearchRequest): number {
  const ax = searchAxes(model, cluster, req);
  const inner = ax.zero.length * ax.recompute.length;
  let n = 0;
  for (const tp of ax.tp) for (const pp of ax.pp) for (const cp of ax.cp) {
    const dp = cluster.gpus / (tp * pp * cp);
    if (!Number.isInteger(dp) || req.gbs % dp !== 0 || (req.fixed?.dp !== undefined && req.fixed.dp !== dp)) continue;
    for (const _ep of ax.ep(dp * cp)) for (const mbs of ax.mbs(req.gbs / dp)) n += ax.vpp(pp, req.gbs / (dp * mbs)).length * inner; // upper bound: vpp without a split are skipped
  }
  return n;
}
