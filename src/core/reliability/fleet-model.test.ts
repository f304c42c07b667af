import { describe, expect, it } from 'vitest';
import { getGpu } from '../hardware/catalog.js';
import { ageMultiplier, fitBurnIn, hazardShape, meanAgeMultiplier, meanHazardShape } from './age-hazard.js';
import { LLAMA3_TABLE5, table5Rate } from './catalog.js';
import { COMPUTE_AGE, MEMORY_AGE, NETWORK_AGE, SOFTWARE_SIZE_EXPONENT, TDP_EXPONENT } from './fleet-fit.js';
import { fleetCauseRates, fleetFailureModel, fleetGpu, jobScopeRatePerDay } from './fleet-model.js';
import { poissonQuantile, sparePoolP99, sparePoolP99ForModel } from './spare-sizing.js';

const H100 = fleetGpu(getGpu('H100-SXM5-80GB'));
const A100 = fleetGpu(getGpu('A100-SXM4-80GB'));
const rateOf = (rates: { id: string; rate: number }[], id: string) => rates.find((r) => r.id === id)!.rate;

describe('fleet model', () => {
  it('an H100 on premises at 365 days has exactly Llama 3 Table 5 rates', () => {
    const rates = fleetCauseRates(H100, { provider: 'onprem', fleetAgeDays: 365 });
    for (const row of LLAMA3_TABLE5) expect(rateOf(rates, row.id), row.id).toBeCloseTo(table5Rate(row), 15);
  });

  it('GPU compute failures scale with TDP^k: an A100 (400 W) fails half as often as an H100 (700 W)', () => {
    expect((400 / 700) ** TDP_EXPONENT).toBeCloseTo(0.5, 12);
    const a = fleetCauseRates(A100, { provider: 'onprem', fleetAgeDays: 365 });
    const h = fleetCauseRates(H100, { provider: 'onprem', fleetAgeDays: 365 });
    expect(rateOf(a, 'gpuFaulty') / rateOf(h, 'gpuFaulty')).toBeCloseTo(0.5, 12);
    expect(rateOf(a, 'hostCpu')).toBe(rateOf(h, 'hostCpu'));
  });

  it('HBM failures scale with capacity: an H200 (141 GB) has 141/80 × the H100 rate', () => {
    const h200 = fleetCauseRates(fleetGpu(getGpu('H200-SXM-141GB')));
    expect(rateOf(h200, 'gpuHbm3Memory') / rateOf(fleetCauseRates(H100), 'gpuHbm3Memory')).toBeCloseTo(141 / 80, 12);
  });

  it('the age hazard is 1 at 365 d, has the closed-form mean, and reproduces its fitting targets', () => {
    const h = { burnIn: 3, tauDays: 50, wearPerYear: 0.5, wearFromDays: 700 };
    expect(ageMultiplier(h, 365)).toBe(1);
    // mean over [0, T] by the trapezoid rule on a fine grid vs the closed form
    const n = 20_000;
    const T = 1200;
    let sum = 0;
    for (let i = 0; i <= n; i++) sum += hazardShape(h, (i * T) / n) * (i === 0 || i === n ? 0.5 : 1);
    expect(meanHazardShape(h, 0, T)).toBeCloseTo(sum / n, 6);
    const b = fitBurnIn(2.5, { fromDays: 0, toDays: 146 }, { tauDays: 60, wearPerYear: 0, wearFromDays: 0 });
    expect(meanAgeMultiplier({ burnIn: b, tauDays: 60, wearPerYear: 0, wearFromDays: 0 }, 0, 146)).toBeCloseTo(2.5, 12);
    expect(ageMultiplier(NETWORK_AGE, 0)).toBeCloseTo(Math.sqrt(10 * 20), 2); // Aegis: 10–20× at delivery
    expect(ageMultiplier(NETWORK_AGE, 60)).toBeLessThan(1.05); // gone within two months
    expect(ageMultiplier(MEMORY_AGE, 30)).toBeGreaterThan(3); // HBM early life
    expect(ageMultiplier(COMPUTE_AGE, 6.6 * 365) / ageMultiplier(COMPUTE_AGE, 1.25 * 365)).toBeCloseTo(2, 2); // Titan (plus a trace of burn-in at 1.25 y)
    const young = fleetCauseRates(H100, { provider: 'onprem', fleetAgeDays: 30 });
    expect(rateOf(young, 'gpuHbm3Memory') / rateOf(fleetCauseRates(H100), 'gpuHbm3Memory')).toBeCloseTo(ageMultiplier(MEMORY_AGE, 30), 12);
    expect(rateOf(young, 'softwareBug')).toBe(rateOf(fleetCauseRates(H100), 'softwareBug')); // software does not age
  });

  it('cloud multiplies GPU and host rates, not network or software', () => {
    const cloud = fleetCauseRates(H100, { provider: 'cloud', fleetAgeDays: 365 });
    const onprem = fleetCauseRates(H100);
    expect(rateOf(cloud, 'gpuFaulty') / rateOf(onprem, 'gpuFaulty')).toBeGreaterThan(2);
    expect(rateOf(cloud, 'hostCpu') / rateOf(onprem, 'hostCpu')).toBeGreaterThan(5);
    expect(rateOf(cloud, 'networkSwitchOrCable')).toBe(rateOf(onprem, 'networkSwitchOrCable'));
    expect(rateOf(cloud, 'softwareBug')).toBe(rateOf(onprem, 'softwareBug'));
  });

  it('mixed pools weight each pool by its GPUs', () => {
    const h200 = fleetGpu(getGpu('H200-SXM-141GB'));
    const mixed = fleetFailureModel([{ gpu: H100, gpus: 150_000 }, { gpu: h200, gpus: 50_000 }]);
    const expected = 0.75 * rateOf(fleetCauseRates(H100), 'gpuHbm3Memory') + 0.25 * rateOf(fleetCauseRates(h200), 'gpuHbm3Memory');
    expect(mixed.causes.find((c) => c.id === 'gpuHbm3Memory')!.rate).toBeCloseTo(expected, 15);
  });

  it('software failures per job-day scale as (nodes / 2,048)^α, α from Delta job sizes', () => {
    expect(SOFTWARE_SIZE_EXPONENT).toBeGreaterThan(0.3);
    expect(SOFTWARE_SIZE_EXPONENT).toBeLessThan(0.45);
    const bug = fleetFailureModel([{ gpu: H100, gpus: 8 }]).causes.find((c) => c.id === 'softwareBug')!;
    expect(jobScopeRatePerDay(bug, 2048)).toBeCloseTo(1, 12); // Llama 3: 54 in 54 days
    expect(jobScopeRatePerDay(bug, 128)).toBeCloseTo(Math.pow(1 / 16, SOFTWARE_SIZE_EXPONENT), 12);
    expect(jobScopeRatePerDay({ rate: 1 }, 1)).toBe(1); // hand-written causes keep a fixed rate
  });

  it('spare pool P99: Poisson quantile of nodes in repair', () => {
    expect(poissonQuantile(0, 0.99)).toBe(0);
    expect(poissonQuantile(1, 0.99)).toBe(4); // P(≤3) = 0.981, P(≤4) = 0.996
    const s = sparePoolP99({ nodes: 12_500, hardwareFailuresPerNodeDay: 0.004, repairMeanH: 24 });
    expect(s.meanNodesInRepair).toBeCloseTo(50, 12);
    expect(s.spares).toBe(poissonQuantile(50, 0.99));
    const m = fleetFailureModel([{ gpu: H100, gpus: 8 }]);
    expect(sparePoolP99ForModel(m, 12_500, 8).meanNodesInRepair).toBeCloseTo(12_500 * (356 / 110_592) * (19.79 / 24), 1);
  });
});
