/**
 * Compute time of one micro-batch (forward + backward + recomputation) on the slowest
 * pipeline stage (the last: it also runs the output layer), seconds.
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
import { logitsOnCriticalStage, stageSlots } from './stages.js';

const sat = (d: number, half: number) => d / (d + half);

/** Time of a GEMM family with the given FLOPs and shape, at the layout's precision. */
function gemmS(flops: number, m: number, n: number, k: number, peak: number, eff: number, half: number): number {
  if (flops <= 0) return 0;
  return flops / (peak * eff * sat(m, half) * sat(n, half) * sat(k, half));
}

export interface MicrobatchCompute {
  /** Forward GEMM + attention + element-wise time. */
  fwdS: number;
  bwdS: number;
  recomputeS: number;
  /** Attention-core time (forward + backward), which context-parallel exchange hides behind. */
  attnS: number;
  overheadS: number;
  /** CPU time to issue the micro-batch (launches + sync waits); a floor on its duration. */
  hostS: number;
}

/** Fills `r` with the per-micro-batch compute of the last stage. */
export function microbatchCompute(mc: ModelCosts, cc: ClusterCosts, P: PerfParams, L: NumLayout, r: MicrobatchCompute): void {
  const g = P.generation[cc.generation];
  const peak = L.precision === 0 ? cc.peakBf16 : L.precision === 1 ? cc.peakFp8 : cc.peakFp4;
  const eff = L.precision === 0 ? g.gemmEff.bf16 : L.precision === 1 ? g.gemmEff.fp8 : g.gemmEff.fp4;
  const half = P.gemmHalfDim;
  const T = (L.mbs * L.seq) / L.cp;
  const h = mc.hidden;
  const tp = L.tp;
  // Multi-token prediction: its layers sit on the last stage, the critical one.
  const mtp = mc.mtpLayers;
  const layersS = stageSlots(mc.layers, L.pp) + mtp;
  const fMoe = mc.layers > 0 ? mc.moeLayers / mc.layers : 0;
  const mtpMoe = mtp > 0 && mc.moeLayers > 0 ? mtp : 0;
  const denseL = (layersS - mtp) * (1 - fMoe) + (mtp - mtpMoe);
  const moeL = (layersS - mtp) * fMoe + mtpMoe;
  // Attention projections (every layer).
  const qkvShare = mc.qkvWidth / (mc.qkvWidth + mc.attnOutWidth);
  const attnFlops = (layersS * T * 2 * mc.attnParams) / tp;
  let gemm = gemmS(attnFlops * qkvShare, T, mc.qkvWidth / tp, h, peak, eff, half);
  gemm += gemmS(attnFlops * (1 - qkvShare), T, h, mc.attnOutWidth / tp, peak, eff, half);
  // Dense MLPs.
  const gShare = mc.fc1Width / (mc.fc1Width + mc.ffn || 1);
  const mlpFlops = (denseL * T * 2 * mc.denseMlpParams) / tp;
  gemm += gemmS(mlpFlops * gShare, T, mc.fc1Width / tp, h, peak, eff, half);
  gemm += gemmS(mlpFlops * (1 - gShare), T, h, mc.ffn / tp, peak, eff, half);
  // MoE: routed experts (grouped GEMM, tokens per expert), shared experts, router.
  let expertFwd = 0;
  let expertBwd = 0;
  if (moeL > 0) {
    const perExpert = (T * mc.topK * L.ep) / mc.experts;
    const eFlops = (moeL * T * mc.topK * 2 * mc.expertParams) / tp;
    const eShare = mc.expertFc1Width / (mc.expertFc1Width + mc.expertFfn);
    const eGemm = gemmS(eFlops * eShare, perExpert, mc.expertFc1Width / tp, h, peak, eff, half) + gemmS(eFlops * (1 - eShare), perExpert, h, mc.expertFfn / tp, peak, eff, half);
    expertFwd = eGemm;
    expertBwd = 2 * eGemm;
    const sFlops = (moeL * T * 2 * mc.moeSharedParams) / tp;
    gemm += gemmS(sFlops, T, Math.max(mc.sharedFfn / tp, mc.experts), h, peak, eff, half);
  }
  // Output layer on the last stage.
  const heads = (logitsOnCriticalStage(mc.layers, L.pp) ? 1 : 0) + mtp;
  const logits = heads > 0 ? heads * gemmS((T * 2 * h * mc.vocab) / tp, T, mc.vocab / tp, h, peak, eff, half) : 0;
  // Flash attention over the causal half (cp ranks each see seq/2 keys on average).
  // ... or, for short sequences, the HBM traffic of reading Q, K, V and writing O, whichever is longer.
  const attnFlopsS = (layersS * T * mc.attnCoreFlopsPerSeq * L.seq * 0.5) / tp / (cc.peakBf16 * g.flashEff);
  const attnBytesS = (layersS * T * 2 * (mc.qkvWidth + mc.attnOutWidth)) / tp / cc.hbmBandwidthBytesPerS;
  const attnFwd = Math.max(attnFlopsS, attnBytesS);
  // Element-wise traffic (× elementwiseFactor for unfused kernels), plus FP8/FP4 quantisation.
  let ewBytes = P.elementwiseFactor * (layersS * mc.ewBytesAttn + denseL * mc.ewBytesDenseMlp) + P.moeElementwiseFactor * moeL * mc.ewBytesMoeMlp;
  if (L.precision > 0) ewBytes += P.quantBytesPerElement * (denseL * mc.quantElemsDense + moeL * mc.quantElemsMoe);
  const ewFwd = (T * ewBytes) / tp / cc.hbmBandwidthBytesPerS;
  const fwd = gemm + expertFwd + logits + attnFwd + ewFwd;
  r.fwdS = fwd;
  r.bwdS = 2 * (gemm + logits) + expertBwd + 2.5 * attnFwd + 2 * ewFwd;
  r.recomputeS = L.recompute === 2 ? gemm + expertFwd + attnFwd + ewFwd : L.recompute === 1 ? ewFwd * 0.5 : 0;
  r.attnS = 3.5 * attnFwd;
  // CPU time to issue a micro-batch, a floor on its duration (step-time.ts takes the longer of
  // the GPU's time and the CPU's). Dropless MoE layers issue many small kernels (router,
  // permutation, one grouped GEMM per local expert: forward, 2× in the backward, 1× more when
  // recomputed) and block the CPU at a device-to-host copy of the per-expert token counts each
  // forward. That lockstep also stops the CPU from queueing work past a pipeline chunk
  // boundary, so each chunk's receive (forward and backward) is waited for on the host
  // (chunkSyncS). Token-dropping layers have static shapes and run under CUDA graphs: no
  // per-kernel CPU cost, no lockstep. Dense layers' launches hide behind their GEMMs.
  const passes = L.recompute === 2 ? 4 : 3;
  const local = moeL > 0 ? mc.experts / L.ep : 0;
  r.hostS = mc.moeDropless
    ? moeL * (passes * (P.hostPerMoeLayerS + local * P.hostPerLocalExpertS) + (passes - 2) * P.moeSyncS) + (L.pp > 1 ? 2 * L.vpp * P.chunkSyncS : 0)
    : 0;
  r.overheadS = layersS * P.layerOverheadS * (L.recompute === 2 ? 1.33 : 1) + moeL * P.moeLayerOverheadS;
}
