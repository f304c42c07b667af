import { describe, expect, it } from 'vitest';
import { exactPoissonEttr } from '../reliability/checkpoint-theory.js';
import { ELASTIC, IN_MEMORY } from '../reliability/recovery-catalog.js';
import type { FailureModel } from '../reliability/types.js';
import { simulateRuns } from './monte-carlo.js';
import { H100_JOB, scenario } from './reference-scenarios.js';
import { buildScenario, type ScenarioInput } from './scenario.js';
import { summarizeRuns } from './summary.js';

const nodeFailures = (perNodeDay: number, over: Partial<FailureModel> = {}): FailureModel => ({
  name: 't',
  description: 't',
  causes: [{ id: 'x', label: 'x', kind: 'hardware', scope: 'node', rate: perNodeDay, detect: { dist: 'fixed', valueS: 0 }, source: 'test' }],
  repair: { dist: 'fixed', valueS: 86_400 },
  defaultSpares: 'unlimited',
  ...over,
});
const run = (input: ScenarioInput, runs: number, seed = 11) => {
  const { config } = buildScenario(input);
  const rows = simulateRuns(config, seed, 0, runs);
  return { config, rows, stats: summarizeRuns(config, rows) };
};
const noCheckpointCost = { interval: 3600, blockingS: 0, persistS: 0, loadS: 0 } as const;

describe('recovery modes', () => {
  it('in-memory: the renewal closed form with RAM snapshots as the checkpoints', () => {
    const nodes = 1000;
    const perNodeDay = 0.004; // 4 failures a day
    const restartS = 240;
    const s = run(scenario({ job: H100_JOB(8 * nodes), days: 30, restartS, recovery: 'in-memory', failures: nodeFailures(perNodeDay), checkpoint: noCheckpointCost }), 200).stats;
    const exact = exactPoissonEttr({ failuresPerS: (perNodeDay * nodes) / 86_400, intervalS: IN_MEMORY.snapshotIntervalS, restartS, writeS: 0 });
    expect(Math.abs(s.ettr.mean - exact)).toBeLessThan(0.001);
    const full = run(scenario({ job: H100_JOB(8 * nodes), days: 30, restartS, failures: nodeFailures(perNodeDay), checkpoint: noCheckpointCost }), 200).stats;
    expect(s.ettr.mean).toBeGreaterThan(full.ettr.mean + 0.05); // hourly checkpoints lose ~30 min a failure
  });

  it('in-memory falls back to the persisted checkpoint when a correlated failure takes every copy', () => {
    const failures = nodeFailures(0.004, { correlated: { probability: 1, nodes: 'rack' } });
    const input = scenario({ job: H100_JOB(8 * 256), days: 10, restartS: 240, failures, checkpoint: noCheckpointCost });
    const full = run(input, 20).rows;
    const mem = run({ ...input, recovery: 'in-memory' }, 20).rows;
    expect(mem).toEqual(full);
  });

  it('elastic: ETTR = 1 − λ·(pause + lost + rejoin + join ÷ replicas), hand-computed, to first order', () => {
    const nodes = 128; // 8 replicas of 16 nodes
    const perJobDay = 2;
    const restartS = 300;
    const input = scenario({ job: H100_JOB(8 * nodes), days: 54, restartS, recovery: 'elastic', failures: nodeFailures(perJobDay / nodes), checkpoint: noCheckpointCost });
    const { config, stats } = run(input, 300);
    expect(config.replicas).toBe(8);
    const perFailureS = restartS + IN_MEMORY.snapshotIntervalS / 2 + ELASTIC.rejoinS + ELASTIC.spareJoinS / 8;
    const expected = 1 - (perJobDay / 86_400) * perFailureS;
    expect(Math.abs(stats.ettr.mean - expected)).toBeLessThan(0.001);
    expect(stats.lostGpuHoursBy.degraded).toBeGreaterThan(0);
    // with no spares, elastic keeps running on the other replicas where full recovery waits for repairs
    const zero = { ...input, spares: 0 };
    expect(run(zero, 50).stats.ettr.mean).toBeGreaterThan(run({ ...zero, recovery: 'full' }, 50).stats.ettr.mean + 0.1);
  });
});
