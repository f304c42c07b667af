import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateLayout } from './evaluate.js';
import { ONE_LAYER_VPP_MARGIN, searchLayouts } from './search-loop.js';
import { vppCandidates } from './search.js';
import { RECOMPUTES, type Layout, type ZeroStage } from './types.js';
import { divisors, validateLayout } from './validate.js';
import { cluster, model } from './test-fixtures.js';

/** Every valid layout by brute force through the public API (validateLayout + evaluateLayout). */
function bruteForce(modelName: string, clusterName: string, gpus: number, gbs: number, seq: number): Layout[] {
  const m = model(modelName);
  const c = cluster(clusterName, gpus);
  const out: Layout[] = [];
  for (const tp of divisors(8)) for (const pp of divisors(gpus)) for (const cp of [1, 2, 4, 8]) {
    const dp = gpus / (tp * pp * cp);
    if (!Number.isInteger(dp)) continue;
    for (const ep of m.moe ? divisors(dp * cp) : [1]) for (const mbs of divisors(gbs)) for (const vpp of pp === 1 ? [1, 2] : [...vppCandidates(m.layers, pp), vppCandidates(m.layers, pp).at(-1)! + 1])
      for (const zero of [0, 1, 2, 3] as ZeroStage[]) for (const recompute of RECOMPUTES) {
        const l: Layout = { tp, pp, vpp, cp, ep, dp, zero, mbs, gbs, seq, precision: 'bf16', recompute };
        try {
          validateLayout(m, c, l);
        } catch {
          continue;
        }
        if (mbs > 64 || (cp > 1 && seq / cp < 1024)) continue; // the planner's documented caps
        if (vpp > 1 && !vppCandidates(m.layers, pp).includes(vpp)) continue; // the planner's vpp candidates (one more is tried above)
        out.push(l);
      }
  }
  return out;
}

/** Full-recompute layouts with only some layers of each virtual stage recomputed (--recompute-num-layers 1 … all − 1). */
function partials(all: Layout[], layers: number): Layout[] {
  return all.filter((l) => l.recompute === 'full').flatMap((l) => {
    const perStage = Math.ceil(layers / (l.pp * l.vpp));
    return Array.from({ length: perStage - 1 }, (_, i) => ({ ...l, recomputeLayers: i + 1 }));
  });
}

describe('planner search', () => {
  it('finds the same best layout as brute force over validateLayout + evaluateLayout', () => {
    const all = bruteForce('llama3-8b', 'dgx-h100', 16, 32, 4096);
    const m = model('llama3-8b');
    const c = cluster('dgx-h100', 16);
    const fitting = all.map((l) => evaluateLayout(m, c, l)).filter((r) => r.fits);
    const partialFits = partials(all, m.layers).map((l) => evaluateLayout(m, c, l)).filter((r) => r.fits);
    const candidates = [...fitting, ...partialFits];
    const best = Math.max(...candidates.map((r) => r.tokensPerS));
    // One layer per virtual stage is taken only when > 1% faster than the coarser interleavings.
    const oneLayer = (r: (typeof candidates)[number]) => r.layout.vpp > 1 && r.layout.pp * r.layout.vpp >= m.layers;
    const bestCoarse = Math.max(...candidates.filter((r) => !oneLayer(r)).map((r) => r.tokensPerS));
    const s = searchLayouts(m, c, { gbs: 32, seq: 4096, top: 3 });
    expect(s.searched).toBe(all.length);
    expect(s.feasible).toBe(fitting.length);
    expect(s.top[0].tokensPerS).toBeCloseTo(oneLayer(s.top[0]) ? best : bestCoarse, 6);
    expect(s.top[0].tokensPerS).toBeGreaterThanOrEqual(bestCoarse * (1 - 1e-9));
    expect(s.top.map((r) => r.tokensPerS)).toEqual([...s.top.map((r) => r.tokensPerS)].sort((a, b) => b - a));
  });

  it('is deterministic and respects fixed knobs', () => {
    const m = model('mixtral-8x7b');
    const c = cluster('dgx-h100', 64);
    const a = searchLayouts(m, c, { gbs: 256, seq: 4096, top: 5 });
    const b = searchLayouts(m, c, { gbs: 256, seq: 4096, top: 5 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const f = searchLayouts(m, c, { gbs: 256, seq: 4096, fixed: { tp: 2, ep: 8 }, top: 3 });
    for (const r of f.top) expect([r.layout.tp, r.layout.ep]).toEqual([2, 8]);
  });

  it('never ranks a layout that does not fit, and its best beats any valid fitting layout (property)', () => {
    const m = model('llama3-70b');
    const c = cluster('dgx-h100', 64);
    const s = searchLayouts(m, c, { gbs: 128, seq: 8192, top: 1 });
    const base = bruteForce('llama3-70b', 'dgx-h100', 64, 128, 8192);
    const all = [...base, ...partials(base, m.layers)];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: all.length - 1 }), (i) => {
        const r = evaluateLayout(m, c, all[i]);
        // A layout with one layer per virtual stage may be up to 1% faster and still not taken.
        const slack = r.layout.vpp > 1 && r.layout.pp * r.layout.vpp >= m.layers ? ONE_LAYER_VPP_MARGIN : 0;
        return !r.fits || r.tokensPerS <= s.top[0].tokensPerS * (1 + slack + 1e-12);
      }),
      { numRuns: 200, seed: 42 },
    );
    expect(s.top[0].fits).toBe(true);
  });

  it('interleaves down to one layer per virtual stage only when that is more than 1% faster than the best coarser vpp', () => {
    const m = model('llama3-8b');
    const c = cluster('dgx-h100', 32);
    // 32 layers on pp 4: vpp 8 is one layer per virtual stage; the coarser candidates are 1, 2, 4.
    const at = (gbs: number, vpp?: number) => searchLayouts(m, c, { gbs, seq: 4096, fixed: { tp: 1, pp: 4, mbs: 1, ...(vpp ? { vpp } : {}) }, top: 1 }).top[0];
    for (const gbs of [32, 512]) {
      const one = at(gbs, 8).tokensPerS;
      const coarser = Math.max(...[1, 2, 4].map((v) => at(gbs, v).tokensPerS));
      const chosen = at(gbs);
      if (one > coarser * (1 + ONE_LAYER_VPP_MARGIN)) expect(chosen.layout.vpp).toBe(8);
      else expect(chosen.layout.vpp).toBeLessThan(8);
      expect(chosen.tokensPerS).toBeCloseTo(chosen.layout.vpp === 8 ? one : coarser, 6);
    }
    // Both branches are exercised: 8 micro-batches on 4 stages (bubble-bound) pick vpp 8, 128 do not.
    expect(at(32).layout.vpp).toBe(8);
    expect(at(512).layout.vpp).toBeLessThan(8);
    expect(at(512, 8).tokensPerS).toBeGreaterThan(at(512).tokensPerS);
  });
});
