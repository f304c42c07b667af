import { describe, expect, it } from 'vitest';
import { hazardShape, meanHazardShape, type AgeHazard } from '../reliability/age-hazard.js';
import type { CauseSpec, FailureModel } from '../reliability/types.js';
import { simulateRuns } from './monte-carlo.js';
import { H100_JOB, scenario } from './reference-scenarios.js';
import { buildScenario, type ScenarioInput } from './scenario.js';
import { summarizeRuns } from './summary.js';

const cause = (over: Partial<CauseSpec>): CauseSpec => ({ id: 'x', label: 'x', kind: 'hardware', scope: 'node', rate: 0.01, detect: { dist: 'fixed', valueS: 0 }, source: 'test', ...over });
const model = (causes: CauseSpec[], over: Partial<FailureModel> = {}): FailureModel => ({ name: 't', description: 't', causes, repair: { dist: 'fixed', valueS: 3600 }, defaultSpares: 'unlimited', ...over });
const stats = (input: ScenarioInput, runs: number, seed = 3) => {
  const { config } = buildScenario(input);
  return summarizeRuns(config, simulateRuns(config, seed, 0, runs));
};

describe('fleet effects in the simulator', () => {
  it('cluster age: the mean count is the integral of the hazard (thinning is exact)', () => {
    const h: AgeHazard = { burnIn: 9, tauDays: 10, wearPerYear: 0, wearFromDays: 0 };
    for (const startDays of [0, 20]) {
      const input = scenario({ job: H100_JOB(8 * 100), days: 30, restartS: 60, failures: model([cause({ rate: 0.02, ageHazard: h })], { fleetAgeDays: startDays }) });
      const expected = 0.02 * 100 * 30 * (meanHazardShape(h, startDays, startDays + 30) / hazardShape(h, startDays));
      const s = stats(input, 400);
      const se = Math.sqrt(expected / 400);
      expect(Math.abs(s.byCause.x - expected), `start ${startDays} d: ${s.byCause.x} vs ${expected}`).toBeLessThan(4 * se);
      // Early failures: the first day holds more than the last.
      expect(s.interruptionsPerDay[0]).toBeGreaterThan(s.interruptionsPerDay[29]);
    }
  });

  it('job size: software failures per job-day follow (nodes / ref)^α', () => {
    const sw = cause({ kind: 'software', scope: 'job', rate: 2, sizeExponent: 0.5, sizeRefNodes: 256 });
    const s = stats(scenario({ job: H100_JOB(8 * 64), days: 20, restartS: 60, failures: model([sw]) }), 300);
    const expected = 2 * Math.sqrt(64 / 256) * 20; // 20 per run
    expect(Math.abs(s.byCause.x - expected)).toBeLessThan(4 * Math.sqrt(expected / 300));
  });

  it('fleet scope counts every node of the site; the job only feels its share', () => {
    const failures = model([cause({ rate: 0.02 }), cause({ id: 'bug', kind: 'software', scope: 'job', rate: 0.5 })]);
    const base = scenario({ job: H100_JOB(8 * 200), days: 20, restartS: 300, failures });
    const job = stats(base, 300);
    const fleet = stats({ ...base, fleetNodes: 800 }, 300);
    expect(fleet.byCause.x / job.byCause.x).toBeGreaterThan(3.8);
    expect(fleet.byCause.x / job.byCause.x).toBeLessThan(4.2);
    expect(fleet.byCause.bug).toBeCloseTo(job.byCause.bug, 0);
    expect(Math.abs(fleet.ettr.mean - job.ettr.mean)).toBeLessThan(0.002);
    const k = fleet.interruptionsByKind;
    expect(k.gpu + k.otherHardware + k.software + k.planned).toBeCloseTo(fleet.interruptions.mean, 3);
  });

  it('software and planned stops do not accrue while the job waits for spares', () => {
    const failures = model([cause({ rate: 0.05 }), cause({ id: 'bug', kind: 'software', scope: 'job', rate: 2 }), cause({ id: 'maint', kind: 'planned', scope: 'job', rate: 1 })], { repair: { dist: 'fixed', valueS: 30 * 86_400 } });
    const base = scenario({ job: H100_JOB(8 * 64), days: 30, restartS: 60, failures });
    const waiting = stats({ ...base, spares: 0 }, 100);
    const free = stats({ ...base, spares: 'unlimited' }, 100);
    expect(waiting.lostGpuHoursBy.waitingForSpares).toBeGreaterThan(0.9 * 8 * 64 * 30 * 24 * 0.9);
    expect(waiting.byCause.bug).toBeLessThan(0.1 * free.byCause.bug);
    expect(waiting.byCause.maint).toBeLessThan(0.1 * free.byCause.maint);
    expect(waiting.byCause.x).toBeCloseTo(free.byCause.x, 5); // hardware keeps failing (same streams)
  });
});
