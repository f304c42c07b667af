import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateLayout } from './evaluate.js';
import type { Layout, ZeroStage } from './types.js';
import { cluster, model } from './test-fixtures.js';

/** Random valid layouts of llama3-70b on 256 H100s (tp·pp·cp·dp = 256, dp | gbs). */
const layouts = fc
  .record({
    tp: fc.constantFrom(1, 2, 4, 8),
    pp: fc.constantFrom(1, 2, 4, 8),
    cp: fc.constantFrom(1, 2),
    mbs: fc.constantFrom(1, 2),
    zero: fc.constantFrom<ZeroStage>(0, 1, 2, 3),
    recompute: fc.constantFrom('none' as const, 'selective' as const, 'full' as const),
  })
  .map((r): Layout => ({ ...r, vpp: 1, ep: 1, dp: 256 / (r.tp * r.pp * r.cp), gbs: 512, seq: 8192, precision: 'bf16' }));

describe('performance model properties', () => {
  const m = model('llama3-70b');
  const c = cluster('dgx-h100', 256);

  it('reports consistent, positive figures for any valid layout', () => {
    fc.assert(
      fc.property(layouts, (l) => {
        const r = evaluateLayout(m, c, l);
        const mem = r.memory;
        const sum = mem.weights + mem.gradients + mem.optimizer + mem.activations + mem.other;
        const b = r.breakdown;
        return (
          Math.abs(sum - r.memoryPerGpuBytes) < 1 &&
          r.stepTimeS > 0 &&
          Math.abs(r.stepTimeS - (b.computeS + b.ppBubbleS + b.exposedCommS)) < 1e-9 * r.stepTimeS &&
          r.mfu > 0 && r.mfu < 1 && r.hfu >= r.mfu &&
          b.exposedCommS <= b.tpCommS + b.cpCommS + b.epCommS + b.dpCommS + 0.1 * r.stepTimeS
        );
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('never uses more memory with a higher ZeRO stage or more recompute', () => {
    fc.assert(
      fc.property(layouts, (l) => {
        const at = (o: Partial<Layout>) => evaluateLayout(m, c, { ...l, ...o }).memoryPerGpuBytes;
        return at({ zero: 3 }) <= at({ zero: 2 }) + 1 && at({ zero: 2 }) <= at({ zero: 1 }) + 1 && at({ zero: 1 }) <= at({ zero: 0 }) + 1 &&
          at({ recompute: 'full' }) <= at({ recompute: 'selective' }) + 1 && at({ recompute: 'selective' }) <= at({ recompute: 'none' }) + 1;
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  it('never runs faster with more recompute', () => {
    fc.assert(
      fc.property(layouts, (l) => {
        const t = (recompute: Layout['recompute']) => evaluateLayout(m, c, { ...l, recompute }).stepTimeS;
        return t('none') <= t('selective') && t('selective') <= t('full');
      }),
      { numRuns: 200, seed: 13 },
    );
  });

  it('gives a bigger GPU the same or better throughput on the same layout', () => {
    const h200 = cluster('dgx-h200', 256);
    fc.assert(
      fc.property(layouts, (l) => evaluateLayout(m, h200, l).tokensPerS >= evaluateLayout(m, c, l).tokensPerS * 0.999),
      { numRuns: 100, seed: 17 },
    );
    expect(h200.gpu.hbmBytes).toBeGreaterThan(c.gpu.hbmBytes);
  });
});
