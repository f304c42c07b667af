import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ColossusError } from '../errors.js';
import { parseCluster } from './schema.js';
import { resolveCluster } from './resolve.js';
import { CLUSTER_PRESETS } from './presets.js';

describe('cluster files', () => {
  it('round-trips every preset through YAML to the same totals', () => {
    for (const spec of Object.values(CLUSTER_PRESETS)) {
      const { src: _src, ...file } = spec;
      const back = parseCluster(parse(stringify(file)), `${spec.name}.yaml`);
      expect(resolveCluster(back).gpus).toBe(resolveCluster(spec).gpus);
      expect(resolveCluster(back).peakDenseFlops).toEqual(resolveCluster(spec).peakDenseFlops);
      expect(back.fabric).toEqual(spec.fabric);
    }
  });

  it('inherits from a base preset and overrides fields', () => {
    const spec = parseCluster({ name: 'x', base: 'dgx-h200', kind: 'site', pools: [{ gpuModel: 'h200', gpus: 64 }], facility: { pue: 1.3 } }, 'x.yaml');
    expect(spec.facility.pue).toBe(1.3);
    expect(spec.facility.electricityUsdPerKWh).toBe(CLUSTER_PRESETS['dgx-h200'].facility.electricityUsdPerKWh);
    expect(resolveCluster(spec).gpus).toBe(64);
  });

  it('names the file, the field path and what is allowed', () => {
    const cases: [unknown, RegExp][] = [
      [{ name: 'x', base: 'dgx-h100', fabric: { nicGbpsPerGpu: -400 } }, /fabric\.nicGbpsPerGpu: nicGbpsPerGpu must be > 0/],
      [{ name: 'x', base: 'dgx-h100', pools: [{ gpuModel: 'h100', gpus: 0 }] }, /pools\[0\]\.gpus/],
      [{ name: 'x', base: 'dgx-h100', colour: 'red' }, /unknown field\(s\) 'colour'/],
      [{ name: 'x', base: 'dgx-h100', pools: [{ gpuModel: 'tpu-v5', gpus: 8 }] }, /unknown GPU 'tpu-v5'[\s\S]*h100/],
      [{ name: 'x', base: 'nope' }, /unknown base preset 'nope'/],
      [{ name: 'x', pools: [{ gpuModel: 'h100', gpus: 8 }] }, /missing field\(s\) gpusPerNode, nodeMaxPowerW/],
    ];
    for (const [file, re] of cases) {
      try {
        parseCluster(file, 'c.yaml');
        expect.unreachable(`accepted ${JSON.stringify(file)}`);
      } catch (e) {
        expect(e).toBeInstanceOf(ColossusError);
        expect((e as ColossusError).exitCode).toBe(2);
        const text = (e as ColossusError).describe();
        expect(text).toContain('c.yaml');
        expect(text).toMatch(re);
      }
    }
  });
});
