import { describe, expect, it } from 'vitest';
import { simulateRuns } from './monte-carlo.js';
import { buildScenario, type ScenarioInput } from './scenario.js';
import { summarizeRuns } from './summary.js';
import { scenario } from './reference-scenarios.js';

// 16,384 GPUs = 2,048 nodes; an "array" of 64 nodes (colossus-100k: 8 racks of 8) gives 32 pools.
const ARRAY = { level: 'array', nodesPerInstance: 64 };
const QUARTER = { level: 'hall', nodesPerInstance: 512 };
const RUNS = 30;
const SEED = 11;

const run = (input: ScenarioInput) => {
  const { config } = buildScenario(input);
  const rows = simulateRuns(config, SEED, 0, RUNS);
  return { config, rows, stats: summarizeRuns(config, rows) };
};

describe('spare pools per scope', () => {
  it('one pool per instance: K spares in each, the job spans ceil(nodes / instance) instances', () => {
    const { config } = buildScenario(scenario({ spares: 3, spareScope: ARRAY }));
    expect(config.spareInstances).toBe(32);
    expect(config.nodesPerSpareInstance).toBe(64);
    expect(config.spares).toBe(3);
    const partial = buildScenario(scenario({ job: { gpus: 8 * 100, gpusPerNode: 8, nodesPerRack: 8 }, spareScope: ARRAY })).config;
    expect(partial.spareInstances).toBe(2); // 64 + 36 nodes
  });

  it('pooling helps: split pools wait at least as much as one pool with the same total spares', () => {
    for (const [scope, perPool, pools] of [[ARRAY, 1, 32], [QUARTER, 2, 4]] as const) {
      const split = run(scenario({ spares: perPool, spareScope: scope }));
      const one = run(scenario({ spares: perPool * pools }));
      expect(split.config.spareInstances).toBe(pools);
      expect(split.stats.spareWaits).toBeGreaterThan(0);
      expect(split.stats.spareWaits).toBeGreaterThanOrEqual(one.stats.spareWaits);
      expect(split.stats.lostGpuHoursBy.waitingForSpares).toBeGreaterThan(one.stats.lostGpuHoursBy.waitingForSpares);
      expect(split.stats.ettr.mean).toBeLessThan(one.stats.ettr.mean);
      // The instance draw has its own stream: hardware failures do not move (software and
      // planned stops do not happen while the job waits, so those counts may differ).
      expect(split.stats.interruptionsByKind.gpu).toBe(one.stats.interruptionsByKind.gpu);
      expect(split.stats.interruptionsByKind.otherHardware).toBe(one.stats.interruptionsByKind.otherHardware);
      expect(split.stats.interruptionsByKind.software).toBeLessThanOrEqual(one.stats.interruptionsByKind.software);
    }
  });

  it('with unlimited spares the scope makes no difference (identical rows)', () => {
    const one = run(scenario({ spares: 'unlimited' }));
    const split = run(scenario({ spares: 'unlimited', spareScope: ARRAY }));
    expect(split.rows).toEqual(one.rows);
  });

  it('a scope as large as the job is the one cluster-wide pool (identical rows)', () => {
    const failures = { ...scenario().failures, correlated: { probability: 0.05, nodes: 'rack' as const } };
    const one = run(scenario({ spares: 4, failures }));
    const whole = run(scenario({ spares: 4, failures, spareScope: { level: 'hall', nodesPerInstance: 4096 } }));
    expect(whole.config.spareInstances).toBe(1);
    expect(whole.rows).toEqual(one.rows);
    expect(one.stats.spareWaits).toBeGreaterThan(0);
  });

  it('correlated rack failures take their nodes from their own rack pool', () => {
    // Every hardware failure takes out a whole rack of 8: 8 spares in that rack's pool cover it
    // (unless the same rack fails again before its nodes are back); 7 never do.
    const failures = { ...scenario().failures, correlated: { probability: 1, nodes: 'rack' as const } };
    const RACK = { level: 'rack', nodesPerInstance: 8 };
    const enough = run(scenario({ spares: 8, failures, spareScope: RACK }));
    const short = run(scenario({ spares: 7, failures, spareScope: RACK }));
    expect(short.stats.spareWaits).toBeGreaterThan(enough.stats.spareWaits * 3);
    expect(enough.stats.lostGpuHoursBy.waitingForSpares).toBeLessThan(short.stats.lostGpuHoursBy.waitingForSpares / 3);
  });

  it('auto sizes each pool at the P99 of its share of nodes in repair: smaller pools, more spares in all', () => {
    const one = buildScenario(scenario({ spares: 'auto' })).config;
    const split = buildScenario(scenario({ spares: 'auto', spareScope: ARRAY })).config;
    expect(split.spares).toBeGreaterThan(0);
    expect(split.spares).toBeLessThan(one.spares);
    expect(split.spares * split.spareInstances).toBeGreaterThan(one.spares);
  });

  it('rejects an instance size that is not a whole number of nodes', () => {
    expect(() => buildScenario(scenario({ spareScope: { level: 'rack', nodesPerInstance: 0 } }))).toThrow(/whole number of nodes/);
  });
});
