import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backoffMs, jitteredIntervalMs } from './backoff.js';

describe('backoffMs', () => {
  it('doubles from the base up to the cap, with jitter in [½·d, d]', () => {
    expect([0, 1, 2, 3, 10].map((f) => backoffMs(f, () => 1, 250, 5_000))).toEqual([250, 500, 1000, 2000, 5000]);
    expect(backoffMs(2, () => 0, 250, 5_000)).toBe(500);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (failures, r) => {
        const d = backoffMs(failures, () => r, 250, 5_000);
        return d >= 125 && d <= 5_000;
      }),
    );
  });

  it('jitters the heartbeat interval by ±10 %', () => {
    expect(jitteredIntervalMs(5, () => 0)).toBe(4500);
    expect(jitteredIntervalMs(5, () => 0.5)).toBe(5000);
    expect(jitteredIntervalMs(5, () => 0.999999)).toBe(5500);
  });
});
