import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ColossusError } from '../errors.js';
import { MODEL_PRESETS } from './presets.js';
import { modelToFile, parseModel } from './schema.js';

const base = { name: 'm', layers: 2, hiddenSize: 64, ffnHiddenSize: 256, heads: 4, vocabSize: 100 };

function errorOf(f: () => unknown): ColossusError {
  try {
    f();
  } catch (e) {
    if (e instanceof ColossusError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('model files', () => {
  it('round-trips every preset through YAML', () => {
    for (const m of Object.values(MODEL_PRESETS)) {
      const { published: _published, ...shape } = m;
      const back = parseModel(parse(stringify(modelToFile(m))), `${m.name}.yaml`);
      expect(back).toEqual(shape);
    }
  });

  it('fills defaults: kvHeads = heads, headDim = hidden / heads, gated, untied', () => {
    const m = parseModel(base, 'f.yaml');
    expect(m.kvHeads).toBe(4);
    expect(m.headDim).toBe(16);
    expect(m.gatedMlp).toBe(true);
    expect(m.tiedEmbeddings).toBe(false);
  });

  it('rejects unknown fields, naming the file and the field', () => {
    const e = errorOf(() => parseModel({ ...base, hidenSize: 3 }, 'my.yaml'));
    expect(e.exitCode).toBe(2);
    expect(e.describe()).toContain('my.yaml');
    expect(e.describe()).toContain("'hidenSize'");
  });

  it('rejects wrong types and nonsense values with the path', () => {
    expect(errorOf(() => parseModel({ ...base, layers: 'many' }, 'a.yaml')).describe()).toMatch(/layers: layers must be a number/);
    expect(errorOf(() => parseModel({ ...base, layers: 0 }, 'a.yaml')).describe()).toMatch(/layers must be > 0/);
    expect(errorOf(() => parseModel({ ...base, moe: { experts: 8, topK: 2, expertFfnHiddenSize: -1 } }, 'a.yaml')).describe()).toMatch(/moe\.expertFfnHiddenSize/);
  });

  it('rejects heads that do not divide hidden, and says which would', () => {
    const e = errorOf(() => parseModel({ ...base, heads: 5 }, 'a.yaml'));
    expect(e.where).toBe('a.yaml: heads');
    expect(e.hint).toContain('4');
  });

  it('rejects kvHeads not dividing heads and topK above experts', () => {
    expect(errorOf(() => parseModel({ ...base, kvHeads: 3 }, 'a.yaml')).where).toBe('a.yaml: kvHeads');
    expect(errorOf(() => parseModel({ ...base, moe: { experts: 4, topK: 8, expertFfnHiddenSize: 8 } }, 'a.yaml')).where).toBe('a.yaml: moe.topK');
  });
});
