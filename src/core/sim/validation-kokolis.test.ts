import { describe, expect, it } from 'vitest';
import { exactPoissonEttr, kokolisEttr } from '../reliability/checkpoint-theory.js';
import { KOKOLIS_RATES } from '../reliability/catalog.js';
import { kokolisScenario, simulate } from './reference-scenarios.js';

/** Kokolis et al. (HPCA'25) scenarios: u0 restart, non-blocking checkpoints, Poisson node failures. */
describe("validation: Kokolis et al. HPCA'25 scenarios", () => {
  const runs = 100;
  const ettrOf = (preset: 'rsc1-a100' | 'rsc2-a100', nodes: number, intervalMin: number, restartS: number) =>
    simulate(kokolisScenario(preset, nodes, intervalMin, restartS), runs, 7).ettr.mean;
  const theory = (perNodeDay: number, nodes: number, intervalMin: number, restartS: number) => {
    const p = { failuresPerS: (perNodeDay * nodes) / 86_400, intervalS: intervalMin * 60, restartS, writeS: 0 };
    return { exact: exactPoissonEttr(p), firstOrder: kokolisEttr(p) };
  };

  it('RSC-1, 2,000 nodes, 60-min checkpoints, u0 = 5 min: ETTR ≈ 0.7', () => {
    const ettr = ettrOf('rsc1-a100', 2000, 60, 300);
    expect(Math.abs(ettr - 0.7)).toBeLessThanOrEqual(0.03);
    expect(Math.abs(ettr - theory(KOKOLIS_RATES.rsc1PerNodeDay, 2000, 60, 300).exact)).toBeLessThan(0.01);
  });

  it('RSC-1, 2,000 nodes, 5-min checkpoints: ETTR ≈ 0.93', () => {
    const ettr = ettrOf('rsc1-a100', 2000, 5, 300);
    expect(Math.abs(ettr - 0.93)).toBeLessThanOrEqual(0.03);
    expect(Math.abs(ettr - theory(KOKOLIS_RATES.rsc1PerNodeDay, 2000, 5, 300).exact)).toBeLessThan(0.005);
  });

  it('RSC-2, 12,500 nodes: 2-min checkpoints and restart reach 0.9, 5-min fall short', () => {
    const fast = ettrOf('rsc2-a100', 12_500, 2, 120);
    const slow = ettrOf('rsc2-a100', 12_500, 5, 300);
    expect(fast).toBeGreaterThanOrEqual(0.9);
    expect(fast - 0.9).toBeLessThanOrEqual(0.05);
    expect(slow).toBeLessThan(0.9);
    expect(0.9 - slow).toBeLessThanOrEqual(0.05);
    expect(Math.abs(fast - theory(KOKOLIS_RATES.rsc2PerNodeDay, 12_500, 2, 120).exact)).toBeLessThan(0.005);
    expect(Math.abs(slow - theory(KOKOLIS_RATES.rsc2PerNodeDay, 12_500, 5, 300).exact)).toBeLessThan(0.005);
  });

  it('the first-order closed form underestimates ETTR when λ·(u0 + Δ/2) is not small', () => {
    const t = theory(KOKOLIS_RATES.rsc1PerNodeDay, 2000, 60, 300);
    expect(t.exact - t.firstOrder).toBeGreaterThan(0.02);
  });
});
