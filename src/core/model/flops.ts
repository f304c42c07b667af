/**
 * Training FLOPs per token (forward + backward, no recomputation).
 *
 *   forward  = 2 · N_matmul + L · 2 · s · heads · (d_qk + d_v)
 *   training = 3 · forward          (backward = 2 × forward)
 *
 * N_matmul is the active parameter count without the input-embedding lookup (a gather,
 * not a GEMM) and without norms; it includes the output projection even when tied.
 * The attention term counts QKᵀ and A·V over the full sequence s without causal
 * masking, as Megatron-LM and the PaLM paper (appendix B) count it, so for a standard
 * MHA/GQA model it reduces to the familiar 6·N + 12·L·h·s.
 */
import { paramCounts } from './params.js';
import type { ModelSpec } from './types.js';

export interface ForwardFlopsParts {
  /** Dense GEMM FLOPs per token in the forward pass (2 × matmul params). */
  matmul: number;
  /** Attention score and value FLOPs per token in the forward pass. */
  attention: number;
  /** Output-layer (logits) GEMM FLOPs per token in the forward pass (part of `matmul`). */
  logits: number;
}

/** Active parameters that take part in GEMMs per token. */
export function matmulParams(m: ModelSpec): number {
  const p = paramCounts(m);
  const norms = m.layers * p.normPerLayer + m.hiddenSize;
  return p.active - p.embedding - p.output - norms + m.vocabSize * m.hiddenSize;
}

/** Query·key and value dimensions per head. */
export function headDims(m: ModelSpec): { qk: number; v: number } {
  if (m.mla) return { qk: m.mla.qkNopeHeadDim + m.mla.qkRopeHeadDim, v: m.mla.vHeadDim };
  return { qk: m.headDim, v: m.headDim };
}

export function forwardFlopsPerTokenParts(m: ModelSpec, seqLen: number): ForwardFlopsParts {
  const d = headDims(m);
  return {
    matmul: 2 * matmulParams(m),
    attention: m.layers * 2 * seqLen * m.heads * (d.qk + d.v),
    logits: 2 * m.vocabSize * m.hiddenSize,
  };
}

/** Training FLOPs per token: forward + backward, no recomputation (the MFU numerator). */
export function flopsPerToken(m: ModelSpec, seqLen: number): number {
  const f = forwardFlopsPerTokenParts(m, seqLen);
  return 3 * (f.matmul + f.attention);
}
