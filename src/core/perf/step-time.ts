/**
 * Step time of a layout: micro-batch compute and communication on the slowest stage,
 * pipeline bubble, data-parallel gradient/parameter traffic and the optimizer step.
 *
 * Per micro-batch and layer: tensor parallelism (with sequence parallelism) all-gathers and
 * reduce-scatters the activations twice each way (four collectives forward, four backward,
 * four more for a full recompute), hidden behind GEMMs up to tpOverlap; context parallelism
 * passes K/V around a ring (dK/dV too in backward), hidden behind flash attention; expert
 * parallelism dispatches and combines tokens with all-to-alls (exposed). The bubble is
 * (pp−1)/vpp micro-batch times. Data parallelism reduce-scatters gradients (all-reduce for
 * zero 0) during the last micro-batch's backward and all-gathers parameters (zero ≥ 1)
 * during the first forward; ZeRO-3 gathers weights every micro-batch, forward and backward,
 * and reduce-scatters gradients every micro-batch. Overlapped communication slows the
 * compute it hides behind by overlapSlowdown of its duration.
 */
import { allToAllS, p2pS, ringS } from './comm.js';
import type { ClusterCosts } from './cluster-costs.js';
import { microbatchCompute, type MicrobatchCompute } from './compute.js';
import type { ModelCosts } from './model-costs.js';
import type { PerfParams } from './params.js';
import { M, type NumLayout } from './num-layout.js';
import { stageParams } from './memory.js';
import { stageSlots } from './stages.js';

const mb: MicrobatchCompute = { fwdS: 0, bwdS: 0, recomputeS: 0, attnS: 0, overheadS: 0, hostS: 0 };
const sp = new Float64Array(2);

/** Per-micro-batch communication of tp, cp, ep: [total, exposed] each, into `o[0..5]`. */
function microbatchComm(mc: ModelCosts, cc: ClusterCosts, P: PerfParams, L: NumLayout, o: Float64Array): void {
  const T = (L.mbs * L.seq) / L.cp;
  const layersS = stageSlots(mc.layers, L.pp) + mc.mtpLayers;
  const full = L.recompute === 2;
  const tpBytes = T * mc.hidden * 2;
  const tp = L.tp > 1 ? layersS * (full ? 12 : 8) * ringS(cc, P, L.tp, 1, tpBytes) : 0;
  o[0] = tp;
  o[1] = tp * (1 - P.generation[cc.generation].tpOverlap);
  const kvBytes = (T * mc.kvWidth * 2) / L.tp;
  const cpStep = L.cp > 1 ? p2pS(cc, P, L.tp * L.cp > cc.domainGpus ? cc.domainGpus : L.tp, kvBytes) : 0;
  const cp = layersS * (full ? 4 : 3) * (L.cp - 1) * cpStep;
  o[2] = cp;
  o[3] = Math.max(0, cp - mb.attnS * (full ? 1.3 : 1));
  const moeL = ((layersS - mc.mtpLayers) * mc.moeLayers) / mc.layers + (mc.moeLayers > 0 ? mc.mtpLayers : 0);
  const epBytes = (T * mc.topK * mc.hidden * 2) / L.tp;
  // ep·tp·cp beyond the GPUs means Megatron's expert-tensor-parallel-1 layout, which folds the
  // tensor ranks into the expert group: its members are then adjacent (stride 1).
  const epStride = L.ep * L.tp * L.cp > cc.gpus ? 1 : L.tp * L.cp;
  const ep = moeL > 0 && L.ep > 1 ? moeL * (full ? 6 : 4) * allToAllS(cc, P, L.ep, epStride, epBytes) : 0;
  o[4] = ep;
  // Megatron-Core hides the expert all-to-all behind another micro-batch's compute only in
  // the interleaved schedule (combined 1F1B with --overlap-moe-expert-parallel-comm).
  o[5] = L.vpp > 1 ? ep * (1 - P.epOverlap) : ep;
}

