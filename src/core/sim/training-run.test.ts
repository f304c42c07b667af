import { describe, expect, it } from 'vitest';
import type { FailureModel } from '../reliability/types.js';
import { F_CHECKPOINT_S, F_LOST_WORK_S, F_PRODUCTIVE_S, F_WAITS, F_WAIT_S, rowWidth } from './config.js';
import { simulateRuns } from './monte-carlo.js';
import { buildScenario } from './scenario.js';
import { summarizeRuns } from './summary.js';
import { H100_JOB, scenario } from './reference-scenarios.js';

const oneCause = (perNodeDay: number, over: Partial<FailureModel> = {}): FailureModel => ({
  name: 't',
  description: 't',
  causes: [{ id: 'x', label: 'x', kind: 'hardware', scope: 'node', rate: perNodeDay, detect: { dist: 'fixed', valueS: 0 }, source: 'test' }],
  repair: { dist: 'fixed', valueS: 86_400 },
  defaultSpares: 'unlimited',
  ...over,
});

describe('training run', () => {
  it('without failures, ETTR is τ/(τ + blocking) and nothing is lost', () => {
    const { config } = buildScenario(scenario({ failures: oneCause(0), days: 1, checkpoint: { interval: 540, blockingS: 60, persistS: 0, loadS: 0 } }));
    const row = simulateRuns(config, 1, 0, 1);
    expect(row[F_PRODUCTIVE_S]).toBeCloseTo(86_400 * 0.9, 6);
    expect(row[F_CHECKPOINT_S]).toBeCloseTo(86_400 * 0.1, 6);
    expect(row[F_LOST_WORK_S]).toBe(0);
  });

  it('with no spares the job waits for repairs, and the wait is counted', () => {
    const input = scenario({ job: H100_JOB(64), failures: oneCause(0.05), spares: 0, restartS: 60 });
    const { config } = buildScenario(input);
    const s = summarizeRuns(config, simulateRuns(config, 3, 0, 20));
    expect(s.spareWaits).toBeGreaterThan(5);
    expect(s.lostGpuHoursBy.waitingForSpares).toBeGreaterThan(s.lostGpuHoursBy.recovery);
    const withSpares = buildScenario({ ...input, spares: 4 }).config;
    const s2 = summarizeRuns(withSpares, simulateRuns(withSpares, 3, 0, 20));
    expect(s2.ettr.mean).toBeGreaterThan(s.ettr.mean);
    expect(s2.unexpectedInterruptions.mean).toBe(s.unexpectedInterruptions.mean); // same failure streams
  });

  it('lost work grows with the persist delay (work is at risk until durable)', () => {
    const at = (persistS: number) => {
      const { config } = buildScenario(scenario({ failures: oneCause(0.01), checkpoint: { interval: 1800, blockingS: 0, persistS, loadS: 0 } }));
      return summarizeRuns(config, simulateRuns(config, 5, 0, 30)).lostGpuHoursBy.lostWork;
    };
    expect(at(600)).toBeGreaterThan(at(0) * 1.2);
  });

  it('same seed → same rows, however the runs are split (as worker threads split them)', () => {
    const { config } = buildScenario(scenario({ job: H100_JOB(4096) }));
    const all = simulateRuns(config, 99, 0, 12);
    const w = rowWidth(config);
    const split = new Float64Array(all.length);
    split.set(simulateRuns(config, 99, 0, 5), 0);
    split.set(simulateRuns(config, 99, 5, 12), 5 * w);
    expect(split).toEqual(all);
    expect(simulateRuns(config, 100, 0, 12)).not.toEqual(all);
    expect(all[F_WAITS]).toBeGreaterThanOrEqual(0);
    expect(all[F_WAIT_S]).toBeGreaterThanOrEqual(0);
  });
});
