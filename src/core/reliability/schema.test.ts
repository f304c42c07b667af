import { describe, expect, it } from 'vitest';
import { ColossusError } from '../errors.js';
import { parseFailureFile } from './schema.js';

const fail = (value: unknown): ColossusError => {
  try {
    parseFailureFile(value, 'rates.yaml');
  } catch (e) {
    return e as ColossusError;
  }
  throw new Error('expected an error');
};

describe('--failure-rates file', () => {
  it('overrides one rate and keeps the rest of the base preset', () => {
    const m = parseFailureFile({ causes: { gpuFaulty: { perGpuHour: 1e-5 } } }, 'rates.yaml');
    const gpu = m.causes.find((c) => c.id === 'gpuFaulty')!;
    expect(gpu.rate).toBe(1e-5);
    expect(gpu.kind).toBe('hardware');
    expect(m.causes.length).toBe(19);
  });

  it('adds causes, lemons, correlated failures and a repair distribution in hours', () => {
    const m = parseFailureFile(
      { base: 'rsc2-a100', causes: { pduTrip: { perNodeDay: 1e-4, detect: { dist: 'uniform', minS: 0, maxS: 300 } } }, lemons: { fraction: 0.01, multiplier: 10 }, correlated: { probability: 0.02, nodes: 'rack' }, repair: { dist: 'exponential', meanH: 4 } },
      'rates.yaml',
    );
    expect(m.causes.map((c) => c.id)).toEqual(['nodeFailure', 'pduTrip']);
    expect(m.causes[1].detect).toEqual({ dist: 'uniform', minS: 0, maxS: 300 });
    expect(m.repair).toEqual({ dist: 'exponential', meanS: 14_400 });
    expect(m.correlated?.nodes).toBe('rack');
  });

  it('rejects negative and non-numeric rates naming the file and field', () => {
    const neg = fail({ causes: { gpuFaulty: { perGpuHour: -1 } } });
    expect(neg.exitCode).toBe(2);
    expect(neg.describe()).toContain('rates.yaml');
    expect(neg.describe()).toContain('causes.gpuFaulty.perGpuHour');
    expect(fail({ causes: { gpuFaulty: { perGpuHour: 'lots' } } }).describe()).toContain('must be a number');
  });

  it('rejects unknown fields, unknown bases and rate-less new causes', () => {
    expect(fail({ causez: {} }).describe()).toContain("'causez'");
    expect(fail({ base: 'nope' }).describe()).toContain('llama3-h100');
    expect(fail({ causes: { brandNew: { kind: 'hardware' } } }).describe()).toContain('perGpuHour');
  });
});
