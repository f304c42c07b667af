import { describe, expect, it } from 'vitest';
import { buildScenario } from '../sim/scenario.js';
import { failurePreset } from '../reliability/presets.js';
import type { FailureModel } from '../reliability/types.js';
import { jobAdvice, measuredCheckpointing } from './advice.js';

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

  it('measures checkpoint cost and interval from progress lines', () => {
    const m = measuredCheckpointing([{ atMs: 0, checkpointS: 2 }, { atMs: 62_000, checkpointS: 2 }, { atMs: 124_000, checkpointS: 2 }]);
    expect(m).toEqual({ checkpointCostS: 2, intervalS: 60 });
    expect(measuredCheckpointing([{ atMs: 5 }])).toEqual({ checkpointCostS: null, intervalS: null });
  });
});