/** Data-parallel traffic per step: [total, exposed]. */
function dataParallel(mc: ModelCosts, cc: ClusterCosts, P: PerfParams, L: NumLayout, m: number, o: Float64Array): void {
  stageParams(mc, L, L.pp === 1, true, sp);
  const n = L.dp * L.cp;
  const en = Math.max(1, n / L.ep);
  const agDense = ringS(cc, P, n, L.tp, sp[0] * 2);
  const agExpert = ringS(cc, P, en, L.tp * L.ep, sp[1] * 2);
  const ag = agDense + agExpert;
  const fwdWin = mb.fwdS + mb.overheadS * 0.3;
  const bwdWin = mb.bwdS + mb.recomputeS;
  if (L.zero === 3) {
    const perMb = 3 * ag;
    o[0] = m * perMb;
    o[1] = m * (Math.max(0, ag - fwdWin) + Math.max(0, 2 * ag - bwdWin)) + ag / stageSlots(mc.layers, L.pp);
    return;
  }
  const rs = ag;
  o[0] = L.zero === 0 ? 2 * rs : rs + ag;
  o[1] = L.zero === 0 ? Math.max(0, 2 * rs - bwdWin) : Math.max(0, rs - bwdWin) + Math.max(0, ag - fwdWin);
}

const comm = new Float64Array(6);
const dpo = new Float64Array(2);

/** Fills out[M.stepTimeS..M.exposedCommS]; returns the step time, s. */
export function stepTimeInto(mc: ModelCosts, cc: ClusterCosts, P: PerfParams, L: NumLayout, out: Float64Array): number {
  const m = L.gbs / (L.dp * L.mbs);
  microbatchCompute(mc, cc, P, L, mb);
  microbatchComm(mc, cc, P, L, comm);
  dataParallel(mc, cc, P, L, m, dpo);
  const overlapped = comm[0] - comm[1] + (comm[2] - comm[3]) + (comm[4] - comm[5]) + (dpo[0] - dpo[1]) / m;
  // A micro-batch takes its GPU time (compute + exposed communication) or, when longer, the
  // CPU's time to issue it; CPU-bound idle time is booked as compute.
  const exposedMb = comm[1] + comm[3] + comm[5];
  const gpuMb = mb.fwdS + mb.bwdS + mb.recomputeS + mb.overheadS + P.overlapSlowdown * overlapped;
  const computeMb = Math.max(gpuMb, mb.hostS - exposedMb);
  const tMb = computeMb + exposedMb;
  const bubble = ((L.pp - 1) / L.vpp) * tMb;
  stageParams(mc, L, L.pp === 1, true, sp);
  const shard = L.zero >= 1 ? L.dp * L.cp : 1;
  const eshard = L.zero >= 1 ? Math.max(1, (L.dp * L.cp) / L.ep) : 1;
  const optimizerS = ((sp[0] / shard + sp[1] / eshard) * P.optimizerBytesPerParam) / cc.hbmBandwidthBytesPerS;
  const p2p = L.pp > 1 ? 2 * (L.pp - 1) * p2pS(cc, P, L.tp * L.cp * L.dp, (T(L) * mc.hidden * 2) / L.tp) : 0;
  const computeS = m * computeMb + optimizerS;
  const exposed = m * exposedMb + dpo[1] + p2p;
  out[M.computeS] = computeS;
  out[M.tpCommS] = m * comm[0];
  out[M.cpCommS] = m * comm[2];
  out[M.epCommS] = m * comm[4];
  out[M.ppBubbleS] = bubble;
  out[M.dpCommS] = dpo[0];
  out[M.exposedCommS] = exposed;
  const step = computeS + bubble + exposed;
  out[M.stepTimeS] = step;
  return step;
}

const T = (L: NumLayout) => (L.mbs * L.seq) / L.cp;
