/**
 * The CPU-issue floor of dropless MoE (compute.ts hostS, step-time.ts), token dropping and
 * multi-token prediction, checked against the behaviour the calibration rows show.
 */
import { describe, expect, it } from 'vitest';
import { evaluateLayout } from './evaluate.js';
import { cluster, layout, model } from './test-fixtures.js';

describe('CPU-issue floor, token dropping, multi-token prediction', () => {
  const q = model('qwen3-30b-a3b');
  const b200 = cluster('dgx-b200', 8);
  const at = (mbs: number, moeTokenDrop = false) =>
    evaluateLayout(q, b200, layout({ dp: 8, ep: 8, mbs, gbs: 512, seq: 4096, precision: 'fp8' }), { moeTokenDrop }).tokensPerSPerGpu;

  it('makes a small dropless MoE at micro-batch 1 host-bound (Megatron-Bridge: 2.8× from mbs 1 to 4 on 8 B200)', () => {
    expect(at(4) / at(1)).toBeGreaterThan(2);
    // Without the per-layer host sync and launches the GPU sets the pace: far less to gain.
    expect(at(4, true) / at(1, true)).toBeLessThan(1.6);
    expect(at(1, true)).toBeGreaterThan(at(1) * 1.5);
  });

  it('gives dense models no floor: the token-drop option changes nothing', () => {
    const l8 = model('llama3-8b');
    const l = layout({ dp: 8, mbs: 1, gbs: 64, seq: 8192, precision: 'fp8' });
    const a = evaluateLayout(l8, b200, l);
    const b = evaluateLayout(l8, b200, l, { moeTokenDrop: true });
    expect(b.stepTimeS).toBe(a.stepTimeS);
  });

  it('charges host-synchronised pipeline chunks: thin interleaving slows a dropless MoE but not a dense model', () => {
    const h16 = cluster('dgx-h100', 16);
    const moe = (vpp: number) => evaluateLayout(q, h16, layout({ pp: 2, vpp, dp: 8, ep: 8, mbs: 1, gbs: 1024, seq: 4096, precision: 'fp8' })).stepTimeS;
    expect(moe(24)).toBeGreaterThan(moe(1) * 1.2);
    const l8 = model('llama3-8b');
    const dense = (vpp: number) => evaluateLayout(l8, h16, layout({ pp: 2, vpp, dp: 8, mbs: 1, gbs: 256, seq: 8192, precision: 'fp8' })).stepTimeS;
    expect(dense(16)).toBeLessThan(dense(1));
  });

  it('adds one MoE layer and one output head per MTP depth to the last stage', () => {
    const c = cluster('dgx-h100', 64);
    const l = layout({ pp: 8, dp: 8, ep: 8, mbs: 1, gbs: 512, seq: 4096, precision: 'fp8' });
    const base = evaluateLayout(q, c, l);
    const mtp = evaluateLayout(q, c, l, { mtpLayers: 1 });
    // Six layers per stage: one more layer plus the output head is +10–40% on the last stage,
    // which then paces the pipeline (the others are unchanged, so the step grows less).
    const last = (r: typeof base) => r.pipeline!.stages.find((c) => c.loss)!.microbatchTimeS;
    expect(last(mtp) / last(base)).toBeGreaterThan(1.1);
    expect(last(mtp) / last(base)).toBeLessThan(1.4);
    expect(mtp.pipeline!.stages.find((c) => c.loss)!.mtpLayers).toBe(1);
    expect(mtp.stepTimeS / base.stepTimeS).toBeGreaterThan(1.05);
    expect(mtp.stepTimeS).toBeLessThan(base.stepTimeS * (last(mtp) / last(base)));
    // The MFU numerator stays the model without MTP (DESIGN.md), so MFU drops.
    expect(mtp.mfu).toBeLessThan(base.mfu);
  });
});
