/**
 * Model presets. Shapes from the models' papers or released configs; `published` holds
 * the parameter counts their authors state, which the tests check our counts against.
 */
import type { ModelSpec } from './types.js';

type Preset = Omit<ModelSpec, 'headDim'> & { headDim?: number };

const B = 1e9;

const dense = (p: Preset): ModelSpec => ({ ...p, headDim: p.headDim ?? p.hiddenSize / p.heads });

export const MODEL_PRESETS: Record<string, ModelSpec> = {
  'gpt3-175b': dense({
    // Brown et al. 2020, "Language Models are Few-Shot Learners", Table 2.1 (d_ff = 4·d_model; GPT-2 BPE vocab 50,257; tied).
    name: 'gpt3-175b', layers: 96, hiddenSize: 12288, ffnHiddenSize: 49152, heads: 96, kvHeads: 96,
    vocabSize: 50257, gatedMlp: false, tiedEmbeddings: true,
    published: { params: 175 * B, source: 'Brown et al. 2020, Table 2.1' },
  }),
  'llama3-8b': dense({
    // Llama 3 Herd of Models (Dubey et al. 2024), Table 3; vocab 128,256 from the released config.
    name: 'llama3-8b', layers: 32, hiddenSize: 4096, ffnHiddenSize: 14336, heads: 32, kvHeads: 8,
    vocabSize: 128256, gatedMlp: true, tiedEmbeddings: false,
    published: { params: 8.03 * B, source: 'Meta Llama 3.1 8B model card (8.03B)' },
  }),
  'llama3-70b': dense({
    name: 'llama3-70b', layers: 80, hiddenSize: 8192, ffnHiddenSize: 28672, heads: 64, kvHeads: 8,
    vocabSize: 128256, gatedMlp: true, tiedEmbeddings: false,
    published: { params: 70.6 * B, source: 'Meta Llama 3.1 70B model card (70.6B)' },
  }),
  'llama3-405b': dense({
    name: 'llama3-405b', layers: 126, hiddenSize: 16384, ffnHiddenSize: 53248, heads: 128, kvHeads: 8,
    vocabSize: 128256, gatedMlp: true, tiedEmbeddings: false,
    published: { params: 405 * B, tolerance: 0.0125, source: 'Llama 3 Herd of Models, Table 3 (405B, given to 3 digits)' },
  }),
  'grok-1': dense({
    // xAI grok-1 release (github.com/xai-org/grok-1 README and model.py): 64 layers, 48 query / 8 KV heads,
    // embedding 6144, 8 experts / 2 active, vocab 131,072; MLP width int(8·6144)·2/3 rounded to 32,768; logits use the embedding.
    name: 'grok-1', layers: 64, hiddenSize: 6144, ffnHiddenSize: 32768, heads: 48, kvHeads: 8,
    vocabSize: 131072, gatedMlp: true, tiedEmbeddings: true,
    moe: { experts: 8, topK: 2, expertFfnHiddenSize: 32768, sharedExperts: 0, denseLayers: 0 },
    published: { params: 314 * B, source: 'xAI, Open Release of Grok-1 (314B parameters)' },
  }),
  'mixtral-8x7b': dense({
    // Jiang et al. 2024, "Mixtral of Experts", Table 1.
    name: 'mixtral-8x7b', layers: 32, hiddenSize: 4096, ffnHiddenSize: 14336, heads: 32, kvHeads: 8,
    vocabSize: 32000, gatedMlp: true, tiedEmbeddings: false,
    moe: { experts: 8, topK: 2, expertFfnHiddenSize: 14336, sharedExperts: 0, denseLayers: 0 },
    published: { params: 46.7 * B, activeParams: 12.9 * B, source: 'Mistral AI, Mixtral of experts announcement (46.7B total, 12.9B active)' },
  }),
  'mixtral-8x22b': dense({
    // Released config of Mixtral-8x22B-v0.1.
    name: 'mixtral-8x22b', layers: 56, hiddenSize: 6144, ffnHiddenSize: 16384, heads: 48, kvHeads: 8,
    vocabSize: 32768, gatedMlp: true, tiedEmbeddings: false,
    moe: { experts: 8, topK: 2, expertFfnHiddenSize: 16384, sharedExperts: 0, denseLayers: 0 },
    published: { params: 141 * B, activeParams: 39 * B, tolerance: 0.013, source: 'Mistral AI, Cheaper, Better, Faster, Stronger (141B total, 39B active)' },
  }),
  'nemotron-4-340b': dense({
    // NVIDIA 2024, Nemotron-4 340B Technical Report, Table 1 (squared-ReLU MLP, untied embeddings).
    name: 'nemotron-4-340b', layers: 96, hiddenSize: 18432, ffnHiddenSize: 73728, heads: 96, kvHeads: 8,
    vocabSize: 256000, gatedMlp: false, tiedEmbeddings: false,
    published: { params: 341 * B, source: 'Nemotron-4 340B report: 9.4B embedding + 331.6B non-embedding' },
  }),
  'deepseek-v3': dense({
    // DeepSeek-AI 2024, DeepSeek-V3 Technical Report §4.2: 61 layers, hidden 7168, 128 heads, MLA with
    // q rank 1536, kv rank 512, per-head 128 + 64 RoPE dims; 3 dense layers (FFN 18,432), then
    // 1 shared + 256 routed experts (8 active) of width 2048; vocab 129,280 (released config).
    // MLA is modelled exactly in parameters; FLOPs count the up-projected attention (q·k over 192 dims,
    // v over 128) as the training kernels compute it. The MTP module (14B) is left out, as in "671B".
    name: 'deepseek-v3', layers: 61, hiddenSize: 7168, ffnHiddenSize: 18432, heads: 128, kvHeads: 128, headDim: 128,
    vocabSize: 129280, gatedMlp: true, tiedEmbeddings: false,
    moe: { experts: 256, topK: 8, expertFfnHiddenSize: 2048, sharedExperts: 1, denseLayers: 3 },
    mla: { qLoraRank: 1536, kvLoraRank: 512, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128 },
    published: { params: 671 * B, activeParams: 37 * B, activeExcludesInputEmbedding: true, tolerance: 0.0135, source: 'DeepSeek-V3 Technical Report (671B total, 37B activated; figures given to 2–3 digits)' },
  }),
  'megatron-1t': dense({
    // Narayanan et al. 2021 (SC21), Table 1: 1,008B parameters, 128 layers, hidden 25,600, 160 heads, vocab 51,200.
    name: 'megatron-1t', layers: 128, hiddenSize: 25600, ffnHiddenSize: 102400, heads: 160, kvHeads: 160,
    vocabSize: 51200, gatedMlp: false, tiedEmbeddings: true,
    published: { params: 1008 * B, source: 'Narayanan et al. 2021, Table 1' },
  }),
  'mt-nlg-530b': dense({
    // Smith et al. 2022, Megatron-Turing NLG 530B: 105 layers, hidden 20,480, 128 heads.
    name: 'mt-nlg-530b', layers: 105, hiddenSize: 20480, ffnHiddenSize: 81920, heads: 128, kvHeads: 128,
    vocabSize: 51200, gatedMlp: false, tiedEmbeddings: true,
    published: { params: 530 * B, source: 'Smith et al. 2022, §3' },
  }),
  'qwen3-30b-a3b': dense({
    // Qwen3 Technical Report (2025), Table 2, and the released config (hidden 2048, expert width 768).
    name: 'qwen3-30b-a3b', layers: 48, hiddenSize: 2048, ffnHiddenSize: 6144, heads: 32, kvHeads: 4, headDim: 128,
    vocabSize: 151936, gatedMlp: true, tiedEmbeddings: false,
    moe: { experts: 128, topK: 8, expertFfnHiddenSize: 768, sharedExperts: 0, denseLayers: 0 },
    published: { params: 30.5 * B, activeParams: 3.3 * B, tolerance: 0.02, source: 'Qwen3 Technical Report, Table 2 (30.5B total, 3.3B activated; "3.3B" has 2 digits, ±1.5%, ours is 3.35B)' },
  }),
  'qwen3-235b-a22b': dense({
    name: 'qwen3-235b-a22b', layers: 94, hiddenSize: 4096, ffnHiddenSize: 12288, heads: 64, kvHeads: 4, headDim: 128,
    vocabSize: 151936, gatedMlp: true, tiedEmbeddings: false,
    moe: { experts: 128, topK: 8, expertFfnHiddenSize: 1536, sharedExperts: 0, denseLayers: 0 },
    published: { params: 235 * B, activeParams: 22 * B, tolerance: 0.023, source: 'Qwen3 Technical Report, Table 2 (235B total, 22B activated; 2 digits)' },
  }),
  'gpt-oss-120b': dense({
    // OpenAI 2025, gpt-oss-120b & gpt-oss-20b model card, §2: 36 layers, residual width 2880,
    // 64 query heads of 64 dims, 8 KV heads, 128 experts (top-4) of width 2880, o200k_harmony vocab 201,088.
    name: 'gpt-oss-120b', layers: 36, hiddenSize: 2880, ffnHiddenSize: 2880, heads: 64, kvHeads: 8, headDim: 64,
    vocabSize: 201088, gatedMlp: true, tiedEmbeddings: false,
    moe: { experts: 128, topK: 4, expertFfnHiddenSize: 2880, sharedExperts: 0, denseLayers: 0 },
    published: { params: 116.83 * B, activeParams: 5.13 * B, activeExcludesInputEmbedding: true, source: 'gpt-oss model card, Table 1 (116.83B total, 5.13B active)' },
  }),
};

/** Alternative names accepted on the command line. */
export const MODEL_ALIASES: Record<string, string> = {
  'gpt3': 'gpt3-175b',
  'llama3.1-8b': 'llama3-8b',
  'llama3.1-70b': 'llama3-70b',
  'llama3.1-405b': 'llama3-405b',
  'grok1': 'grok-1',
  'deepseek-v3-671b': 'deepseek-v3',
  'nemotron-340b': 'nemotron-4-340b',
};
