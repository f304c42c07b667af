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
}

/** Innermost levels: zero × recompute for a fixed shape. */
function innermost(s: LoopState, split: PipelineSplit, zeros: number[], recomputes: number[]): void {
  const L = s.L;
  const usable = s.ignoreMemory ? Infinity : s.p.cc.usableMemoryBytes;
  for (let zi = 0; zi < zeros.length; zi++) {
    L.zero = zeros[zi];
    for (let ri = 0; ri < recomputes.length; ri++) {
      L.recompute = recomputes[ri];
      s.searched++;
      if ((s.searched & 0xffff) === 0 && s.onProgress) s.onProgress(s.searched);
      const mem = memoryInto(s.p.mc, s.p.P, L, split, s.out);
      if (mem > usable) {
        if (s.feasible === 0 && mem < s.leastMem) {
          s.leastMem = mem;
          s.leastL = { ...L };
        }
        continue;
      }
      s.feasible++;
      s.best.offer(stepTimeInto(s.p.mc, s.p.cc, s.p.P, L, split, s.out), mem, L);
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
  const L: NumLayout = { tp: 1, pp: 1, vpp: 1, cp: 1, ep: 1, dp: 1, zero: 0, mbs: 1, gbs: req.gbs, seq: req.seq, precision, recompute: 0, split: explicit ? 1 : 0 };
  const s: LoopState = {
    p, L, out: new Float64Array(M.size), best: new TopK(req.top ?? 10),
    searched: 0, feasible: 0, leastMem: Infinity, leastL: null, onProgress: req.onProgress, ignoreMemory: req.ignoreMemory ?? false,
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
