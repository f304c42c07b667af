import { describe, expect, it } from 'vitest';
import { buildScenario } from '../sim/scenario.js';
import { failurePreset } from '../reliability/presets.js';
import type { FailureModel } from '../reliability/types.js';
import { jobAdvice, measuredCheckpointing, measuredRestartS, roundIntervalS, tallyCheckpoint } from './advice.js';

describe('goodput advice', () => {
  it('the advised interval matches the simulator\'s Daly interval for the same inputs (within 2%)', () => {
    const ratePerGpuHour = 2.5e-5;
    const base = failurePreset('hopper');
    // One GPU-scope hardware cause at the fleet's rate: what `colossus simulate` would be given.
    const fleet: FailureModel = { ...base, causes: [{ ...base.causes.find((c) => c.scope === 'gpu')!, id: 'fleet', rate: ratePerGpuHour, ageHazard: undefined, group: undefined }], lemons: undefined, correlated: undefined };
    for (const [gpus, costS] of [[1024, 20], [16_384, 60], [64, 5]] as const) {
      const sim = buildScenario({ job: { gpus, gpusPerNode: 8, nodesPerRack: 4 }, days: 10, failures: fleet, checkpoint: { interval: 'auto', blockingS: costS, persistS: 0, loadS: 0 } });
      const a = jobAdvice({ gpus, ratePerGpuHour, checkpointCostS: costS, restartS: 300, actualIntervalS: null });
      expect(Math.abs(a.mtbiS - sim.info.mtbiUnexpectedS) / sim.info.mtbiUnexpectedS).toBeLessThan(1e-9);
      expect(Math.abs(a.optimalCheckpointIntervalS - sim.info.dalyIntervalS) / sim.info.dalyIntervalS).toBeLessThan(0.02);
    }
  });

  it('goodput is best at the optimum and the job page warns beyond 2× either way', () => {
    const inputs = { gpus: 4096, ratePerGpuHour: 3e-5, checkpointCostS: 30, restartS: 600 };
    const opt = jobAdvice({ ...inputs, actualIntervalS: null }).optimalCheckpointIntervalS;
    for (const f of [0.3, 0.6, 1, 1.7, 3]) {
      const a = jobAdvice({ ...inputs, actualIntervalS: opt * f });
      expect(a.achievedGoodput!).toBeLessThanOrEqual(a.expectedGoodput + 1e-12);
      expect(a.warning === null).toBe(f > 0.5 && f < 2);
    }
    expect(jobAdvice({ ...inputs, actualIntervalS: opt * 3 }).warning).toMatch(/3\.0× longer than the optimum/);
  });

  it('measures checkpoint cost over all attempts and the interval of the newest attempt that has one', () => {
    let a = tallyCheckpoint(null, 0, 2);
    a = tallyCheckpoint(a, 62_000, 2);
    a = tallyCheckpoint(a, 124_000, 'x'); // a malformed checkpointS is not a cost
    expect(a).toEqual({ count: 3, firstAtMs: 0, lastAtMs: 124_000, costSumS: 4, costCount: 2 });
    expect(measuredCheckpointing([a])).toEqual({ checkpointCostS: 2, intervalS: 60 });
    // A second attempt 10 min later keeps 30 s: the gap across the restart is not an interval, and the newest attempt's interval is the one in use.
    const b = tallyCheckpoint(tallyCheckpoint(null, 724_000, 2), 756_000, 2);
    expect(measuredCheckpointing([a, null, b])).toEqual({ checkpointCostS: 2, intervalS: 30 });
    expect(measuredCheckpointing([a, tallyCheckpoint(null, 800_000, 2)])).toEqual({ checkpointCostS: 2, intervalS: 60 }); // one checkpoint is no interval yet
    expect(measuredCheckpointing([tallyCheckpoint(null, 5, undefined)])).toEqual({ checkpointCostS: null, intervalS: null });
  });

  it('measures restart time from the job\'s own failed attempts', () => {
    const att = (state: string, startedAtMs: number, first: number | null, last: number | null) => ({ state, startedAtMs, endedAtMs: null, firstProgressAtMs: first, lastProgressAtMs: last });
    expect(measuredRestartS([att('running', 0, 1000, 5000)])).toBeNull();
    // failed at its last line (50 s), next first line at 95 s: 45 s; a preemption is not a failure.
    expect(measuredRestartS([att('failed', 0, 1000, 50_000), att('preempted', 60_000, 95_000, 200_000), att('running', 300_000, 310_000, 400_000)])).toBe(45);
    expect(measuredRestartS([att('failed', 0, null, null), att('failed', 20_000, 30_000, 40_000), att('running', 50_000, 70_000, null)])).toBe(30); // (30 + 30) / 2
  });

  it('rounds the interval handed to workloads', () => {
    expect([0.6137, 3.333, 47.2, 99.6, 1462.4].map(roundIntervalS)).toEqual([0.61, 3.3, 47, 100, 1462]);
  });
});
