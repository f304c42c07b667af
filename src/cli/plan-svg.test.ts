import { describe, expect, it } from 'vitest';
import type { PerfResult } from '../core/perf/types.js';
import { niceCeil, sweepSvg } from './plan-svg.js';

const point = (gpus: number, tokensPerS: number, mfu: number) => ({ gpus, best: { tokensPerS, mfu } as PerfResult });

describe('plan --svg sweep chart', () => {
  it('puts GPUs on a log axis and labels both y axes with ticks', () => {
    const svg = sweepSvg('t', [point(64, 1.1e6, 0.41), point(128, 2.1e6, 0.4), point(1024, 15.3e6, 0.36)]);
    const xs = [...svg.matchAll(/<circle cx="([\d.]+)" cy="[\d.]+" r="3" fill="#1f77b4"/g)].map((m) => Number(m[1]));
    expect(xs).toHaveLength(3);
    // log2(128/64) = 1 of log2(1024/64) = 4: the first step is a quarter of the axis.
    expect((xs[1] - xs[0]) / (xs[2] - xs[0])).toBeCloseTo(0.25, 9);
    expect(svg).toContain('GPUs (log scale)');
    const left = [...svg.matchAll(/text-anchor="end" fill="#1f77b4">([^<]+)</g)].map((m) => m[1]);
    expect(left).toEqual(['0', '5 M', '10 M', '15 M', '20 M']); // quarters of niceCeil(15.3 M) = 20 M
    const right = [...svg.matchAll(/fill="#d62728">(\d+)%</g)].map((m) => m[1]);
    expect(right).toEqual(['0', '20', '40', '60', '80', '100']);
  });

  it('rounds an axis maximum up to 1, 2 or 5 × 10^k', () => {
    expect([niceCeil(15.3e6), niceCeil(2e6), niceCeil(0.7), niceCeil(501)]).toEqual([2e7, 2e6, 1, 1000]);
  });
});
