import { describe, expect, it } from 'vitest';
import { gamma, meanOf, sampler, type DurationDist } from './distributions.js';
import { Rng, streamKey } from './rng.js';

function sampleMean(d: DurationDist, n = 100_000): { mean: number; min: number } {
  const s = sampler(d);
  const rng = Rng.fromKey(streamKey(3, 9));
  let sum = 0;
  let min = Infinity;
  for (let i = 0; i < n; i++) {
    const x = s(rng);
    sum += x;
    min = Math.min(min, x);
  }
  return { mean: sum / n, min };
}

describe('distributions', () => {
  const cases: DurationDist[] = [
    { dist: 'exponential', meanS: 3600 },
    { dist: 'weibull', shape: 0.7, scaleS: 1000 },
    { dist: 'weibull', shape: 2, scaleS: 50 },
    { dist: 'lognormal', medianS: 43200, sigma: 1 },
    { dist: 'uniform', minS: 0, maxS: 300 },
    { dist: 'empirical', valuesS: [10, 60, 600, 5400] },
  ];
  for (const d of cases) {
    it(`${d.dist} samples match the closed-form mean`, () => {
      const { mean, min } = sampleMean(d);
      expect(min).toBeGreaterThanOrEqual(0);
      expect(Math.abs(mean / meanOf(d) - 1)).toBeLessThan(0.03);
    });
  }

  it('fixed is fixed', () => {
    expect(sampleMean({ dist: 'fixed', valueS: 42 }, 10)).toEqual({ mean: 42, min: 42 });
  });

  it('gamma matches factorials and Γ(1/2) = √π', () => {
    expect(gamma(5)).toBeCloseTo(24, 9);
    expect(gamma(0.5)).toBeCloseTo(Math.sqrt(Math.PI), 9);
  });
});
