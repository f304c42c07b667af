import { describe, expect, it } from 'vitest';
import { bestPoint, gridPoint, optimizeGrid } from './optimize.js';
import { buildScenario } from './scenario.js';
import { scenario } from './reference-scenarios.js';

describe('--optimize grid', () => {
  it('spans intervals around Daly (never below the persist time) × spare counts around the P99 pool', () => {
    const input = scenario();
    const auto = buildScenario(input);
    const grid = optimizeGrid(input, auto);
    const intervals = [...new Set(grid.map((g) => g.checkpoint.interval as number))];
    const spares = [...new Set(grid.map((g) => g.spares))];
    expect(Math.min(...intervals)).toBeGreaterThanOrEqual(input.checkpoint.persistS);
    expect(intervals).toContain(auto.config.intervalS);
    expect(spares).toEqual([0, Math.round(auto.config.spares / 2), auto.config.spares, Math.round(1.5 * auto.config.spares), 2 * auto.config.spares]);
  });

  it('sweeps the spares per pool when pools are per scope, keeping the scope', () => {
    const input = scenario({ spareScope: { level: 'hall', nodesPerInstance: 512 } });
    const auto = buildScenario(input);
    const k = auto.config.spares;
    const grid = optimizeGrid(input, auto);
    expect(k).toBeLessThan(buildScenario(scenario()).config.spares);
    expect([...new Set(grid.map((g) => g.spares))]).toEqual([...new Set([0, Math.round(k / 2), k, Math.round(1.5 * k), 2 * k])]);
    expect(grid.every((g) => g.spareScope === input.spareScope)).toBe(true);
  });

  it('charges spare GPUs against goodput and picks the best point', () => {
    const input = scenario();
    const a = gridPoint({ ...input, spares: 0, checkpoint: { ...input.checkpoint, interval: 600 } }, { mean: 0.9, p5: 0.88, p95: 0.92 });
    const b = gridPoint({ ...input, spares: 2048, checkpoint: { ...input.checkpoint, interval: 600 } }, { mean: 0.95, p5: 0.94, p95: 0.96 });
    expect(a.intervalMin).toBe(10);
    expect(b.goodputPerOwnedGpu).toBeCloseTo((0.95 * 16_384) / (16_384 + 2048 * 8), 5);
    expect(bestPoint([a, b])).toBe(a);
    // Per-scope pools: 2 spares in each of the 32 arrays of 64 nodes are 64 spare nodes to pay for.
    const c = gridPoint({ ...input, spares: 2, spareScope: { level: 'array', nodesPerInstance: 64 }, checkpoint: { ...input.checkpoint, interval: 600 } }, { mean: 0.9, p5: 0.88, p95: 0.92 });
    expect(c.spares).toBe(2);
    expect(c.goodputPerOwnedGpu).toBeCloseTo((0.9 * 16_384) / (16_384 + 64 * 8), 5);
  });
});
