import { describe, expect, it } from 'vitest';
import { failurePreset } from './presets.js';
import { estimateCause, gammaP, gammaQuantile, observedCauseOf, priorRates, ratePerGpuHour } from './fleet-estimate.js';

describe('Gamma quantiles', () => {
  it('match closed forms and chi-square tables', () => {
    // Gamma(1, 1) is Exp(1): q_p = −ln(1 − p).
    expect(gammaQuantile(0.05, 1)).toBeCloseTo(-Math.log(0.95), 10);
    expect(gammaQuantile(0.95, 1)).toBeCloseTo(-Math.log(0.05), 10);
    // χ²₁₀ = 2·Gamma(5, 1): 5% 3.940, 95% 18.307 (standard tables).
    expect(2 * gammaQuantile(0.05, 5)).toBeCloseTo(3.9403, 3);
    expect(2 * gammaQuantile(0.95, 5)).toBeCloseTo(18.307, 3);
    // Large shape: P is monotone and the quantile inverts it.
    for (const a of [0.5, 3, 40, 2500]) for (const p of [0.05, 0.5, 0.95]) expect(gammaP(a, gammaQuantile(p, a))).toBeCloseTo(p, 9);
  });
});

describe('fleet failure-rate estimate (Gamma–Poisson)', () => {
  const hopper = failurePreset('hopper');
  const prior = priorRates(hopper, 8);

  it('the prior is the preset: every unplanned cause counted once, per GPU-hour', () => {
    const total = hopper.causes.filter((c) => observedCauseOf(c) !== null).reduce((a, c) => a + ratePerGpuHour(c, 8), 0);
    expect(prior['gpu-hardware'] + prior['node-lost'] + prior.software).toBeCloseTo(total, 15);
    expect(prior['gpu-hardware']).toBeCloseTo(hopper.causes.filter((c) => c.scope === 'gpu' && c.kind === 'hardware').reduce((a, c) => a + c.rate, 0), 15);
  });

  it('with no history the posterior is the prior; with a long history at a known rate it converges to that rate', () => {
    const r0 = prior['gpu-hardware'];
    const none = estimateCause('gpu-hardware', r0, 0, 0);
    expect(none.posteriorMeanPerGpuHour).toBeCloseTo(r0, 15);
    const trueRate = 3 * r0; // this fleet fails three times as often as published
    let lastErr = Infinity;
    for (const gpuHours of [1e5, 1e6, 1e7, 1e8]) {
      const events = Math.round(trueRate * gpuHours);
      const e = estimateCause('gpu-hardware', r0, events, gpuHours);
      const err = Math.abs(e.posteriorMeanPerGpuHour - trueRate) / trueRate;
      expect(err).toBeLessThanOrEqual(lastErr);
      lastErr = err;
      expect(e.p5PerGpuHour).toBeLessThan(e.posteriorMeanPerGpuHour);
      expect(e.p95PerGpuHour).toBeGreaterThan(e.posteriorMeanPerGpuHour);
    }
    const big = estimateCause('gpu-hardware', r0, Math.round(trueRate * 1e8), 1e8);
    expect(Math.abs(big.posteriorMeanPerGpuHour - trueRate) / trueRate).toBeLessThan(0.01);
    expect(big.p5PerGpuHour).toBeLessThan(trueRate);
    expect(big.p95PerGpuHour).toBeGreaterThan(trueRate);
  });

  it('rejects a non-positive prior', () => {
    expect(() => estimateCause('software', 0, 1, 1)).toThrow(/prior rate of software must be positive/);
  });
});
