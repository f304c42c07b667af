/**
 * Compute time of one micro-batch, as per-layer units that each pipeline stage sums for the
 * layers it holds (step-time.ts): one dense layer, one MoE layer, one output head (the output
 * GEMM, on the stage that holds the loss; an MTP depth adds one layer and one head).
 *
 * GEMMs run at peak(precision) × gemmEff(generation, precision) × s(m)·s(n)·s(k) with
 * s(d) = d / (d + gemmHalfDim): large GEMMs approach the measured maximum, thin ones
 * (tensor-parallel shards, per-expert token groups) lose to tile and wave quantisation.
 * Backward GEMMs cost twice the forward. Flash attention runs in BF16 at flashEff of peak
 * over the causal half of the score matrix; its backward does 2.5× the forward work.
 * Element-wise ops (norms, residuals, activation function, FP8 casts) move bytes at HBM
 * bandwidth. FP8/FP4 speed up only the GEMMs.
 */
import type { ClusterCosts } from './cluster-costs.js';
import type { ModelCosts } from './model-costs.js';
import type { PerfParams } from './params.js';
import type { NumLayout } from './num-layout.js';

const sat = (d: number, half: number) => d / (d + half);

/** Time of a GEMM family with the given FLOPs and shape, at the layout's precision. */
function gemmS(flops: number, m: number, n: number, k: number, peak: number, eff: number, half: number): number {
  if (flops <= 0) return 0;
  return flops / (peak * eff * sat(m, half) * sat(n, half) * sat(k, half));
}

/** Per-micro-batch times of one unit (a layer or an output head), s. */
export interface Unit {
  fwdS: number;
  bwdS: number;
  recomputeS: number;
  /** Attention-core time (forward + backward), which context-parallel exchange hides behind. */
  attnS: number;
  overheadS: number;
  /** CPU time to issue the unit (dropless MoE only); a floor on the micro-batch's duration. */
  hostS: number;
}

export interface LayerUnits {
  dense: Unit;
  moe: Unit;
  head: Unit;
  /** CPU time per pipeline chunk per micro-batch (forward + backward receive waits), dropless MoE under pp > 1. */
  chunkHostS: number;
}

export const newUnit = (): Unit => ({ fwdS: 0, bwdS: 0, recomputeS: 0, attnS: 0, overheadS: 0, hostS: 0 });
export const newLayerUnits = (): LayerUnits => ({ dense: newUnit(), moe: newUnit(), head: newUnit(), chunkHostS: 0 });

function setUnit(u: Unit, gemm: number, expertFwd: number, attnFwd: number, ewFwd: number, L: NumLayout, rc: number): void {
  u.fwdS = gemm + expertFwd + attnFwd + ewFwd;
  u.bwdS = 2 * gemm + 2 * expertFwd + 2.5 * attnFwd + 2 * ewFwd;
  u.recomputeS = L.recompute === 2 ? rc * (gemm + expertFwd + attnFwd + ewFwd) : L.recompute === 1 ? ewFwd * 0.5 : 0;
  u.attnS = 3.5 * attnFwd;
}

/**
 * Fills `u` with the per-layer and per-head compute of the layout; `rc` is the share of layers
 * fully recomputed (stages.ts recomputeShare; the per-layer values are averages over the layers).
 */
