import { describe, expect, it } from 'vitest';
import { LLAMA3_TABLE5 } from '../reliability/catalog.js';
import { simulate, scenario } from './reference-scenarios.js';

describe('validation: Llama 3, 16,384 H100s for 54 days (llama3-h100)', () => {
  const runs = 200;
  const stats = simulate(scenario(), runs, 20240723);

  it('mean unexpected interruptions within 5% of the published 419', () => {
    expect(Math.abs(stats.unexpectedInterruptions.mean / 419 - 1)).toBeLessThan(0.05);
    expect(stats.interruptions.mean).toBeGreaterThan(stats.unexpectedInterruptions.mean); // + 47 planned
  });

  for (const row of LLAMA3_TABLE5.filter((r) => r.count >= 30)) {
    it(`${row.label}: mean within 4 standard errors of ${row.count}`, () => {
      const se = Math.sqrt(row.count / runs); // Poisson count, averaged over runs
      expect(Math.abs(stats.byCause[row.id] - row.count)).toBeLessThan(4 * se);
    });
  }

  it('the 90% band of a single run is as wide as a Poisson count of 419', () => {
    const sd = Math.sqrt(419);
    expect(stats.unexpectedInterruptions.p95 - stats.unexpectedInterruptions.p5).toBeGreaterThan(2 * 1.645 * sd * 0.8);
    expect(stats.unexpectedInterruptions.p95 - stats.unexpectedInterruptions.p5).toBeLessThan(2 * 1.645 * sd * 1.2);
  });

  it('ETTR is a fraction and lost GPU-hours add up', () => {
    expect(stats.ettr.mean).toBeGreaterThan(0.5);
    expect(stats.ettr.mean).toBeLessThan(1);
    const by = stats.lostGpuHoursBy;
    const sum = by.lostWork + by.recovery + by.waitingForSpares + by.checkpointing;
    expect(sum / stats.lostGpuHours.mean).toBeCloseTo(1, 4);
  });
});
