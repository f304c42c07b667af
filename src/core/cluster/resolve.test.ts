import { describe, expect, it } from 'vitest';
import { ColossusError } from '../errors.js';
import { clusterByName } from './catalog.js';
import { CLUSTER_PRESETS } from './presets.js';
import { resolveCluster } from './resolve.js';
import { switchCounts } from './fabric.js';
import { nodeLocation } from './topology.js';

describe('cluster totals', () => {
  it('colossus-100k: 100,000 GPUs, 12,500 nodes, ≈98.9 EFLOP/s BF16, ≈8 PB HBM', () => {
    const c = clusterByName('colossus-100k');
    expect(c.gpus).toBe(100_000);
    expect(c.nodes).toBe(12_500);
    expect(c.peakDenseFlops.bf16 / 1e18).toBeCloseTo(98.9, 1);
    expect(c.hbmBytes / 1e15).toBeCloseTo(8.0, 1);
    // hardware.json derives 1,563 racks and 196 arrays (D) and 4 halls (SMC).
    expect(c.levels.map((l) => [l.name, l.count])).toEqual([
      ['node', 12_500],
      ['rack', 1563],
      ['array', 196],
      ['hall', 4],
    ]);
    // hardware.json: nodeMaxPowerMW 127.5 (D).
    expect(c.itPowerW / 1e6).toBeCloseTo(127.5, 1);
  });

  it('colossus-200k mixes 150k H100 and 50k H200 (hardware.json: 197.8 EFLOP/s, 19.05 PB, 742.5 PB/s)', () => {
    const c = clusterByName('colossus-200k');
    expect(c.pools.map((p) => [p.gpu.id, p.gpus])).toEqual([
      ['H100-SXM5-80GB', 150_000],
      ['H200-SXM-141GB', 50_000],
    ]);
    expect(c.peakDenseFlops.bf16 / 1e18).toBeCloseTo(197.8, 1);
    expect(c.hbmBytes / 1e15).toBeCloseTo(19.05, 2);
    expect(c.hbmBandwidthBytesPerS / 1e15).toBeCloseTo(742.5, 1);
  });

  it('a site partition takes whole nodes from the pools in order', () => {
    const c = clusterByName('colossus-200k', 150_016);
    expect(c.pools.map((p) => p.gpus)).toEqual([150_000, 16]);
    expect(c.nodes).toBe(150_016 / 8);
  });

  it('a node type becomes any number of whole nodes on its reference fabric', () => {
    const c = clusterByName('dgx-b200', 2048);
    expect(c.nodes).toBe(256);
    expect(switchCounts(c).map((s) => s.tier)).toEqual(['leaf', 'spine']);
    expect(clusterByName('gb200-nvl72').gpus).toBe(72);
    expect(clusterByName('gb200-nvl72', 144).nvlinkDomainGpus).toBe(72);
  });

  it('a node type can be used partially: 1, 2 or 4 GPUs of one node', () => {
    const one = clusterByName('dgx-h100', 1);
    expect([one.gpus, one.nodes, one.gpusPerNode, one.nvlinkDomainGpus]).toEqual([1, 1, 1, 1]);
    expect(clusterByName('dgx-h200', 4).gpusPerNode).toBe(4);
    try {
      clusterByName('dgx-h100', 3);
      expect.unreachable('3 GPUs of an 8-GPU node accepted');
    } catch (e) {
      expect((e as ColossusError).hint).toMatch(/divisor of 8/);
    }
    expect(() => clusterByName('colossus-100k', 4)).toThrow(/whole nodes/);
  });

  it('switch counts reproduce the non-blocking estimates of hardware.json (1,563 / 1,563 / 782)', () => {
    expect(switchCounts(clusterByName('colossus-100k')).map((s) => s.switches)).toEqual([1563, 1563, 782]);
    // DGX SuperPOD H100: 8 leaf switches per 32-node SU (NV-SPOD-H100).
    expect(switchCounts(clusterByName('dgx-h100', 256))[0].switches).toBe(8);
  });

  it('rejects GPU counts that are not whole nodes, zero, or beyond the site', () => {
    const spec = CLUSTER_PRESETS['colossus-100k'];
    for (const gpus of [12, 0, -8, 100_008]) {
      expect(() => resolveCluster(spec, { gpus })).toThrow(ColossusError);
    }
    try {
      resolveCluster(spec, { gpus: 100_008 });
    } catch (e) {
      expect((e as ColossusError).hint).toContain('100000');
    }
  });
});

describe('topology', () => {
  it('puts consecutive nodes in the same rack and consecutive racks in the same array', () => {
    const c = clusterByName('colossus-100k');
    expect(nodeLocation(c, 0).labels).toEqual({ rack: 'rack-0000', array: 'array-000', hall: 'hall-0' });
    expect(nodeLocation(c, 7).indices.rack).toBe(0);
    expect(nodeLocation(c, 8).indices.rack).toBe(1);
    expect(nodeLocation(c, 63).indices.array).toBe(0);
    expect(nodeLocation(c, 64).indices.array).toBe(1);
    expect(nodeLocation(c, 12_499).indices.hall).toBe(3);
  });

  it('knows which pool a node of a heterogeneous cluster belongs to', () => {
    const c = clusterByName('colossus-200k');
    expect(nodeLocation(c, 18_749).gpuModel).toBe('H100-SXM5-80GB');
    expect(nodeLocation(c, 18_750).gpuModel).toBe('H200-SXM-141GB');
  });
});
