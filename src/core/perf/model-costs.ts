/**
 * Per-model constants the performance model needs, computed once per model so that the
 * planner's inner loop works on plain numbers. Per-token quantities are for one layer of
 * the forward pass unless the name says otherwise.
 */
import { paramCounts } from '../model/params.js';
import { flopsPerToken, headDims } from '../model/flops.js';
import type { ModelSpec } from '../model/types.js';
import type { PerfOptions } from './types.js';
import type { SplitModel } from './stages.js';

export interface ModelCosts {
  model: ModelSpec;
  layers: number;
  denseLayers: number;
  moeLayers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  vocab: number;
  experts: number;
  topK: number;
  /** Parameters (counts). */
  attnParams: number;
  normParams: number;
  denseMlpParams: number;
  expertParams: number;
  /** Shared experts + router of one MoE layer. */
  moeSharedParams: number;
  embeddingParams: number;
  /** Output projection held by the last stage (a copy of the embedding when tied and pp > 1). */
  outputParams: number;
  totalParams: number;
  /** GEMM widths (full, before tensor parallelism). */
  qkvWidth: number;
  /** Key+value width (what context parallelism passes around its ring). */
  kvWidth: number;
  attnOutWidth: number;
  fc1Width: number;
  ffn: number;
  expertFc1Width: number;
  expertFfn: number;
  sharedFfn: number;
  /** Attention score+value FLOPs per token per layer per token of sequence (× seq, non-causal). */
  attnCoreFlopsPerSeq: number;
  /** Activation elements per token per layer kept for backward with flash attention. */
  actBaseElemsDense: number;
  actBaseElemsMoe: number;
  /** GEMM-input activations a selective recompute (norms, activation function, permutation) drops. */
  actSelElemsDense: number;
  actSelElemsMoe: number;
  /** Attention output (input of the output projection), kept unless full recompute. */
  actOutElems: number;
  /** Element-wise bytes per token per layer, forward, BF16 (norms, residuals, rotary, activation, MoE permute/combine). */
  ewBytesAttn: number;
  ewBytesDenseMlp: number;
  /** MoE block: router softmax, permute/combine copies, activation function. */
  ewBytesMoeMlp: number;
  /** GEMM-input elements per token per layer that FP8/FP4 must quantise. */
  quantElemsDense: number;
  quantElemsMoe: number;
  /** Multi-token-prediction layers on the last stage (PerfOptions.mtpLayers). */
  mtpLayers: number;
  /** Dropless MoE (per-expert token counts synchronised to the host every MoE layer). */
  moeDropless: boolean;
  /** Model FLOPs per token (fwd+bwd, no recompute) for a sequence length: the MFU numerator. */
  modelFlopsPerToken: (seq: number) => number;
}

export function modelCosts(m: ModelSpec, options: Pick<PerfOptions, 'mtpLayers' | 'moeTokenDrop'> = {}): ModelCosts {
  const p = paramCounts(m);
  const h = m.hiddenSize;
  const d = headDims(m);
  const g = m.gatedMlp ? 2 : 1;
  const moe = m.moe;
  const expertFfn = moe ? moe.expertFfnHiddenSize : 0;
  const sharedFfn = moe ? moe.sharedExperts * expertFfn : 0;
  const topK = moe ? moe.topK : 0;
  // MLA up-projects keys and values for every head; GQA shares kvHeads of them.
  const kvHeads = m.mla ? m.heads : m.kvHeads;
  const qkvWidth = m.heads * d.qk + kvHeads * (d.qk + d.v);
  const attnOutWidth = m.heads * d.v;
  const mlaExtra = m.mla ? m.mla.qLoraRank + m.mla.kvLoraRank : 0;
  const actBase = 2 * h + qkvWidth + mlaExtra;
  return {
    model: m,
    layers: m.layers,
    denseLayers: p.denseLayers,
    moeLayers: p.moeLayers,
    hidden: h,
    heads: m.heads,
    kvHeads: m.kvHeads,
    vocab: m.vocabSize,
    experts: moe ? moe.experts : 0,
    topK,
    attnParams: p.attentionPerLayer,
    normParams: p.normPerLayer,
    denseMlpParams: p.denseMlpPerLayer,
    expertParams: p.expertParams,
    moeSharedParams: p.moeSharedPerLayer,
    embeddingParams: p.embedding,
    outputParams: m.vocabSize * h,
    totalParams: p.total,
    qkvWidth,
    kvWidth: kvHeads * (d.qk + d.v),
    attnOutWidth,
    fc1Width: g * m.ffnHiddenSize,
    ffn: m.ffnHiddenSize,
    expertFc1Width: g * expertFfn,
    expertFfn,
    sharedFfn,
    attnCoreFlopsPerSeq: 2 * m.heads * (d.qk + d.v),
    actBaseElemsDense: actBase + g * m.ffnHiddenSize,
    actBaseElemsMoe: actBase + g * (topK * expertFfn + sharedFfn),
    actSelElemsDense: 2 * h + m.ffnHiddenSize,
    actSelElemsMoe: 2 * h + topK * h + topK * expertFfn + sharedFfn,
    actOutElems: attnOutWidth,
    ...elementwise(m, qkvWidth - kvHeads * d.v, attnOutWidth, expertFfn, sharedFfn, topK),
    mtpLayers: options.mtpLayers ?? 0,
    moeDropless: moe !== undefined && !options.moeTokenDrop,
    modelFlopsPerToken: (seq: number) => flopsPerToken(m, seq),
  };
}

/**
 * Element-wise traffic per token per layer (forward, BF16 bytes): two RMSNorms (read+write h
 * each: 8h), two residual adds (12h), rotary on q and k (4·qk), the activation function
 * (gated: read 2f write f = 6f; plain 4f); MoE adds the router softmax (8E), the permutation
 * copy of top-k token replicas (4·k·h) and the weighted combine (2·k·h + 2h).
 */
function elementwise(m: ModelSpec, qkWidth: number, attnOut: number, expertFfn: number, sharedFfn: number, topK: number) {
  const h = m.hiddenSize;
  const act = m.gatedMlp ? 6 : 4;
  const attn = 20 * h + 4 * qkWidth;
  const experts = m.moe ? m.moe.experts : 0;
  const moeFfn = topK * expertFfn + sharedFfn;
  return {
    ewBytesAttn: attn,
    ewBytesDenseMlp: act * m.ffnHiddenSize,
    ewBytesMoeMlp: 2 * h + 8 * experts + 6 * topK * h + act * moeFfn,
    quantElemsDense: 2 * h + attnOut + m.ffnHiddenSize,
    quantElemsMoe: h + attnOut + topK * h + moeFfn + (sharedFfn > 0 ? h : 0),
  };
}

/** What the pipeline split needs of a model: layer counts and forward FLOPs per token of each part. */
export function splitModel(m: ModelSpec, mtpLayers = 0): SplitModel {
  const p = paramCounts(m);
  const attn = p.attentionPerLayer;
  return {
    layers: m.layers,
    denseLayers: p.denseLayers,
    mtpLayers,
    denseCost: 2 * (attn + p.denseMlpPerLayer),
    moeCost: 2 * (attn + p.moeSharedPerLayer + (m.moe ? m.moe.topK * p.expertParams : 0)),
    lossCost: 2 * m.hiddenSize * m.vocabSize,
  };
}
