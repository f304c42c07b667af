import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateLayout } from './evaluate.js';
import { searchLayouts } from './search-loop.js';
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

describe('planner search', () => {
  it('finds the same best layout as brute force over validateLayout + evaluateLayout', () => {
    const all = bruteForce('llama3-8b', 'dgx-h100', 16, 32, 4096);
    const m = model('llama3-8b');
    const c = cluster('dgx-h100', 16);
    const fitting = all.map((l) => evaluateLayout(m, c, l)).filter((r) => r.fits);
    const best = Math.max(...fitting.map((r) => r.tokensPerS));
    const s = searchLayouts(m, c, { gbs: 32, seq: 4096, top: 3 });
    expect(s.searched).toBe(all.length);
    expect(s.feasible).toBe(fitting.length);
    expect(s.top[0].tokensPerS).toBeCloseTo(best, 6);
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
    const all = bruteForce('llama3-70b', 'dgx-h100', 64, 128, 8192);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: all.length - 1 }), (i) => {
        const r = evaluateLayout(m, c, all[i]);
        return !r.fits || r.tokensPerS <= s.top[0].tokensPerS * (1 + 1e-12);
      }),
      { numRuns: 200, seed: 42 },
    );
    expect(s.top[0].fits).toBe(true);
  });
});
