/**
 * Memory per GPU of a layout, bytes, for the most loaded pipeline stage.
 *
 * Weights BF16 (2 B) plus an FP8/FP4 weight copy (1 B) when GEMMs run in low precision;
 * gradients accumulate in FP32 (4 B, Megatron main_grad); Adam keeps an FP32 master copy and
 * two moments (12 B). ZeRO/distributed optimizer shards optimizer state (stage ≥ 1), gradients
 * (≥ 2) and weights (3) over the data-parallel group (dp·cp ranks; dp·cp/ep for experts).
 * Activations follow Korthikanti et al. 2022 with sequence parallelism (everything ÷ tp) and
 * flash attention (no s² term), context parallelism (÷ cp), dropout off; selective recompute
 * drops norm outputs, the MLP activation output and MoE dispatch copies; full recompute keeps
 * only each layer's input (of the recomputed layers: with --recompute-num-layers the others keep
 * everything). Rank r holds min(m, pp − r) micro-batches in flight under 1F1B and
 * (pp − r − 1)·2 + (vpp − 1)·pp + 1 model chunks under the interleaved schedule (Megatron's
 * warm-up); the stage holding the embedding keeps its output, the one holding the loss the
 * logits (BF16 + FP32 for the loss). Every stage class of the split is evaluated; the largest wins.
 */
import type { ModelCosts } from './model-costs.js';
import type { PerfParams } from './params.js';
import { M, type NumLayout } from './num-layout.js';
import { recomputeShare, type PipelineSplit, type StageClass } from './stages.js';

/** Parameters one GPU of a stage holds: [non-expert, expert], into `out[0..1]`. */
export function classParams(mc: ModelCosts, L: NumLayout, c: StageClass, out: Float64Array): void {
  const layers = c.denseLayers + c.moeLayers;
  let dense = layers * (mc.attnParams / L.tp + mc.normParams) + (c.denseLayers * mc.denseMlpParams) / L.tp;
  dense += (c.moeLayers * mc.moeSharedParams) / L.tp;
  if (c.embed) dense += mc.embeddingParams / L.tp;
  if (c.loss && (L.pp > 1 || !mc.model.tiedEmbeddings)) dense += mc.outputParams / L.tp;
  out[0] = dense;
  out[1] = mc.experts > 0 ? (c.moeLayers * mc.experts * mc.expertParams) / (L.ep * L.tp) : 0;
}

/** Activation bytes of one layer for one micro-batch on one GPU (the model's layer mix). */
export function layerActivationBytes(mc: ModelCosts, L: NumLayout, recompute: number): number {
  const tokens = (L.mbs * L.seq) / L.cp;
  if (recompute === 2) return (tokens * 2 * mc.hidden) / L.tp;
  const gemmInBytes = L.precision === 0 ? 2 : 1;
  const fMoe = mc.layers > 0 ? mc.moeLayers / mc.layers : 0;
  const base = (1 - fMoe) * mc.actBaseElemsDense + fMoe * mc.actBaseElemsMoe;
  const sel = (1 - fMoe) * mc.actSelElemsDense + fMoe * mc.actSelElemsMoe;
  let elemsBytes = base * 2 + mc.actOutElems * gemmInBytes;
  if (recompute === 0) elemsBytes += sel * gemmInBytes;
  return (tokens * elemsBytes) / L.tp;
}

/** Activation bytes per layer and micro-batch when a `share` of the layers is fully recomputed (recompute 2). */
export function layerActivation(mc: ModelCosts, L: NumLayout, share: number): number {
  if (L.recompute !== 2 || share >= 1) return layerActivationBytes(mc, L, L.recompute);
  return share * layerActivationBytes(mc, L, 2) + (1 - share) * layerActivationBytes(mc, L, 0);
}

/** Layer·micro-batches of activations rank `rank` holding `layers` layers keeps at its peak. */
export function inFlightLayerMicrobatches(layers: number, rank: number, pp: number, vpp: number, microbatches: number): number {
  if (vpp <= 1) return layers * Math.min(microbatches, pp - rank);
  const chunks = Math.min(microbatches * vpp, (pp - rank - 1) * 2 + (vpp - 1) * pp + 1);
  return (chunks * layers) / vpp;
}

