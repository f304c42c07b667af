import { describe, expect, it } from 'vitest';
import { paramCounts } from '../core/model/params.js';
import { findModelPreset } from '../core/model/catalog.js';
import { loadCluster } from './load.js';
import { intervalFlag, simulateSetup, spareScopeOf, sparesFlag, type SimulateFlags } from './simulate-options.js';

const flags = (over: Partial<SimulateFlags> = {}): SimulateFlags => ({ cluster: 'colossus-100k', gpus: 16_384, days: 54, checkpointIntervalMin: 'auto', runs: 10, seed: 1, ...over });

describe('simulate flags', () => {
  it('sizes the checkpoint from the model: 14 B/param at 2 TB/s, synchronous', () => {
    const s = simulateSetup(flags({ model: 'llama3-405b' }));
    const params = paramCounts(findModelPreset('llama3-405b')!).total;
    expect(s.input.checkpoint.blockingS).toBeCloseTo((params * 14) / 2e12, 9);
    expect(s.input.checkpoint.persistS).toBe(0);
    expect(s.stateBytes).toBe(params * 14);
  });

  it('--checkpoint-write-s wins over the model; minutes become seconds', () => {
    const s = simulateSetup(flags({ model: 'llama3-405b', checkpointWriteS: 30, checkpointIntervalMin: 15 }));
    expect(s.input.checkpoint).toMatchObject({ interval: 900, blockingS: 30, persistS: 0 });
  });

  it('defaults to ByteCheckpoint 405B costs and the whole site, with rack size from the cluster', () => {
    const s = simulateSetup(flags({ gpus: undefined }));
    expect(s.input.checkpoint).toMatchObject({ blockingS: 0.59, persistS: 51.06, loadS: 129.49 });
    expect(s.input.job).toEqual({ gpus: 100_000, gpusPerNode: 8, nodesPerRack: 8 });
  });

  it('parses interval and spares flags, rejecting what cannot work', () => {
    expect(intervalFlag('auto')).toBe('auto');
    expect(intervalFlag('2.5')).toBe(2.5);
    expect(() => intervalFlag('0')).toThrow(/> 0/);
    expect(() => intervalFlag('x')).toThrow(/--checkpoint-interval-min must be a number > 0, got 'x'/);
    expect(sparesFlag('unlimited')).toBe('unlimited');
    expect(sparesFlag('16')).toBe(16);
    expect(() => sparesFlag('1.5')).toThrow(/whole number/);
    expect(() => simulateSetup(flags({ days: 0 }))).toThrow(/--days/);
  });

  it('--spare-scope takes the cluster levels above the node; an instance holds the nodes below it', () => {
    const c = loadCluster('colossus-100k');
    expect(spareScopeOf(c, undefined)).toBeUndefined();
    expect(spareScopeOf(c, 'cluster')).toBeUndefined();
    expect(spareScopeOf(c, 'rack')).toEqual({ level: 'rack', nodesPerInstance: 8 });
    expect(spareScopeOf(c, 'array')).toEqual({ level: 'array', nodesPerInstance: 64 });
    // The instances the 12,500-node site spans agree with the cluster's own level counts (4 halls, 196 arrays, 1,563 racks).
    for (const l of c.levels.slice(1)) expect(Math.ceil(c.nodes / spareScopeOf(c, l.name)!.nodesPerInstance), l.name).toBe(l.count);
    expect(simulateSetup(flags({ spareScope: 'array' })).input.spareScope).toEqual({ level: 'array', nodesPerInstance: 64 });
    expect(simulateSetup(flags()).input.spareScope).toBeUndefined();
    expect(() => spareScopeOf(c, 'node')).toThrow(/no level 'node'/);
    expect(() => spareScopeOf(loadCluster('dgx-h100', 1024), 'array')).toThrow(/no level 'array'/);
  });
});

describe('the default failure model (simulate and twin)', () => {
  it("follows the cluster's GPU pools: colossus-200k mixes H100 and H200 rates by GPUs", async () => {
    const { loadFailures } = await import('./simulate-options.js');
    const { loadCluster } = await import('./load.js');
    const { fleetCauseRates, fleetGpu } = await import('../core/reliability/fleet-model.js');
    const { getGpu } = await import('../core/hardware/catalog.js');
    const site = loadCluster('colossus-200k');
    const m = loadFailures(undefined, site, { provider: 'cloud', fleetAgeDays: 30 });
    expect(m.name).toContain('H100-SXM5-80GB + H200-SXM-141GB');
    const hbm = (id: string) => fleetCauseRates(fleetGpu(getGpu(id)), { provider: 'cloud', fleetAgeDays: 30 }).find((c) => c.id === 'gpuHbm3Memory')!.rate;
    expect(m.causes.find((c) => c.id === 'gpuHbm3Memory')!.rate).toBeCloseTo(0.75 * hbm('H100-SXM5-80GB') + 0.25 * hbm('H200-SXM-141GB'), 15);
    expect(loadFailures('llama3-h100', site, {}).name).toBe('llama3-h100');
  });
});
