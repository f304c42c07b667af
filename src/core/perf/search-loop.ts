/**
 * The planner's loop over the search axes (see search.ts for the contract).
 */
import type { Cluster } from '../cluster/types.js';
import type { ModelSpec } from '../model/types.js';
import { evaluateInto, pipelineSpecOf, prepare, splitFor, toResult, type Prepared } from './evaluate.js';
import { memoryInto } from './memory.js';
import { stepTimeInto } from './step-time.js';
import { M, PRECISION_INDEX, fromNumLayout, type NumLayout } from './num-layout.js';
import { TopK, searchAxes, type SearchRequest, type SearchResult } from './search.js';
import type { PipelineSplit } from './stages.js';
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
}

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

/** Innermost levels: zero × recompute for a fixed shape. */
function innermost(s: LoopState, split: PipelineSplit, zeros: number[], recomputes: number[]): void {
  const L = s.L;
  const usable = s.ignoreMemory ? Infinity : s.p.cc.usableMemoryBytes;
  for (let zi = 0; zi < zeros.length; zi++) {
    L.zero = zeros[zi];
    // Memory without recompute at this ZeRO stage, when the axis has evaluated it (it comes first).
    let memNone = NaN;
    for (let ri = 0; ri < recomputes.length; ri++) {
      L.recompute = recomputes[ri];
      L.rlayers = L.recompute === 2 ? s.rlayers : 0;
      s.searched++;
      if ((s.searched & 0xffff) === 0 && s.onProgress) s.onProgress(s.searched);
      let mem = memoryInto(s.p.mc, s.p.P, L, split, s.out);
      if (L.recompute === 0) memNone = mem;
      if (mem > usable) {
        if (s.feasible === 0 && mem < s.leastMem) {
          s.leastMem = mem;
          s.leastL = { ...L };
        }
        continue;
      }
      s.feasible++;
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
          for (const mbs of ax.mbs(req.gbs / dp)) {
            L.mbs = mbs;
            const m = req.gbs / (dp * mbs);
            s.shapeBest = Infinity;
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
  return { searched: s.searched, feasible: s.feasible, top, leastMemory };
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
