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
 * only each layer's input. The first stage holds pp micro-batches in flight under 1F1B and
 * (pp−1)·2 + (vpp−1)·pp + 1 model chunks under the interleaved schedule; the last stage holds
 * one micro-batch plus the logits (BF16 + FP32 for the loss).
 */
import type { ClusterCosts } from './cluster-costs.js';
import type { ModelCosts } from './model-costs.js';
import type { PerfParams } from './params.js';
import { M, type NumLayout } from './num-layout.js';
import { edgeStageLayers, stageSlots } from './stages.js';

/** Parameters one GPU holds on a stage: [non-expert, expert]. Written into `out[0..1]`. */
export function stageParams(mc: ModelCosts, L: NumLayout, first: boolean, last: boolean, out: Float64Array): void {
  const layers = first || last ? edgeStageLayers(mc.layers, L.pp) : stageSlots(mc.layers, L.pp);
  const fMoe = mc.layers > 0 ? mc.moeLayers / mc.layers : 0;
  const denseL = layers * (1 - fMoe);
  const moeL = layers * fMoe;
  let dense = (denseL + moeL) * ((mc.attnParams) / L.tp + mc.normParams) + denseL * mc.denseMlpParams / L.tp;
  dense += (moeL * mc.moeSharedParams) / L.tp;
  if (first) dense += mc.embeddingParams / L.tp;
  if (last && (L.pp > 1 || !mc.model.tiedEmbeddings)) dense += mc.outputParams / L.tp;
  out[0] = dense;
  out[1] = mc.experts > 0 ? (moeL * mc.experts * mc.expertParams) / (L.ep * L.tp) : 0;
}

/** Activation bytes of one layer for one micro-batch on one GPU. */
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

/** Layer·micro-batches of activations the first stage holds at its peak. */
export function inFlightLayerMicrobatches(mc: ModelCosts, L: NumLayout, microbatches: number): number {
  const layersPerStage = edgeStageLayers(mc.layers, L.pp);
  if (L.vpp <= 1) return layersPerStage * Math.min(microbatches, L.pp);
  const chunks = Math.min(microbatches * L.vpp, (L.pp - 1) * 2 + (L.vpp - 1) * L.pp + 1);
  return (chunks * layersPerStage) / L.vpp;
}

/**
 * Fills out[M.weights..M.total] with the breakdown of the most loaded stage and returns
 * the total bytes. `scratch` needs 2 slots.
 */
export function memoryInto(mc: ModelCosts, cc: ClusterCosts, P: PerfParams, L: NumLayout, out: Float64Array, scratch: Float64Array): number {
  const microbatches = L.gbs / (L.dp * L.mbs);
  const shard = L.dp * L.cp;
  const eshard = Math.max(1, shard / L.ep);
  const layerAct = layerActivationBytes(mc, L, L.recompute);
  const transient = L.recompute === 2 ? layerActivationBytes(mc, L, 0) : 0;
  let best = -1;
  for (let s = 0; s < 2; s++) {
    const first = s === 0;
    const last = s === 1 || L.pp === 1;
    if (s === 1 && L.pp === 1) break;
    stageParams(mc, L, first, last, scratch);
    const dense = scratch[0];
    const expert = scratch[1];
    const params = dense + expert;
    const sharded = dense / shard + expert / eshard;
    const lowPrecCopy = L.precision === 0 ? 0 : 1;
    let weights = L.zero === 3 ? sharded * (2 + lowPrecCopy) : params * (2 + lowPrecCopy);
    const zeroBuffer = L.zero === 3 ? (2 * params * 2) / Math.max(1, edgeStageLayers(mc.layers, L.pp)) : 0;
    weights += zeroBuffer;
    const grads = (L.zero >= 2 ? sharded : params) * 4;
    const optim = (L.zero >= 1 ? sharded : params) * 12;
    const tokens = (L.mbs * L.seq) / L.cp;
    const held = first ? inFlightLayerMicrobatches(mc, L, microbatches) : edgeStageLayers(mc.layers, L.pp);
    let act = held * layerAct + transient + (first ? (tokens * 2 * mc.hidden) / L.tp : 0);
    if (last) act += (tokens * mc.vocab * 6) / L.tp;
    const other = P.frameworkBytes + P.fragmentation * (act + zeroBuffer);
    const total = weights + grads + optim + act + other;
    if (total > best) {
      best = total;
      out[M.weights] = weights;
      out[M.gradients] = grads;
      out[M.optimizer] = optim;
      out[M.activations] = act;
      out[M.other] = other;
      out[M.total] = total;
    }
  }
  return best;
}
