/**
 * Transformer vocabulary, with the field names of DESIGN.md's model YAML.
 */
export interface MoeSpec {
  experts: number;
  topK: number;
  expertFfnHiddenSize: number;
  sharedExperts: number;
  /** The first N layers are dense (use ffnHiddenSize). */
  denseLayers: number;
}

/**
 * Multi-head latent attention (DeepSeek-V2/V3). When present, attention
 * parameters and FLOPs follow the low-rank projections instead of q/k/v/o.
 */
export interface MlaSpec {
  qLoraRank: number;
  kvLoraRank: number;
  qkNopeHeadDim: number;
  qkRopeHeadDim: number;
  vHeadDim: number;
}

/** Parameter counts as their authors published them. */
export interface PublishedCounts {
  params: number;
  activeParams?: number;
  /** Some authors (OpenAI's gpt-oss card) leave the input-embedding lookup out of "active". */
  activeExcludesInputEmbedding?: boolean;
  /** Relative precision of the published figure (e.g. "37B" is ±1.35%); defaults to 1%. */
  tolerance?: number;
  source: string;
}

export interface ModelSpec {
  name: string;
  layers: number;
  hiddenSize: number;
  /** Dense MLP width (used by dense layers). */
  ffnHiddenSize: number;
  heads: number;
  /** GQA key/value heads; = heads for MHA. */
  kvHeads: number;
  /** Per-head dimension; default hiddenSize / heads. */
  headDim: number;
  vocabSize: number;
  /** SwiGLU-style three matrices; false = two. */
  gatedMlp: boolean;
  tiedEmbeddings: boolean;
  moe?: MoeSpec;
  mla?: MlaSpec;
  /** Published parameter counts to check against, with source (presets only). */
  published?: PublishedCounts;
}

/** Parameter counts, by where they live (for sharding over tp/pp/ep). */
export interface ParamCounts {
  total: number;
  active: number;
  embedding: number;
  /** Output projection (0 when tied). */
  output: number;
  /** Attention params per layer. */
  attentionPerLayer: number;
  /** Norm params per layer. */
  normPerLayer: number;
  /** Dense MLP params per dense layer. */
  denseMlpPerLayer: number;
  /** Params of one routed expert. */
  expertParams: number;
  /** Shared-expert + router params per MoE layer. */
  moeSharedPerLayer: number;
  denseLayers: number;
  moeLayers: number;
}
