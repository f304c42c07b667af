/**
 * Step time of a layout: each pipeline stage's micro-batch time (compute and communication of
 * the layers, heads and MTP layers it holds), the slowest stage pacing the pipeline, the bubble
 * from the real stage times, data-parallel gradient/parameter traffic and the optimizer step.
 *
 * Per micro-batch and layer: tensor parallelism (with sequence parallelism) all-gathers and
 * reduce-scatters the activations twice each way (four collectives forward, four backward,
 * four more for a full recompute), hidden behind GEMMs up to tpOverlap; context parallelism
 * passes K/V around a ring (dK/dV too in backward), hidden behind flash attention; expert
 * parallelism dispatches and combines tokens with all-to-alls (exposed but under the
 * interleaved schedule). With stage micro-batch times t_r the step is m·max(t) plus a bubble of
 * (Σ t_r − max t)/vpp — (pp−1)/vpp micro-batch times when the stages are equal. Data
 * parallelism reduce-scatters gradients (all-reduce for zero 0) during the last micro-batch's
 * backward and all-gathers parameters (zero ≥ 1) during the first forward; ZeRO-3 gathers
 * weights every micro-batch, forward and backward. Overlapped communication slows the compute
 * it hides behind by overlapSlowdown of its duration.
 */
import { allToAllS, p2pS, ringS } from './comm.js';
import type { ClusterCosts } from './cluster-costs.js';
import { layerUnits, newLayerUnits } from './compute.js';
import type { ModelCosts } from './model-costs.js';
import type { PerfParams } from './params.js';
import { M, type NumLayout } from './num-layout.js';
import { classParams } from './memory.js';
import { recomputeShare, type PipelineSplit, type StageClass } from './stages.js';

const U = newLayerUnits();
const sp = new Float64Array(2);
/** Per stage class: fwd, bwd, rec, attn, ovh, host, tpT, tpE, cpT, cpE, epT, epE, gpuNoDp, exposed, t. */
const W = 16;
let st = new Float64Array(8 * W);

/** Per-layer communication: tp per layer, cp per layer, ep per MoE layer (totals). */
const cu = new Float64Array(3);
function commUnits(mc: ModelCosts, cc: ClusterCosts, P: PerfParams, L: NumLayout, rc: number): void {
  const T = (L.mbs * L.seq) / L.cp;
  cu[0] = L.tp > 1 ? (8 + 4 * rc) * ringS(cc, P, L.tp, 1, T * mc.hidden * 2) : 0;
  const kvBytes = (T * mc.kvWidth * 2) / L.tp;
  const cpStep = L.cp > 1 ? p2pS(cc, P, L.tp * L.cp > cc.domainGpus ? cc.domainGpus : L.tp, kvBytes) : 0;
  cu[1] = (3 + rc) * (L.cp - 1) * cpStep;
  // ep·tp·cp beyond the GPUs means Megatron's expert-tensor-parallel-1 layout, which folds the
  // tensor ranks into the expert group: its members are then adjacent (stride 1).
  const epStride = L.ep * L.tp * L.cp > cc.gpus ? 1 : L.tp * L.cp;
  cu[2] = mc.moeLayers > 0 && L.ep > 1 ? (4 + 2 * rc) * allToAllS(cc, P, L.ep, epStride, (T * mc.topK * mc.hidden * 2) / L.tp) : 0;
}

/** One stage class's micro-batch (without data-parallel overlap) into st[o..o+W). */
function stageMb(mc: ModelCosts, P: PerfParams, tpOverlap: number, L: NumLayout, c: StageClass, o: number, rc: number): void {
  const mtpMoe = mc.moeLayers > 0 ? c.mtp : 0;
  const nD = c.denseLayers + c.mtp - mtpMoe;
  const nM = c.moeLayers + mtpMoe;
  const heads = c.loss + c.mtp;
  const d = U.dense, e = U.moe, h = U.head;
  st[o] = nD * d.fwdS + nM * e.fwdS + heads * h.fwdS;
  st[o + 1] = nD * d.bwdS + nM * e.bwdS + heads * h.bwdS;
  st[o + 2] = nD * d.recomputeS + nM * e.recomputeS;
  st[o + 3] = nD * d.attnS + nM * e.attnS;
  st[o + 4] = nD * d.overheadS + nM * e.overheadS;
  st[o + 5] = nM * e.hostS + (nM > 0 || mc.moeLayers > 0 ? L.vpp * U.chunkHostS : 0);
  const layers = nD + nM;
  st[o + 6] = layers * cu[0];
  st[o + 7] = st[o + 6] * (1 - tpOverlap);
  st[o + 8] = layers * cu[1];
  st[o + 9] = Math.max(0, st[o + 8] - st[o + 3] * (1 + 0.3 * rc));
  st[o + 10] = nM * cu[2];
  // Megatron-Core hides the expert all-to-all behind another micro-batch's compute only in
  // the interleaved schedule (combined 1F1B with --overlap-moe-expert-parallel-comm).
  st[o + 11] = L.vpp > 1 ? st[o + 10] * (1 - P.epOverlap) : st[o + 10];
  const overlapped = st[o + 6] - st[o + 7] + (st[o + 8] - st[o + 9]) + (st[o + 10] - st[o + 11]);
  st[o + 12] = st[o] + st[o + 1] + st[o + 2] + st[o + 4] + P.overlapSlowdown * overlapped;
  st[o + 13] = st[o + 7] + st[o + 9] + st[o + 11];
}

