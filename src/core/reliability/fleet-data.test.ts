import { describe, expect, it } from 'vitest';
import { loadFleetRecords } from '../../../test/reliability/load-fleet.js';
import {
  AEGIS_CBD_BAD_HOSTS, AEGIS_DELIVERY_LINK_RATIO, AEGIS_FAILURE_MIX, AEGIS_FAILURES_PER_WEEK, AEGIS_GPU_MTTF_DAYS, DELTA_JOB_FAILURE_BY_SIZE,
  DELTA_MEMORY, DELTA_REPLACEMENTS_PER_GPU_YEAR, GREYHOUND_FAIL_SLOW, PRISM_VARIABILITY, TRAINMOVER_RESTART_MIN,
} from './fleet-data.js';

const { records } = loadFleetRecords();
const value = (id: string) => records.find((r) => r.id === id)!.value as never;

describe('fleet-data.ts copies reliability-fleet.json', () => {
  it('Delta memory, replacements and job failures by size', () => {
    const ecc = value('delta-uncorrectable-ecc-per-gpu') as { A100: { perGpuMTBE_h: number }; H100: { perGpuMTBE_h: number } };
    expect(DELTA_MEMORY.a100.perGpuMtbeH).toBe(ecc.A100.perGpuMTBE_h);
    expect(DELTA_MEMORY.h100.perGpuMtbeH).toBe(ecc.H100.perGpuMTBE_h);
    expect(DELTA_REPLACEMENTS_PER_GPU_YEAR).toEqual({ a100: (value('delta-gpu-replacement-rate') as { A100: number }).A100, h100: (value('delta-gpu-replacement-rate') as { H100: number }).H100 });
    const sizes = value('delta-job-failure-by-size') as Record<string, number>;
    expect(DELTA_JOB_FAILURE_BY_SIZE.map((b) => b.failedFraction)).toEqual(['1', '2-4', '5-8', '9-32', '33-64', '65-128'].map((k) => sizes[k]));
  });

  it('Aegis, Greyhound, Prism and TrainMover', () => {
    const mttf = value('aegis-gpu-mttf-a100-h100') as { A100_days: number; H100_days: number };
    expect(AEGIS_GPU_MTTF_DAYS).toEqual({ a100: mttf.A100_days, h100: mttf.H100_days });
    expect([AEGIS_FAILURES_PER_WEEK.low, AEGIS_FAILURES_PER_WEEK.high]).toEqual(value('aegis-critical-failures-per-week'));
    expect([AEGIS_DELIVERY_LINK_RATIO.low, AEGIS_DELIVERY_LINK_RATIO.high]).toEqual(value('aegis-delivery-link-contamination'));
    expect([AEGIS_CBD_BAD_HOSTS.low, AEGIS_CBD_BAD_HOSTS.high]).toEqual(value('aegis-cbd-problem-hosts'));
    const mix = value('aegis-failure-mix') as Record<string, number>;
    expect(AEGIS_FAILURE_MIX.gpu).toBe(mix.GPU_total);
    expect(AEGIS_FAILURE_MIX.host).toBeCloseTo(mix.CPU + mix.PCIe + mix.host_memory + mix.power_fan + mix.disk, 9);
    expect(AEGIS_FAILURE_MIX.network).toBeCloseTo(mix.NIC + mix.optic_module_fiber, 9);
    const g = value('greyhound-failslow-by-scale') as Record<string, { fraction: number; avgJCTslowdown: number }>;
    expect(GREYHOUND_FAIL_SLOW.map((p) => [p.fraction, p.jctSlowdown])).toEqual(Object.values(g).map((v) => [v.fraction, v.avgJCTslowdown]));
    expect(PRISM_VARIABILITY.variability).toBe((value('prism-variability') as { gpuTimeVariability_64kGPUs: number }).gpuTimeVariability_64kGPUs);
    expect(TRAINMOVER_RESTART_MIN.total).toBe((value('trainmover-restart-breakdown') as { total_min: number }).total_min);
  });
});
