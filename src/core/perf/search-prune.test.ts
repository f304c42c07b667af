import { describe, expect, it } from 'vitest';
import { prepare, splitFor } from './evaluate.js';
import { M, type NumLayout } from './num-layout.js';
import { searchLayouts } from './search-loop.js';
import { searchAxes, type SearchRequest } from './search.js';
import { recomputeShare } from './stages.js';
import { boundUnits, newBoundUnits, shapeLowerBound, stepTimeInto, stepTimeLowerBounds } from './step-time.js';
import { SOFTWARE_RELEASES } from './software.js';
import { cluster, model } from './test-fixtures.js';

/**
 * The planner's fast path (per-shape memory terms, branch and bound on the step time) against
 * its reference loop (`exhaustive`: every layout's memory and step time evaluated in full):
 * the same counts, the same top K in the same order with the same figures, the same
 * least-memory layout when nothing fits.
 */
const CASES: [name: string, modelName: string, clusterName: string, gpus: number, req: SearchRequest][] = [
  ['the CLI start-up bench: plan (top 40)', 'llama3-70b', 'dgx-h100', 1024, { gbs: 1024, seq: 8192, top: 40 }],
  ['the CLI start-up bench: perf (top 1)', 'llama3-70b', 'dgx-h100', 1024, { gbs: 1024, seq: 8192, top: 1 }],
  ['a small dense model, top 10', 'llama3-8b', 'dgx-h100', 64, { gbs: 256, seq: 4096, top: 10 }],
  ['bubble-bound: one layer per virtual stage', 'llama3-8b', 'dgx-h100', 32, { gbs: 32, seq: 4096, top: 5 }],
  ['MoE (expert parallelism), top 10', 'mixtral-8x7b', 'dgx-h100', 256, { gbs: 512, seq: 4096, top: 10 }],
  ['dropless MoE, MTP and uneven stages, FP8 on NVL72', 'deepseek-v3', 'gb200-nvl72', 1152, { gbs: 2304, seq: 4096, precision: 'fp8', top: 10 }],
  ['A100, short sequences', 'gpt3-175b', 'dgx-a100', 1024, { gbs: 1536, seq: 2048, top: 5 }],
  ['405B on a site partition', 'llama3-405b', 'colossus-100k', 8192, { gbs: 2048, seq: 8192, top: 3 }],
  ['knobs fixed (perf with --tp --pp)', 'llama3-70b', 'dgx-h100', 512, { gbs: 512, seq: 8192, fixed: { tp: 8, pp: 4 }, top: 1 }],
  ['full recompute of some layers fixed', 'llama3-70b', 'dgx-h100', 256, { gbs: 256, seq: 8192, fixed: { recompute: 'full', recomputeLayers: 2 }, top: 5 }],
  ['nothing fits (least memory)', 'llama3-405b', 'dgx-h100', 16, { gbs: 16, seq: 8192, top: 5 }],
  ['memory ignored (calibration)', 'llama3-405b', 'dgx-h100', 64, { gbs: 64, seq: 8192, top: 5, ignoreMemory: true }],
];

describe('planner branch and bound', () => {
  it.each([
    ['llama3-8b', 'dgx-h100', 64, 256, 4096],
    ['mixtral-8x7b', 'dgx-h100', 128, 256, 4096],
    ['deepseek-v3', 'gb200-nvl72', 576, 1152, 4096],
    ['gpt3-175b', 'dgx-a100', 256, 512, 2048],
  ] as const)('bounds every layout of %s on %s from below (the step time of each recompute share and ZeRO stage)', (modelName, clusterName, gpus, gbs, seq) => {
    const m = model(modelName);
    const c = cluster(clusterName, gpus);
    const p = prepare(m, c);
    const ax = searchAxes(m, c, { gbs, seq });
    const out = new Float64Array(M.size);
    const lb = new Float64Array(4);
    const units = newBoundUnits();
    let checked = 0;
    const violations: object[] = [];
    for (const tp of ax.tp) for (const pp of ax.pp) for (const cp of ax.cp) {
      const dp = gpus / (tp * pp * cp);
      if (!Number.isInteger(dp) || gbs % dp !== 0) continue;
      for (const ep of ax.ep(dp * cp)) for (const mbs of ax.mbs(gbs / dp)) {
        const L: NumLayout = { tp, pp, vpp: 1, cp, ep, dp, zero: 0, mbs, gbs, seq, precision: 0, recompute: 0, split: 0, rlayers: 0 };
        boundUnits(p.mc, p.cc, p.P, L, units);
        for (const vpp of ax.vpp(pp, gbs / (dp * mbs))) {
          const split = splitFor(p, pp, vpp);
          if (!split) continue;
          L.vpp = vpp;
          const shape = shapeLowerBound(p.mc, p.cc, p.P, L, split, units);
          for (const recompute of [0, 1, 2]) for (const rlayers of recompute === 2 ? [0, 1] : [0]) {
            Object.assign(L, { recompute, rlayers });
            const rc = recomputeShare(recompute, rlayers, split);
            stepTimeLowerBounds(p.mc, p.cc, p.P, L, split, units, recompute, rc, lb);
            for (const zero of [0, 1, 2, 3]) {
              L.zero = zero;
              const step = stepTimeInto(p.mc, p.cc, p.P, L, split, out);
              if (!(lb[zero] > 0 && lb[zero] <= step * (1 + 1e-12) && shape > 0 && shape <= step * (1 + 1e-12))) violations.push({ ...L, step, bound: lb[zero], shape });
              checked++;
            }
          }
        }
      }
    }
    expect(violations.slice(0, 5)).toEqual([]);
    expect(checked).toBeGreaterThan(1000);
  });

  it.each(CASES)('returns what the exhaustive search returns: %s', (_name, modelName, clusterName, gpus, req) => {
    const m = model(modelName);
    const c = cluster(clusterName, gpus);
    const fast = searchLayouts(m, c, req);
    const full = searchLayouts(m, c, { ...req, exhaustive: true });
    expect(full.pruned).toBe(0);
    expect({ ...fast, pruned: 0 }).toEqual(full);
  });

  it('returns what the exhaustive search returns under every software release', () => {
    const m = model('mixtral-8x22b');
    const c = cluster('dgx-h200', 512);
    for (const release of SOFTWARE_RELEASES) {
      const options = { software: release.params };
      const req = { gbs: 1024, seq: 4096, top: 8 };
      const fast = searchLayouts(m, c, req, options);
      expect({ ...fast, pruned: 0 }).toEqual(searchLayouts(m, c, { ...req, exhaustive: true }, options));
    }
  });

  it('skips the step time of most fitting layouts on the CLI bench case', () => {
    const s = searchLayouts(model('llama3-70b'), cluster('dgx-h100', 1024), { gbs: 1024, seq: 8192, top: 40 });
    expect(s.feasible).toBeGreaterThan(10_000);
    expect(s.pruned).toBeGreaterThan(s.feasible / 2);
  });
});
