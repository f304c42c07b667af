/**
 * Models that calibration rows name but the preset catalog (src/core/model/presets.ts) does not
 * hold, defined from their public configs. Rows that give dimensions inline are built in
 * normalise.ts from the row's own fields.
 */
import type { ModelSpec } from '../../model/types.js';

const base = { tiedEmbeddings: false } as const;

export const CALIBRATION_MODELS: Record<string, ModelSpec> = {
  // moonshotai/Kimi-K2-Instruct config.json: 61 layers, hidden 7168, 64 heads, MLA (q rank 1536,
  // kv rank 512, 128+64 / 128 dims), first layer dense (FFN 18,432), 384 experts top-8 of width
  // 2048 + 1 shared, vocab 163,840.
  'kimi-k2': {
    ...base, name: 'kimi-k2', layers: 61, hiddenSize: 7168, ffnHiddenSize: 18432, heads: 64, kvHeads: 64, headDim: 128,
    vocabSize: 163840, gatedMlp: true,
    moe: { experts: 384, topK: 8, expertFfnHiddenSize: 2048, sharedExperts: 1, denseLayers: 1 },
    mla: { qLoraRank: 1536, kvLoraRank: 512, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128 },
  },
  // mosaicml/llm-foundry scripts/train/yamls/pretrain/mpt-*.yaml: expansion ratio 4 (plain GELU MLP),
  // vocab 50,368 (GPT-NeoX tokenizer padded), tied embeddings.
  'mpt-1b': mpt('mpt-1b', 24, 2048, 16),
  'mpt-7b': mpt('mpt-7b', 32, 4096, 32),
  'mpt-13b': mpt('mpt-13b', 40, 5120, 40),
  'mpt-30b': mpt('mpt-30b', 48, 7168, 64),
  'mpt-70b': mpt('mpt-70b', 80, 8192, 64),
  // NeMo 24.07 launcher configs (conf/training/gpt3/5b.yaml, 20b.yaml): GPT-3 style, vocab 51,200 (GPT-2 BPE padded).
  'nemo-gpt3-5b': gpt('nemo-gpt3-5b', 24, 4096, 32, 51200, false),
  'nemo-gpt3-20b': gpt('nemo-gpt3-20b', 44, 6144, 48, 51200, false),
  // NeMo Nemotron-4 style 8B / 22B (conf/training/nemotron/*.yaml): squared-ReLU MLP (not gated), 256k vocab.
  'nemo-nemotron-8b': gpt('nemo-nemotron-8b', 32, 4096, 32, 256000, false),
  'nemo-nemotron-22b': gpt('nemo-nemotron-22b', 40, 6144, 48, 256000, false),
};

function mpt(name: string, layers: number, hidden: number, heads: number): ModelSpec {
  return { ...gpt(name, layers, hidden, heads, 50368, false), tiedEmbeddings: true };
}

function gpt(name: string, layers: number, hidden: number, heads: number, vocab: number, gated: boolean): ModelSpec {
  return {
    ...base, name, layers, hiddenSize: hidden, ffnHiddenSize: 4 * hidden, heads, kvHeads: heads,
    headDim: hidden / heads, vocabSize: vocab, gatedMlp: gated,
  };
}
