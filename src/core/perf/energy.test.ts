import { describe, expect, it } from 'vitest';
import { evaluateLayout } from './evaluate.js';
import { AVG_SERVER_POWER_FRACTION, jobItPowerW, trainingEstimate } from './energy.js';
import { cluster, layout, model } from './test-fixtures.js';

describe('training estimate', () => {
  const c = cluster('colossus-100k', 1024);
  const r = evaluateLayout(model('llama3-70b'), c, layout({ tp: 8, pp: 4, dp: 32, gbs: 512, seq: 8192, recompute: 'selective' }));

  it('turns tokens into days and GPU-hours at the predicted throughput', () => {
    const t = trainingEstimate(c, r, 1e12);
    expect(t.days).toBeCloseTo(1e12 / r.tokensPerS / 86400, 9);
    expect(t.gpuHours).toBeCloseTo(t.days * 24 * 1024, 6);
  });

  it('prices GPU-hours at the flag, else the facility, and reports electricity separately', () => {
    const t = trainingEstimate(c, r, 1e12, 2);
    expect(t.costUsd).toBeCloseTo(t.gpuHours * 2, 6);
    expect(t.costBasis).toBe('gpu-hours');
    const f = trainingEstimate(c, r, 1e12);
    expect(f.gpuHourUsd).toBe(c.spec.facility.gpuHourUsd);
    expect(f.electricityUsd).toBeCloseTo(f.energyMWh * 1000 * c.spec.facility.electricityUsdPerKWh, 6);
  });

  it('draws between idle-ish and nameplate power, times PUE', () => {
    const nodes = 1024 / c.gpusPerNode;
    const p = jobItPowerW(c, r);
    expect(p).toBeLessThan(nodes * c.spec.nodeMaxPowerW);
    expect(p).toBeGreaterThan(nodes * c.spec.nodeMaxPowerW * 0.4);
    const t = trainingEstimate(c, r, 1e12);
    expect(t.energyMWh).toBeCloseTo((p * c.spec.facility.pue * t.days * 86400) / 3.6e9, 6);
    expect(AVG_SERVER_POWER_FRACTION).toBe(0.75);
  });

  it('charges electricity only where no GPU-hour price is known', () => {
    const g = cluster('gb200-nvl72', 72);
    const rr = evaluateLayout(model('llama3-8b'), g, layout({ dp: 72, gbs: 144, seq: 8192 }));
    const t = trainingEstimate(g, rr, 1e11);
    if (g.spec.facility.gpuHourUsd === null) {
      expect(t.costBasis).toBe('electricity');
      expect(t.costUsd).toBe(t.electricityUsd);
    } else expect(t.costBasis).toBe('gpu-hours');
  });
});
