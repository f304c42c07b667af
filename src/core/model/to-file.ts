/** The model as a plain file object, without zod (so `model show` need not import the schema). */
import type { ModelFile } from './schema.js';
import type { ModelSpec } from './types.js';

/** The model as a plain file object (for YAML round trips). */
export function modelToFile(m: ModelSpec): ModelFile {
  return {
    name: m.name,
    layers: m.layers,
    hiddenSize: m.hiddenSize,
    ffnHiddenSize: m.ffnHiddenSize,
    heads: m.heads,
    kvHeads: m.kvHeads,
    headDim: m.headDim,
    vocabSize: m.vocabSize,
    gatedMlp: m.gatedMlp,
    tiedEmbeddings: m.tiedEmbeddings,
    ...(m.moe ? { moe: { ...m.moe } } : {}),
    ...(m.mla ? { mla: { ...m.mla } } : {}),
  };
}
