import { describe, expect, it } from 'vitest';
import { evaluateLayout, prepare } from './evaluate.js';
import { inFlightLayerMicrobatches, layerActivationBytes } from './memory.js';
import { toNumLayout } from './num-layout.js';
import { cluster, layout, model } from './test-fixtures.js';

describe('memory model', () => {
  const gpt3 = model('gpt3-175b');
  const c64 = cluster('dgx-a100', 64);

  it('matches Korthikanti et al. 2022 per-layer activations with SP (34·s·b·h/t less two dropout masks, flash attention)', () => {
    const p = prepare(gpt3, c64);
    const L = toNumLayout(layout({ tp: 8, pp: 8, dp: 1, mbs: 1, gbs: 8, seq: 2048 }));
    const { hiddenSize: h } = gpt3;
    expect(layerActivationBytes(p.mc, L, 0)).toBeCloseTo((32 * 2048 * 1 * h) / 8, -3);
    // Full recompute keeps only the layer input (2·s·b·h/t).
    expect(layerActivationBytes(p.mc, L, 2)).toBeCloseTo((2 * 2048 * h) / 8, -3);
    expect(layerActivationBytes(p.mc, L, 1)).toBeLessThan(layerActivationBytes(p.mc, L, 0));
  });

  it('first stage holds pp micro-batches under 1F1B and (1 + (pp−1)/(pp·vpp)) × that interleaved', () => {
    const p = prepare(gpt3, c64);
    const perStage = p.mc.layers / 8;
    const plain = inFlightLayerMicrobatches(perStage, 0, 8, 1, 64);
    expect(plain).toBe(96);
    const inter = inFlightLayerMicrobatches(perStage, 0, 8, 3, 64);
    expect(inter).toBeCloseTo(96 * (1 + 7 / 24), 6);
    // Fewer micro-batches than stages: only those are in flight.
    expect(inFlightLayerMicrobatches(perStage, 0, 8, 1, 2)).toBe(24);
    // Rank r holds pp − r micro-batches (the last one, one).
    expect(inFlightLayerMicrobatches(perStage, 7, 8, 1, 64)).toBe(12);
  });

  it('ZeRO stages shard optimizer state, then gradients, then weights over dp·cp', () => {
    const base = { tp: 8, pp: 8, dp: 1, cp: 1, mbs: 1, gbs: 64, seq: 2048 };
    const c = cluster('dgx-h100', 512);
    const m = (zero: 0 | 1 | 2 | 3) => evaluateLayout(gpt3, c, layout({ ...base, dp: 8, zero })).memory;
    const [z0, z1, z2, z3] = [m(0), m(1), m(2), m(3)];
    expect(z1.optimizer).toBeCloseTo(z0.optimizer / 8, 0);
    expect(z1.gradients).toBe(z0.gradients);
    expect(z2.gradients).toBeCloseTo(z0.gradients / 8, 0);
    expect(z3.weights).toBeLessThan(z2.weights / 2);
    // Adam in mixed precision: 12 bytes of optimizer state per 2 bytes of BF16 weight.
    expect(z0.optimizer / z0.weights).toBeCloseTo(6, 5);
  });

  it('experts are sharded by ep', () => {
    const mix = model('mixtral-8x7b');
    const c = cluster('dgx-h100', 8);
    const w = (ep: number) => evaluateLayout(mix, c, layout({ dp: 8, ep, zero: 0, gbs: 8 })).memory.weights;
    expect(w(8)).toBeLessThan(w(1) / 3);
  });

  it('says a 405B model does not fit on one node and fits on many with full recompute', () => {
    const m405 = model('llama3-405b');
    const one = evaluateLayout(m405, cluster('dgx-h100', 8), layout({ tp: 8, dp: 1, gbs: 1, seq: 8192 }));
    expect(one.fits).toBe(false);
    const many = evaluateLayout(m405, cluster('dgx-h100', 1024), layout({ tp: 8, pp: 2, dp: 64, zero: 3, gbs: 64, seq: 8192, recompute: 'full' }));
    expect(many.fits).toBe(true);
  });
});
