/**
 * Uneven pipelines: Megatron layout strings, the default split for layer counts that do not
 * divide, explicit first/last stages, and memory and time per stage.
 */
import { describe, expect, it } from 'vitest';
import { evaluateLayout, prepare } from './evaluate.js';
import { layerActivationBytes } from './memory.js';
import { toNumLayout } from './num-layout.js';
import { expandLayout, formatLayout, parseLayout } from './pipeline-layout.js';
import { searchLayouts } from './search-loop.js';
import { cluster, layout, model } from './test-fixtures.js';
import { validateLayout } from './validate.js';

describe('pipeline layout strings', () => {
  it("expands Megatron's repetition syntax and ignores spaces and commas", () => {
    expect(expandLayout('Et*3|(tt|)*2,m|L')).toBe('Ettt|tt|tt|m|L');
    expect(parseLayout('Et*3|(tt|)*29m|L').length).toBe(32);
    expect(parseLayout('Et*3|(tt|)*29m|L').reduce((s, c) => s + c.layers, 0)).toBe(61);
  });

  it('formats stages compactly and parses back to the same stages', () => {
    for (const text of ['Et*7|(t*8|)*14t*7L', 'Et*3|(tt|)*29m|L', 'Et|t|tL', 'EtL']) {
      const chunks = parseLayout(text);
      expect(parseLayout(formatLayout(chunks))).toEqual(chunks);
    }
    expect(formatLayout(parseLayout('Et*7|(t*8|)*14t*7L'))).toBe('Et*7|(t*8|)*14t*7L');
  });
});

