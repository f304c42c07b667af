/**
 * Per-model constants the performance model needs, computed once per model so that the
 * planner's inner loop works on plain numbers. Per-token quantities are for one layer of
 * the forward pass unless the name says otherwise.
 */
import { paramCounts } from '../model/params.js';
import { flopsPerToken, headDims } from '../model/flops.js';
import type { ModelSpec } from '../model/types.js';

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
  /** Model FLOPs per token (fwd+bwd, no recompute) for a sequence length: the MFU numerator. */
  modelFlopsPerToken: (seq: number) => number;
}

export function modelCosts(m: ModelSpec): ModelCosts {
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
    modelFlopsPerToken: (seq: number) => flopsPerToken(m, seq),
  };
}
