/**
 * The model file (YAML) schema of DESIGN.md. Unknown fields are errors, so a typo
 * (`hidenSize`) is caught instead of silently ignored.
 */
import { z } from 'zod';
import { ColossusError } from '../errors.js';
import { parseWith } from '../validation.js';
import type { ModelSpec } from './types.js';

const posInt = (what: string) => z.number({ error: `${what} must be a number` }).int(`${what} must be a whole number`).positive(`${what} must be > 0`);
const nonNegInt = (what: string) => z.number({ error: `${what} must be a number` }).int(`${what} must be a whole number`).min(0, `${what} must be ≥ 0`);

export const moeSchema = z.strictObject({
  experts: posInt('experts'),
  topK: posInt('topK'),
  expertFfnHiddenSize: posInt('expertFfnHiddenSize'),
  sharedExperts: nonNegInt('sharedExperts').default(0),
  denseLayers: nonNegInt('denseLayers').default(0),
});

export const mlaSchema = z.strictObject({
  qLoraRank: nonNegInt('qLoraRank'),
  kvLoraRank: posInt('kvLoraRank'),
  qkNopeHeadDim: posInt('qkNopeHeadDim'),
  qkRopeHeadDim: posInt('qkRopeHeadDim'),
  vHeadDim: posInt('vHeadDim'),
});

export const modelFileSchema = z.strictObject({
  name: z.string().min(1, 'name must not be empty').max(100, 'name must be at most 100 characters'),
  layers: posInt('layers'),
  hiddenSize: posInt('hiddenSize'),
  ffnHiddenSize: posInt('ffnHiddenSize'),
  heads: posInt('heads'),
  kvHeads: posInt('kvHeads').optional(),
  headDim: posInt('headDim').optional(),
  vocabSize: posInt('vocabSize'),
  gatedMlp: z.boolean().default(true),
  tiedEmbeddings: z.boolean().default(false),
  moe: moeSchema.optional(),
  mla: mlaSchema.optional(),
});

export type ModelFile = z.input<typeof modelFileSchema>;

/** Validates a parsed model file (or preset object) and fills defaults. */
export function parseModel(value: unknown, where: string): ModelSpec {
  const f = parseWith(modelFileSchema, value, where);
  const kvHeads = f.kvHeads ?? f.heads;
  const bad = (field: string, message: string, hint: string): never => {
    throw new ColossusError('invalid', message, { where: `${where}: ${field}`, hint });
  };
  if (f.headDim === undefined && f.hiddenSize % f.heads !== 0) {
    bad('heads', `heads=${f.heads} does not divide hiddenSize=${f.hiddenSize}`, `choose heads among ${divisors(f.hiddenSize, 256).join(', ')}, or give headDim explicitly`);
  }
  if (f.heads % kvHeads !== 0) {
    bad('kvHeads', `kvHeads=${kvHeads} does not divide heads=${f.heads}`, `choose kvHeads among ${divisors(f.heads, f.heads).join(', ')}`);
  }
  if (f.moe) {
    if (f.moe.topK > f.moe.experts) bad('moe.topK', `topK=${f.moe.topK} exceeds experts=${f.moe.experts}`, 'topK must be ≤ experts');
    if (f.moe.denseLayers > f.layers) bad('moe.denseLayers', `denseLayers=${f.moe.denseLayers} exceeds layers=${f.layers}`, 'denseLayers must be ≤ layers');
  }
  return {
    name: f.name,
    layers: f.layers,
    hiddenSize: f.hiddenSize,
    ffnHiddenSize: f.ffnHiddenSize,
    heads: f.heads,
    kvHeads,
    headDim: f.headDim ?? f.hiddenSize / f.heads,
    vocabSize: f.vocabSize,
    gatedMlp: f.gatedMlp,
    tiedEmbeddings: f.tiedEmbeddings,
    ...(f.moe ? { moe: { ...f.moe } } : {}),
    ...(f.mla ? { mla: { ...f.mla } } : {}),
  };
}

export { modelToFile } from './to-file.js';

function divisors(n: number, max: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= Math.min(n, max); d++) if (n % d === 0) out.push(d);
  return out;
}
