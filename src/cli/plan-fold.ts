/**
 * Plans people would pick: layouts that differ only in ZeRO stage or recompute and are within
 * 1% of each other's throughput fold into one line (the fastest; ties: less memory), with the
 * alternatives named. `plan --json` keeps the full list beside the folded one.
 */
import { recomputeLabel, type PerfResult } from '../core/perf/types.js';

export interface FoldedPlan {
  best: PerfResult;
  /** Same layout but ZeRO/recompute, within 1% of `best`'s tokens/s: `z1 none`, `z2 selective`, … */
  alternatives: string[];
}

const shape = (r: PerfResult) => {
  const l = r.layout;
  return [l.tp, l.pp, l.vpp, l.cp, l.ep, l.dp, l.mbs, l.precision, l.ppLayout ?? ''].join('|');
};

/** Folds a ranked list (fastest first) into at most `k` distinct layouts. */
export function foldPlans(ranked: readonly PerfResult[], k: number, tolerance = 0.01): FoldedPlan[] {
  const out: FoldedPlan[] = [];
  for (const r of ranked) {
    const same = out.find((f) => shape(f.best) === shape(r) && r.tokensPerS >= f.best.tokensPerS * (1 - tolerance));
    if (same) same.alternatives.push(`z${r.layout.zero} ${recomputeLabel(r.layout)}`);
    else if (out.length < k) out.push({ best: r, alternatives: [] });
  }
  return out;
}