export function layerUnits(mc: ModelCosts, cc: ClusterCosts, P: PerfParams, L: NumLayout, u: LayerUnits, rc = L.recompute === 2 ? 1 : 0): void {
  const g = P.generation[cc.generation];
  const peak = L.precision === 0 ? cc.peakBf16 : L.precision === 1 ? cc.peakFp8 : cc.peakFp4;
  const eff = L.precision === 0 ? g.gemmEff.bf16 : L.precision === 1 ? g.gemmEff.fp8 : g.gemmEff.fp4;
  const half = P.gemmHalfDim;
  const T = (L.mbs * L.seq) / L.cp;
  const h = mc.hidden;
  const tp = L.tp;
  // Attention projections (every layer).
  const qkvShare = mc.qkvWidth / (mc.qkvWidth + mc.attnOutWidth);
  const attnFlops = (T * 2 * mc.attnParams) / tp;
  const attnGemm = gemmS(attnFlops * qkvShare, T, mc.qkvWidth / tp, h, peak, eff, half) + gemmS(attnFlops * (1 - qkvShare), T, h, mc.attnOutWidth / tp, peak, eff, half);
  // Dense MLP.
  const gShare = mc.fc1Width / (mc.fc1Width + mc.ffn || 1);
  const mlpFlops = (T * 2 * mc.denseMlpParams) / tp;
  const mlpGemm = gemmS(mlpFlops * gShare, T, mc.fc1Width / tp, h, peak, eff, half) + gemmS(mlpFlops * (1 - gShare), T, h, mc.ffn / tp, peak, eff, half);
  // MoE: routed experts (grouped GEMM, tokens per expert), shared experts + router.
  let expertGemm = 0;
  let sharedGemm = 0;
  if (mc.experts > 0) {
    const perExpert = (T * mc.topK * L.ep) / mc.experts;
    const eFlops = (T * mc.topK * 2 * mc.expertParams) / tp;
    const eShare = mc.expertFc1Width / (mc.expertFc1Width + mc.expertFfn);
    expertGemm = gemmS(eFlops * eShare, perExpert, mc.expertFc1Width / tp, h, peak, eff, half) + gemmS(eFlops * (1 - eShare), perExpert, h, mc.expertFfn / tp, peak, eff, half);
    sharedGemm = gemmS((T * 2 * mc.moeSharedParams) / tp, T, Math.max(mc.sharedFfn / tp, mc.experts), h, peak, eff, half);
  }
  // Flash attention over the causal half, or for short sequences the HBM traffic of Q, K, V, O.
  const attnFlopsS = (T * mc.attnCoreFlopsPerSeq * L.seq * 0.5) / tp / (cc.peakBf16 * g.flashEff);
  const attnBytesS = (T * 2 * (mc.qkvWidth + mc.attnOutWidth)) / tp / cc.hbmBandwidthBytesPerS;
  const attnFwd = Math.max(attnFlopsS, attnBytesS);
  // Element-wise traffic (× elementwiseFactor for unfused kernels), plus FP8/FP4 quantisation.
  const q = L.precision > 0 ? P.quantBytesPerElement : 0;
  const ewDense = (T * (P.elementwiseFactor * (mc.ewBytesAttn + mc.ewBytesDenseMlp) + q * mc.quantElemsDense)) / tp / cc.hbmBandwidthBytesPerS;
  const ewMoe = (T * (P.elementwiseFactor * mc.ewBytesAttn + P.moeElementwiseFactor * mc.ewBytesMoeMlp + q * mc.quantElemsMoe)) / tp / cc.hbmBandwidthBytesPerS;
  setUnit(u.dense, attnGemm + mlpGemm, 0, attnFwd, ewDense, L, rc);
  u.dense.overheadS = P.layerOverheadS * (1 + 0.33 * rc);
  u.dense.hostS = 0;
  setUnit(u.moe, attnGemm + sharedGemm, expertGemm, attnFwd, ewMoe, L, rc);
  u.moe.overheadS = u.dense.overheadS + P.moeLayerOverheadS;
  // CPU time to issue a micro-batch, a floor on its duration (step-time.ts takes the longer of
  // the GPU's time and the CPU's). Dropless MoE layers issue many small kernels (router,
  // permutation, one grouped GEMM per local expert: forward, 2× in the backward, 1× more when
  // recomputed) and block the CPU at a device-to-host copy of the per-expert token counts each
  // forward. That lockstep also stops the CPU from queueing work past a pipeline chunk
  // boundary, so each chunk's receive (forward and backward) is waited for on the host
  // (chunkSyncS). Token-dropping layers have static shapes and run under CUDA graphs: no
  // per-kernel CPU cost, no lockstep. Dense layers' launches hide behind their GEMMs.
  const passes = 3 + rc;
  u.moe.hostS = mc.moeDropless ? passes * (P.hostPerMoeLayerS + (mc.experts / L.ep) * P.hostPerLocalExpertS) + (passes - 2) * P.moeSyncS : 0;
  u.chunkHostS = mc.moeDropless && L.pp > 1 ? 2 * P.chunkSyncS : 0;
  // Output layer (on the stage holding the loss; one more per MTP depth).
  const logits = gemmS((T * 2 * h * mc.vocab) / tp, T, mc.vocab / tp, h, peak, eff, half);
  const hu = u.head;
  hu.fwdS = logits;
  hu.bwdS = 2 * logits;
  hu.recomputeS = 0;
  hu.attnS = 0;
  hu.overheadS = 0;
  hu.hostS = 0;
}