describe('uneven pipelines', () => {
  const ds = model('deepseek-v3');
  const c256 = cluster('dgx-b200', 256);
  const dsLayout = (pp: number, vpp: number) => layout({ pp, vpp, dp: 256 / pp, ep: 8, mbs: 1, gbs: 512, seq: 4096, precision: 'fp8' });

  it.each([
    [2, 1], [2, 2], [2, 8], [4, 1], [4, 2], [4, 4], [8, 1], [8, 2], [8, 4], [16, 1], [16, 2], [16, 3],
  ])('runs DeepSeek-V3 (61 layers) at pp %i × vpp %i with every layer, the embedding and the loss placed once', (pp, vpp) => {
    const r = evaluateLayout(ds, c256, dsLayout(pp, vpp));
    const st = r.pipeline!.stages;
    expect(st.reduce((s, c) => s + c.layers * c.ranks.length, 0)).toBe(61);
    expect(st.flatMap((c) => c.ranks).sort((a, b) => a - b)).toEqual(Array.from({ length: pp }, (_, i) => i));
    expect(st.find((c) => c.embedding)!.ranks).toEqual([0]);
    expect(st.find((c) => c.loss)!.ranks).toEqual([pp - 1]);
    // Three dense layers (the first ones, on the first virtual stages).
    expect(st.reduce((s, c) => s + (c.layers - c.moeLayers) * c.ranks.length, 0)).toBe(3);
    // Balanced: stage layer counts differ by at most the loss's share (≤ 2 layers here).
    const layers = st.map((c) => c.layers);
    expect(Math.max(...layers) - Math.min(...layers)).toBeLessThanOrEqual(2);
    // The slowest stage paces the pipeline; the bubble comes from the real stage times.
    const t = st.flatMap((c) => c.ranks.map(() => c.microbatchTimeS));
    const slowest = Math.max(...t);
    const sum = t.reduce((a, b) => a + b, 0);
    expect(r.breakdown.ppBubbleS).toBeCloseTo((sum - slowest) / vpp, 9);
    expect(r.stepTimeS).toBeCloseTo(r.breakdown.computeS + r.breakdown.ppBubbleS + r.breakdown.exposedCommS, 9);
    expect(r.memoryPerGpuBytes).toBe(Math.max(...st.map((c) => c.memoryPerGpuBytes)));
  });

  it('refuses DeepSeek-V3 at pp 16 × vpp 4 (64 virtual stages for 61 layers) and lists the vpp that work', () => {
    expect(() => validateLayout(ds, c256, dsLayout(16, 4))).toThrow('vpp=4: pp·vpp = 64 virtual stages need at least one of the 61 layers each (try 1, 3)');
  });

  it("lets the planner pick DeepSeek-V3's pipeline itself, with an uneven split", () => {
    const s = searchLayouts(ds, c256, { gbs: 512, seq: 4096, precision: 'fp8', fixed: { pp: 4, ep: 8, mbs: 1, precision: 'fp8' }, top: 1 });
    const best = s.top[0];
    expect(best.layout.pp).toBe(4);
    expect(best.pipeline!.kind).toBe('balanced');
    expect(best.layout.ppLayout).toMatch(/^E/);
  });

  it('takes explicit first/last stages and layout strings (DeepSeek-V3, pp 16 × vpp 2 as Megatron-LM runs it)', () => {
    const fl = evaluateLayout(ds, c256, { ...dsLayout(4, 1), ppFirstLayers: 13, ppLastLayers: 12 });
    expect(fl.pipeline!.kind).toBe('first/last');
    expect(fl.layout.ppLayout).toBe('Et*13|t*18|t*18|t*12L');
    const lay = evaluateLayout(ds, c256, { ...dsLayout(16, 2), ppLayout: 'Et*3|(tt|)*29m|L' });
    expect(lay.pipeline!.stages.find((c) => c.mtpLayers === 1)!.ranks).toEqual([14]);
    expect(lay.pipeline!.stages.find((c) => c.loss)!.layers).toBe(2);
  });

  it('runs Llama 3 405B (126 layers) at pp 16 with the embedding and loss counted as layers', () => {
    const r = evaluateLayout(model('llama3-405b'), cluster('dgx-h100', 1024), layout({ tp: 8, pp: 16, dp: 8, gbs: 128, seq: 8192, zero: 1 }));
    expect(r.pipeline!.kind).toBe('embedding+loss');
    expect(r.layout.ppLayout).toBe('Et*7|(t*8|)*14t*7L');
    const byRank = (rank: number) => r.pipeline!.stages.find((c) => c.ranks.includes(rank))!;
    expect([byRank(0).layers, byRank(1).layers, byRank(14).layers, byRank(15).layers]).toEqual([7, 8, 8, 7]);
  });

  it('computes memory per stage as by hand (Llama 3 405B, tp 8, pp 16, ZeRO-1 over dp 8, BF16)', () => {
    const m = model('llama3-405b');
    const c = cluster('dgx-h100', 1024);
    const l = layout({ tp: 8, pp: 16, dp: 8, gbs: 128, seq: 8192, zero: 1, mbs: 1 });
    const r = evaluateLayout(m, c, l);
    const h = 16384, ffn = 53248, V = 128256, kv = 8 * 128;
    const attn = 2 * h * h + 2 * h * kv; // q, o + k, v
    const layerParams = attn / 8 + 2 * h + (3 * h * ffn) / 8; // per GPU (norms not split by tp)
    const rank0Params = 7 * layerParams + (V * h) / 8;
    const rank1Params = 8 * layerParams;
    const act = layerActivationBytes(prepare(m, c).mc, toNumLayout(l), 0);
    const m16 = 128 / 8; // micro-batches; rank r holds min(16, 16 − r)
    const bytes = (p: number, inflightLayers: number, extra: number) => {
      const a = inflightLayers * act + extra;
      return p * 2 + p * 4 + (p * 12) / 8 + a + 3e9 + 0.08 * a;
    };
    const s0 = r.pipeline!.stages.find((x) => x.ranks.includes(0))!;
    const s1 = r.pipeline!.stages.find((x) => x.ranks.includes(1))!;
    expect(s0.memoryPerGpuBytes).toBeCloseTo(bytes(rank0Params, 7 * m16, (8192 * 2 * h) / 8), -3);
    expect(s1.memoryPerGpuBytes).toBeCloseTo(bytes(rank1Params, 8 * 15, 0), -3);
    expect(r.memoryPerGpuBytes).toBe(Math.max(...r.pipeline!.stages.map((x) => x.memoryPerGpuBytes)));
  });
});
