import { describe, expect, it } from 'vitest';
import { failurePreset } from '../reliability/presets.js';
import { RESTART_BY_GPUS } from '../reliability/recovery-catalog.js';
import { jobRatePerS, poissonQuantile, restartOverheadS, buildScenario } from './scenario.js';
import { H100_JOB, scenario } from './reference-scenarios.js';

describe('scenario', () => {
  it('interpolates ByteRobust restart overheads in log2(GPUs) and extends the end slope', () => {
    expect(restartOverheadS(RESTART_BY_GPUS.requeue, 4096)).toBe(545);
    expect(restartOverheadS(RESTART_BY_GPUS.requeue, 16_384)).toBe(768);
    expect(restartOverheadS(RESTART_BY_GPUS.requeue, 32_768)).toBe(768 + 133);
    expect(restartOverheadS(RESTART_BY_GPUS.hotUpdate, 3000)).toBeGreaterThan(46);
    expect(restartOverheadS(RESTART_BY_GPUS.hotUpdate, 3000)).toBeLessThan(51);
  });

  it('scales GPU and node causes with the job and keeps job causes per job', () => {
    const job = H100_JOB(1600);
    expect(jobRatePerS({ scope: 'gpu', rate: 3.6e-3 }, job)).toBeCloseTo(1.6e-3, 12);
    expect(jobRatePerS({ scope: 'node', rate: 86.4 }, job)).toBeCloseTo(0.2, 12);
    expect(jobRatePerS({ scope: 'job', rate: 86.4 }, job)).toBeCloseTo(0.001, 12);
  });

  it('sizes the auto spare pool at the Poisson P99 of nodes in repair', () => {
    expect(poissonQuantile(0, 0.99)).toBe(0);
    expect(poissonQuantile(1, 0.99)).toBe(4); // P(X ≤ 3) = 0.981, P(X ≤ 4) = 0.996
    const small = buildScenario(scenario({ job: H100_JOB(1024) })).config.spares;
    const big = buildScenario(scenario({ job: H100_JOB(98_304) })).config.spares;
    expect(big).toBeGreaterThan(small);
  });

  it('Kokolis presets restart in u0 = 300 s with no queueing; --restart-s and --detect-s override', () => {
    const k = buildScenario(scenario({ failures: failurePreset('rsc1-a100') })).config;
    expect(k.spares).toBe(Infinity);
    expect(k.causes.map((c) => c.restartS + c.detectMeanS)).toEqual([300]);
    const o = buildScenario(scenario({ restartS: 100, detectS: 20 })).config;
    expect(new Set(o.causes.map((c) => c.restartS + c.detectMeanS))).toEqual(new Set([120]));
  });

  it('auto interval is Daly of the blocking cost, floored at the persist time', () => {
    const a = buildScenario(scenario({ checkpoint: { interval: 'auto', blockingS: 60, persistS: 0, loadS: 0 } }));
    expect(a.info.intervalPolicy).toBe('auto');
    expect(a.config.intervalS).toBeCloseTo(a.info.dalyIntervalS, 9);
    const b = buildScenario(scenario({ checkpoint: { interval: 'auto', blockingS: 0.1, persistS: 900, loadS: 0 } }));
    expect(b.config.intervalS).toBe(900);
  });

  it('lemons add a hardware cause; correlated rack failures use the nodes per rack', () => {
    const failures = { ...failurePreset('llama3-h100'), lemons: { fraction: 0.012, multiplier: 20 }, correlated: { probability: 0.01, nodes: 'rack' as const } };
    const c = buildScenario(scenario({ failures })).config;
    expect(c.causes.at(-1)!.id).toBe('lemonNodes');
    expect(c.correlatedNodes).toBe(8);
  });
});
