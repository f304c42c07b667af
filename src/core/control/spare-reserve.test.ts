import { describe, expect, it } from 'vitest';
import { buildScenario } from '../sim/scenario.js';
import { meanOf } from '../sim/distributions.js';
import { failurePreset } from '../reliability/presets.js';
import type { FailureModel } from '../reliability/types.js';
import { autoSpareReserve } from './spare-reserve.js';

describe('spare reserve (auto)', () => {
  it('matches the simulator\'s auto spare pool for the same rate, repair time and size', () => {
    const base = failurePreset('hopper');
    const seen: number[] = [];
    for (const [rate, nodes] of [[2e-5, 128], [8e-5, 2048], [1e-6, 16]] as const) {
      const fleet: FailureModel = { ...base, causes: [{ ...base.causes.find((c) => c.scope === 'gpu')!, id: 'fleet', rate, ageHazard: undefined, group: undefined }], lemons: undefined, correlated: undefined };
      const sim = buildScenario({ job: { gpus: nodes * 8, gpusPerNode: 8, nodesPerRack: 4 }, days: 10, failures: fleet, spares: 'auto', checkpoint: { interval: 'auto', blockingS: 30, persistS: 0, loadS: 0 } });
      const ours = autoSpareReserve({ nodes, gpusPerNode: 8, hardwarePerGpuHour: rate, repairMeanS: meanOf(base.repair) });
      expect(ours.spares).toBe(sim.config.spares);
      seen.push(ours.spares);
      expect(ours.spares).toBeGreaterThanOrEqual(Math.floor(ours.meanNodesInRepair));
    }
    expect(Math.max(...seen)).toBeGreaterThan(1);
  });
});