const sc = new Float64Array(2);
const zs = new Float64Array(4);

/**
 * Weights, gradients and optimizer state of a stage class's `params` parameters (`sharded` of
 * them per GPU once sharded over the data-parallel group) at a ZeRO stage, bytes, into
 * out[0..2]; out[3] is the ZeRO-3 gather buffer (counted in the weights).
 */
export function stateBytes(L: NumLayout, zero: number, params: number, sharded: number, layers: number, out: Float64Array): void {
  const lowPrecCopy = L.precision === 0 ? 0 : 1;
  const zeroBuffer = zero === 3 ? (2 * params * 2) / Math.max(1, layers) : 0;
  out[0] = (zero === 3 ? sharded : params) * (2 + lowPrecCopy) + zeroBuffer;
  out[1] = (zero >= 2 ? sharded : params) * 4;
  out[2] = (zero >= 1 ? sharded : params) * 12;
  out[3] = zeroBuffer;
}

/** Activation bytes a stage class holds at its peak, given one layer's (layerActivation). */
export function classActivationBytes(mc: ModelCosts, L: NumLayout, c: StageClass, layerAct: number): number {
  const microbatches = L.gbs / (L.dp * L.mbs);
  const tokens = (L.mbs * L.seq) / L.cp;
  const transient = L.recompute === 2 ? layerActivationBytes(mc, L, 0) : 0;
  let act = inFlightLayerMicrobatches(c.denseLayers + c.moeLayers, c.rank, L.pp, L.vpp, microbatches) * layerAct + transient;
  if (c.embed) act += (tokens * 2 * mc.hidden) / L.tp;
  if (c.loss) act += (tokens * mc.vocab * 6) / L.tp;
  return act;
}

/** Framework buffers and fragmentation, bytes, over the activations and the ZeRO-3 buffer. */
export const otherBytes = (P: PerfParams, act: number, zeroBuffer: number): number => P.frameworkBytes + P.fragmentation * (act + zeroBuffer);

/** Total bytes of one stage class; with `o`, the breakdown into o[M.weights..M.total]. */
export function classMemory(mc: ModelCosts, P: PerfParams, L: NumLayout, c: StageClass, share: number, o?: Float64Array, layerAct = layerActivation(mc, L, share)): number {
  const shard = L.dp * L.cp;
  const eshard = Math.max(1, shard / L.ep);
  classParams(mc, L, c, sc);
  stateBytes(L, L.zero, sc[0] + sc[1], sc[0] / shard + sc[1] / eshard, c.denseLayers + c.moeLayers, zs);
  const weights = zs[0];
  const grads = zs[1];
  const optim = zs[2];
  const act = classActivationBytes(mc, L, c, layerAct);
  const other = otherBytes(P, act, zs[3]);
  const total = weights + grads + optim + act + other;
  if (o) {
    o[M.weights] = weights;
    o[M.gradients] = grads;
    o[M.optimizer] = optim;
    o[M.activations] = act;
    o[M.other] = other;
    o[M.total] = total;
  }
  return total;
}

/** Fills out[M.weights..M.total] with the breakdown of the most loaded stage; returns its bytes. */
export function memoryInto(mc: ModelCosts, P: PerfParams, L: NumLayout, split: PipelineSplit, out: Float64Array): number {
  const cls = split.classes;
  const share = recomputeShare(L.recompute, L.rlayers, split);
  const layerAct = layerActivation(mc, L, share);
  if (cls.length === 1) return classMemory(mc, P, L, cls[0], share, out, layerAct);
  let best = 0;
  let bestBytes = -1;
  for (let i = 0; i < cls.length; i++) {
    const b = classMemory(mc, P, L, cls[i], share, undefined, layerAct);
    if (b > bestBytes) {
      bestBytes = b;
      best = i;
    }
  }
  return classMemory(mc, P, L, cls[best], share, out, layerAct);
}
