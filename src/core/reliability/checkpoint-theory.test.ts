import { describe, expect, it } from 'vitest';
import { dalyIntervalS, exactPoissonEttr, kokolisEttr, youngIntervalS } from './checkpoint-theory.js';

describe('checkpoint theory', () => {
  it("Daly tends to Young's √(2δM) − δ·(…) for δ ≪ M and returns M for δ ≥ 2M", () => {
    const young = youngIntervalS(1, 1e6);
    expect(dalyIntervalS(1, 1e6) / young).toBeCloseTo(1, 2);
    expect(dalyIntervalS(500, 200)).toBe(200);
    // Daly's correction terms lengthen the interval relative to Young minus δ.
    expect(dalyIntervalS(600, 10_800)).toBeGreaterThan(youngIntervalS(600, 10_800) - 600);
  });

  it('the exact Poisson ETTR agrees with the first-order form when λ(u0 + Δ) is small', () => {
    const p = { failuresPerS: 1e-6, intervalS: 600, restartS: 300, writeS: 0 };
    expect(exactPoissonEttr(p)).toBeCloseTo(kokolisEttr(p), 5);
    const big = { ...p, failuresPerS: 1 / 7200, intervalS: 3600 };
    expect(exactPoissonEttr(big) - kokolisEttr(big)).toBeGreaterThan(0.02);
  });
});
