import { describe, expect, it } from 'vitest';
import { ColossusError } from '../errors.js';
import { divisors, validateLayout } from './validate.js';
import { cluster, layout, model } from './test-fixtures.js';
import type { Layout } from './types.js';

const message = (f: () => void): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ColossusError);
    expect((e as ColossusError).exitCode).toBe(2);
    return (e as ColossusError).message;
  }
  throw new Error('expected a ColossusError');
};

describe('layout rules', () => {
  const l70 = model('llama3-70b');
  const c64 = cluster('dgx-h100', 64);

  it('names the rule and valid alternatives, as DESIGN.md shows', () => {
    expect(message(() => validateLayout(l70, c64, layout({ tp: 12, dp: 5 })))).toBe('tp=12: must divide the 8 GPUs of a node (try 1, 2, 4, 8)');
  });

  it('accepts pp not dividing the layers (uneven split) but not more stages than layers', () => {
    expect(() => validateLayout(l70, cluster('dgx-h100', 48), layout({ pp: 3, dp: 16, gbs: 64 }))).not.toThrow();
    expect(message(() => validateLayout(model('llama3-8b'), c64, layout({ pp: 64, dp: 1, gbs: 64 })))).toBe('pp=64: more pipeline stages than the 32 layers (try 1, 2, 4, 8, 16, 32)');
    expect(message(() => validateLayout(l70, c64, layout({ pp: 16, vpp: 6, dp: 4, gbs: 64 })))).toBe('vpp=6: pp·vpp = 96 virtual stages need at least one of the 80 layers each (try 1, 5)');
    // Llama 3 405B: 126 layers run on pp = 16 with the embedding and loss as layers (128 / 16).
    expect(() => validateLayout(model('llama3-405b'), cluster('dgx-h100', 1024), layout({ tp: 8, pp: 16, dp: 8, gbs: 64 }))).not.toThrow();
  });

  it('checks explicit splits against Megatron\'s rules and offers one that works', () => {
    const ds = model('deepseek-v3');
    const c = cluster('dgx-h100', 256);
    const l = (over: Partial<Layout>) => layout({ pp: 4, dp: 64, ep: 8, gbs: 256, ...over });
    expect(() => validateLayout(ds, c, l({ ppFirstLayers: 13 }))).not.toThrow(); // 13 + 3·16
    expect(message(() => validateLayout(ds, c, l({ ppFirstLayers: 14 })))).toBe(
      "pp-first-layers=14: the other 3 stages must split the remaining 47 layers evenly (try --pp-first-layers 1 or 4 or 7 or 10 or 13 or 16, or --pp-layout 'Et*15|t*16|t*16|t*14L')",
    );
    expect(message(() => validateLayout(ds, c, l({ ppLayout: 'Et*15|t*16|t*16|t*15L' })))).toMatch(/^pp-layout=Et\*15\|t\*16\|t\*16\|t\*15L: holds 62 transformer layers \('t'\); the model has 61 \(try --pp-layout '/);
    expect(message(() => validateLayout(ds, c, l({ ppLayout: 'Et*15|t*16|t*15|t*15L', vpp: 2 })))).toMatch(/has 4 virtual stages; pp·vpp = 4·2 = 8 are needed/);
    expect(message(() => validateLayout(ds, c, l({ ppLayout: 't*15|Et*16|t*15|t*15L' })))).toMatch(/exactly one embedding 'E', as the first symbol/);
    expect(message(() => validateLayout(ds, c, l({ ppLayout: 'Et*15|t*16|t*15|t*15L)' })))).toMatch(/unmatched '\)'/);
  });

  it('rejects tp·pp·cp·dp ≠ gpus and gbs not divisible by dp·mbs', () => {
    expect(message(() => validateLayout(l70, c64, layout({ tp: 8, dp: 4, gbs: 64 })))).toBe('dp=4: tp·pp·cp·dp must equal the 64 GPUs (try 8)');
    expect(message(() => validateLayout(l70, c64, layout({ tp: 8, dp: 8, mbs: 3, gbs: 64 })))).toMatch(/^mbs=3: gbs=64 must be divisible by dp·mbs=24 \(try 1, 2, 4, 8\)/);
  });

  it('rejects ep on a dense model and precisions the GPU lacks', () => {
    expect(message(() => validateLayout(l70, c64, layout({ dp: 64, ep: 2, gbs: 64 })))).toMatch(/has no experts/);
    expect(message(() => validateLayout(l70, cluster('dgx-a100', 8), layout({ dp: 8, precision: 'fp8' })))).toMatch(/no fp8 tensor cores/);
  });

  it('suggests only alternatives that pass the same rule', () => {
    try {
      validateLayout(l70, c64, layout({ tp: 3, dp: 21 }));
    } catch (e) {
      const valid = (e as ColossusError).details!.valid as number[];
      for (const tp of valid) expect(() => validateLayout(l70, c64, layout({ tp, dp: 64 / tp, gbs: 64 }))).not.toThrow();
    }
  });

  it('accepts a valid layout and checks only the knobs given', () => {
    expect(() => validateLayout(l70, c64, layout({ tp: 4, pp: 8, vpp: 5, dp: 2, gbs: 128 }))).not.toThrow();
    expect(() => validateLayout(l70, c64, layout({ tp: 4, dp: 999 }), new Set(['tp']))).not.toThrow();
  });

  it('lists divisors in order', () => {
    expect(divisors(126)).toEqual([1, 2, 3, 6, 7, 9, 14, 18, 21, 42, 63, 126]);
    expect(divisors(98304).length).toBe(32);
  });
});