/** Micro-batch time of a class given the per-micro-batch data-parallel overlap; stores it in st[o+14]. */
function stageT(P: PerfParams, o: number, dpOverlappedPerMb: number): number {
  const gpu = st[o + 12] + P.overlapSlowdown * dpOverlappedPerMb;
  // A micro-batch takes its GPU time (compute + exposed communication) or, when longer, the
  // CPU's time to issue it; CPU-bound idle time is booked as compute.
  const compute = Math.max(gpu, st[o + 5] - st[o + 13]);
  st[o + 15] = compute;
  st[o + 14] = compute + st[o + 13];
  return st[o + 14];
}

/** Data-parallel traffic per step of the critical stage: [total, exposed]. */
const dpo = new Float64Array(2);
function dataParallel(cc: ClusterCosts, P: PerfParams, L: NumLayout, m: number, layers: number, o: number): void {
  const n = L.dp * L.cp;
  const en = Math.max(1, n / L.ep);
  const ag = ringS(cc, P, n, L.tp, sp[0] * 2) + ringS(cc, P, en, L.tp * L.ep, sp[1] * 2);
  // Gradients travel in the framework's reduce type (P.gradReduceBytes per element: 4 where it
  // reduces in FP32, as Megatron-Core does for BF16 training), parameters are gathered in BF16.
  const rs = ag * (P.gradReduceBytes / 2);
  const fwdWin = st[o] + st[o + 4] * 0.3;
  const bwdWin = st[o + 1] + st[o + 2];
  if (L.zero === 3) {
    dpo[0] = m * (2 * ag + rs);
    dpo[1] = m * (Math.max(0, ag - fwdWin) + Math.max(0, ag + rs - bwdWin)) + ag / Math.max(1, layers);
    return;
  }
  dpo[0] = L.zero === 0 ? 2 * rs : rs + ag;
  dpo[1] = L.zero === 0 ? Math.max(0, 2 * rs - bwdWin) : Math.max(0, rs - bwdWin) + Math.max(0, ag - fwdWin);
}

/** Fills out[M.stepTimeS..M.exposedCommS]; returns the step time, s. */
export function stepTimeInto(mc: ModelCosts, cc: ClusterCosts, P: PerfParams, L: NumLayout, split: PipelineSplit, out: Float64Array): number {
  const m = L.gbs / (L.dp * L.mbs);
  const cls = split.classes;
  if (st.length < cls.length * W) st = new Float64Array(cls.length * W * 2);
  const rc = recomputeShare(L.recompute, L.rlayers, split);
  layerUnits(mc, cc, P, L, U, rc);
  commUnits(mc, cc, P, L, rc);
  const tpOverlap = P.generation[cc.generation].tpOverlap;
  let crit = 0;
  for (let i = 0; i < cls.length; i++) {
    stageMb(mc, P, tpOverlap, L, cls[i], i * W, rc);
    if (stageT(P, i * W, 0) > st[crit * W + 14]) crit = i;
  }
  const c = cls[crit];
  classParams(mc, L, c, sp);
  dataParallel(cc, P, L, m, c.denseLayers + c.moeLayers, crit * W);
  const dpOver = (dpo[0] - dpo[1]) / m;
  let tMax = 0;
  let sum = 0;
  for (let i = 0; i < cls.length; i++) {
    const t = stageT(P, i * W, dpOver);
    sum += cls[i].count * t;
    if (t > tMax) {
      tMax = t;
      crit = i;
    }
  }
  const o = crit * W;
  const bubble = (sum - tMax) / L.vpp;
  classParams(mc, L, cls[crit], sp);
  const shard = L.zero >= 1 ? L.dp * L.cp : 1;
  const eshard = L.zero >= 1 ? Math.max(1, (L.dp * L.cp) / L.ep) : 1;
  const optimizerS = ((sp[0] / shard + sp[1] / eshard) * P.optimizerBytesPerParam) / cc.hbmBandwidthBytesPerS;
  const T = (L.mbs * L.seq) / L.cp;
  // Pipeline sends: the warm-up and cool-down transfers, and under plain 1F1B (vpp 1) the two
  // blocking transfers of every micro-batch (Megatron-Core overlaps point-to-point
  // communication with compute only in the interleaved schedule).
  const p2pOne = L.pp > 1 ? p2pS(cc, P, L.tp * L.cp * L.dp, (T * mc.hidden * 2) / L.tp) : 0;
  const p2p = 2 * (L.pp - 1 + (L.vpp === 1 ? m : 0)) * p2pOne;
  const computeS = m * st[o + 15] + optimizerS;
  const exposed = m * st[o + 13] + dpo[1] + p2p;
  out[M.computeS] = computeS;
  out[M.tpCommS] = m * st[o + 6];
  out[M.cpCommS] = m * st[o + 8];
  out[M.epCommS] = m * st[o + 10];
  out[M.ppBubbleS] = bubble;
  out[M.dpCommS] = dpo[0];
  out[M.exposedCommS] = exposed;
  const step = computeS + bubble + exposed;
  out[M.stepTimeS] = step;
  return step;
}

/** Micro-batch time of each stage class of the last stepTimeInto call, s (for reports). */
export function lastStageTimes(classes: number): number[] {
  return Array.from({ length: classes }, (_, i) => st[i * W + 14]);
}
