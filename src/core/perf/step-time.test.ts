import { describe, expect, it } from 'vitest';
import { evaluateLayout } from './evaluate.js';
import { p2pS } from './comm.js';
import { clusterCosts } from './cluster-costs.js';
import { resolveParams } from './params.js';
import { NEUTRAL_SOFTWARE } from './software.js';
import { cluster, layout, model } from './test-fixtures.js';

describe('step-time model', () => {
  const l70 = model('llama3-70b');
  const c64 = cluster('dgx-h100', 64);
  const base = layout({ tp: 4, pp: 8, dp: 2, mbs: 1, gbs: 128, seq: 8192, precision: 'fp8' });

  it('satisfies stepTime = compute + bubble + exposed communication', () => {
    const r = evaluateLayout(l70, c64, base);
    const b = r.breakdown;
    expect(r.stepTimeS).toBeCloseTo(b.computeS + b.ppBubbleS + b.exposedCommS, 9);
    expect(r.tokensPerS).toBeCloseTo((128 * 8192) / r.stepTimeS, 6);
    expect(r.tokensPerSPerGpu * 64).toBeCloseTo(r.tokensPerS, 6);
  });

  it('has a bubble of (pp−1)/vpp micro-batch times', () => {
    const b1 = evaluateLayout(l70, c64, base);
    const b5 = evaluateLayout(l70, c64, { ...base, vpp: 5 });
    // Same per-micro-batch work: interleaving by 5 shrinks the bubble 5×.
    expect(b1.breakdown.ppBubbleS / b5.breakdown.ppBubbleS).toBeCloseTo(5, 1);
    // With equal stages the bubble is (pp−1) micro-batch times; here the last stage also runs the
    // output layer, so the other 7 stages' times make the bubble and the slowest sets the pace.
    const m = 128 / 2;
    const t = b1.pipeline!.stages.flatMap((c) => c.ranks.map(() => c.microbatchTimeS));
    expect(b1.breakdown.ppBubbleS).toBeCloseTo(t.reduce((a, b) => a + b, 0) - Math.max(...t), 9);
    expect(b1.breakdown.computeS).toBeLessThan(m * Math.max(...t) * 1.01);
  });

  it('runs FP8 faster than BF16 but well under 2× (only GEMMs speed up)', () => {
    // Physics only: the neutral software factors (a release may tune BF16 and FP8 kernels differently).
    const bf = evaluateLayout(l70, c64, { ...base, precision: 'bf16', recompute: 'full' }, { software: NEUTRAL_SOFTWARE });
    const f8 = evaluateLayout(l70, c64, { ...base, recompute: 'full' }, { software: NEUTRAL_SOFTWARE });
    const speedup = bf.stepTimeS / f8.stepTimeS;
    expect(speedup).toBeGreaterThan(1.1);
    expect(speedup).toBeLessThan(1.9);
    // MFU is measured against each precision's own peak.
    expect(f8.mfu).toBeLessThan(bf.mfu);
  });

  it('makes full recompute slower and reports HFU above MFU', () => {
    const none = evaluateLayout(l70, c64, base);
    const full = evaluateLayout(l70, c64, { ...base, recompute: 'full' });
    expect(full.stepTimeS).toBeGreaterThan(none.stepTimeS * 1.15);
    expect(full.hfu).toBeCloseTo(full.mfu * (4 / 3), 9);
    expect(none.hfu).toBe(none.mfu);
  });

  it('keeps tensor parallelism inside NVLink: tp=8 on HGX costs less than the same bytes over the NIC would', () => {
    const r = evaluateLayout(l70, c64, { ...base, tp: 8, pp: 8, dp: 1 });
    expect(r.breakdown.tpCommS).toBeGreaterThan(0);
    expect(r.breakdown.tpCommS).toBeLessThan(r.breakdown.computeS);
  });

  it('loses per-GPU throughput when a fixed batch is spread over more GPUs (strong scaling)', () => {
    const l8 = model('llama3-8b');
    const per = (gpus: number) =>
      evaluateLayout(l8, cluster('dgx-h100', gpus), layout({ tp: 1, dp: gpus, mbs: 1, gbs: 512, seq: 8192, zero: 1, recompute: 'selective' })).tokensPerSPerGpu;
    expect(per(512)).toBeLessThan(per(64));
    expect(per(64)).toBeLessThanOrEqual(per(8) * 1.0001);
  });

  it('puts expert all-to-all across nodes when ep spans more GPUs than the NVLink domain', () => {
    const q = model('qwen3-30b-a3b');
    const c = cluster('dgx-h100', 64);
    const ep = (n: number) => evaluateLayout(q, c, layout({ dp: 64, ep: n, gbs: 256, seq: 4096, mbs: 1 })).breakdown.epCommS;
    expect(ep(8)).toBeGreaterThan(0);
    expect(ep(64)).toBeGreaterThan(ep(8) * 3);
  });

  it('exposes two blocking pipeline transfers per micro-batch under plain 1F1B, none in steady state when interleaved', () => {
    // tp4 pp8 dp2 on 8-GPU nodes: pipeline neighbours sit in different nodes (stride tp·cp·dp = 8).
    const one = p2pS(clusterCosts(c64), resolveParams(), 8, (8192 * l70.hiddenSize * 2) / 4);
    const m = 128 / 2;
    const plain = evaluateLayout(l70, c64, base);
    const inter = evaluateLayout(l70, c64, { ...base, vpp: 5 });
    const exposed = (r: typeof plain) => r.breakdown.exposedCommS;
    // The interleaved schedule overlaps its sends: only the warm-up and cool-down (2·(pp−1)) are exposed.
    expect(exposed(plain) - exposed(inter)).toBeCloseTo(2 * m * one, 6);
    expect(one).toBeGreaterThan(0);
  });

  it("reduces gradients in the release's reduce type: FP32 moves twice the bytes of BF16", () => {
    const z1 = { ...base, tp: 8, pp: 1, dp: 8, zero: 1 as const };
    const bf16 = evaluateLayout(l70, c64, z1, { software: { ...NEUTRAL_SOFTWARE, gradReduceBytes: 2 } });
    const fp32 = evaluateLayout(l70, c64, z1, { software: { ...NEUTRAL_SOFTWARE, gradReduceBytes: 4 } });
    // Distributed optimizer: reduce-scatter (gradients) + all-gather (BF16 parameters): 2 → 3 units.
    expect(fp32.breakdown.dpCommS / bf16.breakdown.dpCommS).toBeCloseTo(1.5, 6);
    const ddp = { ...z1, zero: 0 as const };
    // DDP all-reduces the gradients: twice a reduce-scatter, all of it in the reduce type.
    expect(evaluateLayout(l70, c64, ddp, { software: { ...NEUTRAL_SOFTWARE, gradReduceBytes: 4 } }).breakdown.dpCommS / evaluateLayout(l70, c64, ddp, { software: { ...NEUTRAL_SOFTWARE, gradReduceBytes: 2 } }).breakdown.dpCommS).toBeCloseTo(2, 6);
  });

  it("scales attention time with the release's attention factor (the kernel is software)", () => {
    const long = { ...base, seq: 32768, gbs: 32, recompute: 'full' as const };
    const a = evaluateLayout(l70, c64, long, { software: NEUTRAL_SOFTWARE });
    const slow = evaluateLayout(l70, c64, long, { software: { ...NEUTRAL_SOFTWARE, attention: 0.5 } });
    const fast = evaluateLayout(l70, c64, long, { software: { ...NEUTRAL_SOFTWARE, attention: 2 } });
    expect(slow.stepTimeS).toBeGreaterThan(a.stepTimeS * 1.1);
    expect(fast.stepTimeS).toBeLessThan(a.stepTimeS);
  });
});
