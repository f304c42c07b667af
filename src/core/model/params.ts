/**
 * Parameter counts of a transformer, by where they live.
 *
 * Per layer: attention q/k/v/o (or MLA's low-rank projections), two norms, and either a
 * dense MLP (gated: 3·h·f, plain: 2·h·f) or an MoE block (routed experts, shared experts,
 * router h·E). Plus input embedding V·h, output projection V·h (0 if tied) and a final norm.
 * Biases are left out (they are <0.1% for every preset).
 */
import type { ModelSpec, ParamCounts } from './types.js';

/** Attention parameters of one layer. */
export function attentionParams(m: ModelSpec): number {
  const h = m.hiddenSize;
  if (m.mla) {
    const a = m.mla;
    const qkDim = a.qkNopeHeadDim + a.qkRopeHeadDim;
    const q = a.qLoraRank > 0 ? h * a.qLoraRank + a.qLoraRank + a.qLoraRank * m.heads * qkDim : h * m.heads * qkDim;
    const kv = h * (a.kvLoraRank + a.qkRopeHeadDim) + a.kvLoraRank + a.kvLoraRank * m.heads * (a.qkNopeHeadDim + a.vHeadDim);
    const o = m.heads * a.vHeadDim * h;
    return q + kv + o;
  }
  const q = h * m.heads * m.headDim;
  const kv = 2 * h * m.kvHeads * m.headDim;
  const o = m.heads * m.headDim * h;
  return q + kv + o;
}

/** Parameters of one MLP of width `ffn`. */
export const mlpParams = (m: ModelSpec, ffn: number): number => (m.gatedMlp ? 3 : 2) * m.hiddenSize * ffn;

export function paramCounts(m: ModelSpec): ParamCounts {
  const h = m.hiddenSize;
  const attentionPerLayer = attentionParams(m);
  const normPerLayer = 2 * h;
  const denseMlpPerLayer = mlpParams(m, m.ffnHiddenSize);
  const moe = m.moe;
  const denseLayers = moe ? Math.min(moe.denseLayers, m.layers) : m.layers;
  const moeLayers = m.layers - denseLayers;
  const expertParams = moe ? mlpParams(m, moe.expertFfnHiddenSize) : 0;
  const moeSharedPerLayer = moe ? moe.sharedExperts * expertParams + h * moe.experts : 0;
  const embedding = m.vocabSize * h;
  const output = m.tiedEmbeddings ? 0 : m.vocabSize * h;
  const common = m.layers * (attentionPerLayer + normPerLayer) + denseLayers * denseMlpPerLayer + embedding + output + h;
  const total = common + (moe ? moeLayers * (moe.experts * expertParams + moeSharedPerLayer) : 0);
  const active = common + (moe ? moeLayers * (moe.topK * expertParams + moeSharedPerLayer) : 0);
  return {
    total,
    active,
    embedding,
    output,
    attentionPerLayer,
    normPerLayer,
    denseMlpPerLayer,
    expertParams,
    moeSharedPerLayer,
    denseLayers,
    moeLayers,
  };
}
