import { describe, expect, it } from 'vitest';
import { MODEL_PRESETS } from './presets.js';
import { paramCounts } from './params.js';
import { flopsPerToken, forwardFlopsPerTokenParts } from './flops.js';

describe('model presets against published parameter counts', () => {
  for (const m of Object.values(MODEL_PRESETS)) {
    it(`${m.name}: total and active within the published precision`, () => {
      const p = paramCounts(m);
      const pub = m.published!;
      expect(pub, 'every preset cites its published count').toBeDefined();
      const tol = pub.tolerance ?? 0.01;
      expect(Math.abs(p.total / pub.params - 1)).toBeLessThanOrEqual(tol);
      if (pub.activeParams) {
        const active = pub.activeExcludesInputEmbedding ? p.active - p.embedding : p.active;
        expect(Math.abs(active / pub.activeParams - 1)).toBeLessThanOrEqual(tol);
      }
    });
  }

  it('dense models have active = total; MoE models fewer active', () => {
    for (const m of Object.values(MODEL_PRESETS)) {
      const p = paramCounts(m);
      if (m.moe) expect(p.active).toBeLessThan(p.total * 0.5);
      else expect(p.active).toBe(p.total);
    }
  });
});

describe('training FLOPs per token', () => {
  it('reduces to 6·N + 12·L·h·s for a standard MHA model (PaLM appendix B)', () => {
    const m = MODEL_PRESETS['gpt3-175b'];
    const s = 2048;
    // N excludes the embedding lookup but keeps the (tied) output projection: total − norms.
    const n = m.layers * 12 * m.hiddenSize ** 2 + m.vocabSize * m.hiddenSize;
    const expected = 6 * n + 12 * m.layers * m.hiddenSize * s;
    expect(flopsPerToken(m, s) / expected).toBeCloseTo(1, 6);
  });

  it('counts only routed experts that fire (top-k) for MoE', () => {
    const m = MODEL_PRESETS['mixtral-8x7b'];
    const f = forwardFlopsPerTokenParts(m, 4096);
    const p = paramCounts(m);
    expect(f.matmul).toBeLessThan(2 * p.active);
    expect(f.matmul).toBeGreaterThan(2 * (p.active - p.embedding - p.output));
  });

  it('grows linearly in sequence length through attention only', () => {
    const m = MODEL_PRESETS['llama3-8b'];
    const a = forwardFlopsPerTokenParts(m, 4096);
    const b = forwardFlopsPerTokenParts(m, 8192);
    expect(b.matmul).toBe(a.matmul);
    expect(b.attention).toBe(2 * a.attention);
  });
});
