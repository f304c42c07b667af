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
import { layerUnits, newLayerUnits, type LayerUnits, type Unit } from './compute.js';
import type { ModelCosts } from './model-costs.js';
import type { PerfParams } from './params.js';
import { M, type NumLayout } from './num-layout.js';
import { classParams } from './memory.js';
import { recomputeShare, type PipelineSplit, type StageClass } from './stages.js';

const U = newLayerUnits();
/** U's own units (shapeLowerBound points U at a BoundUnits' for one call). */
const ownUnits = { dense: U.dense, moe: U.moe, head: U.head };
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

/**
 * A shape's per-layer units for stepTimeLowerBounds: compute with nothing recomputed, with
 * selective recompute, with every layer fully recomputed; communication per layer at recomputed
 * shares 0 and 1 (cu[0..2], cu[3..5]). Both are linear in the share (compute.ts, commUnits).
 */
export interface BoundUnits {
  u: [LayerUnits, LayerUnits, LayerUnits];
  cu: Float64Array;
}

export const newBoundUnits = (): BoundUnits => ({ u: [newLayerUnits(), newLayerUnits(), newLayerUnits()], cu: new Float64Array(6) });

/** Fills `b` for the layout's tp, cp, ep, mbs, seq, precision and pp > 1 (L.recompute is restored). */
export function boundUnits(mc: ModelCosts, cc: ClusterCosts, P: PerfParams, L: NumLayout, b: BoundUnits): void {
  const recompute = L.recompute;
  L.recompute = 0;
  layerUnits(mc, cc, P, L, b.u[0], 0);
  commUnits(mc, cc, P, L, 0);
  b.cu.set(cu, 0);
  L.recompute = 1;
  layerUnits(mc, cc, P, L, b.u[1], 0);
  L.recompute = 2;
  layerUnits(mc, cc, P, L, b.u[2], 1);
  commUnits(mc, cc, P, L, 1);
  b.cu.set(cu, 3);
  L.recompute = recompute;
}

function lerpUnit(out: Unit, a: Unit, b: Unit, f: number): void {
  out.fwdS = a.fwdS + f * (b.fwdS - a.fwdS);
  out.bwdS = a.bwdS + f * (b.bwdS - a.bwdS);
  out.recomputeS = a.recomputeS + f * (b.recomputeS - a.recomputeS);
  out.attnS = a.attnS + f * (b.attnS - a.attnS);
  out.overheadS = a.overheadS + f * (b.overheadS - a.overheadS);
  out.hostS = a.hostS + f * (b.hostS - a.hostS);
}

/** Points the shared bound units (U, cu) at `b`'s units for recompute mode `r`. */
function useUnits(b: BoundUnits, r: number): void {
  const u = b.u[r];
  U.dense = u.dense;
  U.moe = u.moe;
  U.head = u.head;
  U.chunkHostS = u.chunkHostS;
  cu[0] = b.cu[0];
  cu[1] = b.cu[1];
  cu[2] = b.cu[2];
}

/**
 * Lower bounds on stepTimeInto's step time of the layout's shape (tp, pp, vpp, cp, ep, mbs,
 * split, precision) with recompute `r` and a recomputed share of at least `rc` (0 unless r is
 * full), into lb[zero] for each ZeRO stage (the planner's branch and bound, search-loop.ts);
 * `b` holds the shape's units (boundUnits). Built from the terms that only grow with the
 * recomputed share (compute, recompute, overheads, tensor- and expert-parallel exposure, the
 * overlap slowdown) at `rc`; the pipeline sends; for ZeRO 0–2 (where the data-parallel overlap
 * only lengthens micro-batches) the bubble of those stage times; and the overlap slowdown of the
 * data-parallel traffic and the optimizer step of the stage class with the fewest parameters.
 * Exposed data-parallel and context-parallel time and the CPU floor only add to the step. All
 * are 0 (no bound) when the parameters break the monotonicity this relies on.
 */
export function stepTimeLowerBounds(mc: ModelCosts, cc: ClusterCosts, P: PerfParams, L: NumLayout, split: PipelineSplit, b: BoundUnits, r: number, rc: number, lb: Float64Array, at = 0): void {
  const tpOverlap = P.generation[cc.generation].tpOverlap;
  const s = P.overlapSlowdown;
  lb.fill(0, at, at + 4);
  if (!(s >= 0 && s <= 1 && tpOverlap >= 0 && tpOverlap <= 1 && P.epOverlap >= 0 && P.epOverlap <= 1 && P.layerOverheadS >= 0 && P.gradReduceBytes >= 0 && P.optimizerBytesPerParam >= 0)) return;
  const cls = split.classes;
  if (st.length < cls.length * W) st = new Float64Array(cls.length * W * 2);
  const f = r === 2 ? rc : 0;
  if (f === 0) {
    // The units as computed (none and selective recompute; full at share 0): U points at them for this call.
    useUnits(b, r === 2 ? 0 : r);
  } else {
    const from = b.u[0];
    const to = b.u[2];
    lerpUnit(U.dense, from.dense, to.dense, f);
    lerpUnit(U.moe, from.moe, to.moe, f);
    lerpUnit(U.head, from.head, to.head, f);
    U.chunkHostS = from.chunkHostS;
    for (let k = 0; k < 3; k++) cu[k] = b.cu[k] + f * (b.cu[3 + k] - b.cu[k]);
  }
  let tMax = 0;
  let sum = 0;
  let minDense = Infinity;
  let minExpert = Infinity;
  for (let i = 0; i < cls.length; i++) {
    const o = i * W;
    stageMb(mc, P, tpOverlap, L, cls[i], o, f);
    const t = st[o + 12] + st[o + 7] + st[o + 11];
    sum += cls[i].count * t;
    if (t > tMax) tMax = t;
    classParams(mc, L, cls[i], sp);
    if (sp[0] < minDense) minDense = sp[0];
    if (sp[1] < minExpert) minExpert = sp[1];
  }
  const m = L.gbs / (L.dp * L.mbs);
  const T = (L.mbs * L.seq) / L.cp;
  const p2pOne = L.pp > 1 ? p2pS(cc, P, L.tp * L.cp * L.dp, (T * mc.hidden * 2) / L.tp) : 0;
  const p2p = 2 * (L.pp - 1 + (L.vpp === 1 ? m : 0)) * p2pOne;
  // Data-parallel traffic (dataParallel's totals) and optimizer (stepTimeInto's) of the lightest class.
  const n = L.dp * L.cp;
  const ag = ringS(cc, P, n, L.tp, minDense * 2) + ringS(cc, P, Math.max(1, n / L.ep), L.tp * L.ep, minExpert * 2);
  const rs = ag * (P.gradReduceBytes / 2);
  const perByte = P.optimizerBytesPerParam / cc.hbmBandwidthBytesPerS;
  const opt0 = (minDense + minExpert) * perByte;
  const opt1 = (minDense / n + minExpert / Math.max(1, n / L.ep)) * perByte;
  const base = m * tMax + p2p;
  const bubble = (sum - tMax) / L.vpp;
  U.dense = ownUnits.dense;
  U.moe = ownUnits.moe;
  U.head = ownUnits.head;
  lb[at] = base + bubble + s * 2 * rs + opt0;
  lb[at + 1] = base + bubble + s * (rs + ag) + opt1;
  lb[at + 2] = lb[at + 1];
  lb[at + 3] = base + s * m * (2 * ag + rs) + opt1;
}

/** The whole model as one stage class, scaled by 1/pp (shapeLowerBound). */
const avgClass: StageClass = { rank: 0, count: 1, denseLayers: 0, moeLayers: 0, embed: 0, loss: 0, mtp: 0 };

/**
 * A lower bound on stepTimeInto's step time of every layout of the shape (tp, pp, cp, ep, mbs:
 * any vpp, split, ZeRO stage and recompute), from the shape's units `b` (boundUnits) and any
 * pipeline split of the model (all cover the same layers): the slowest rank is at least the
 * average of the ranks, whose sum is the whole model's micro-batch time (each term is linear
 * in a class's layers), and at least a rank of ⌈layers/pp⌉ layers of the cheaper kind; the
 * interleaved schedule's expert-parallel overlap and pipeline sends, which are the smaller. 0 when the parameters break the monotonicity this relies on.
 */
export function shapeLowerBound(mc: ModelCosts, cc: ClusterCosts, P: PerfParams, L: NumLayout, split: PipelineSplit, b: BoundUnits): number {
  const tpOverlap = P.generation[cc.generation].tpOverlap;
  const s = P.overlapSlowdown;
  if (!(s >= 0 && s <= 1 && tpOverlap >= 0 && tpOverlap <= 1 && P.epOverlap >= 0 && P.epOverlap <= 1 && P.layerOverheadS >= 0)) return 0;
  let dense = 0;
  let moe = 0;
  let loss = 0;
  let mtp = 0;
  for (const c of split.classes) {
    dense += c.count * c.denseLayers;
    moe += c.count * c.moeLayers;
    loss += c.count * c.loss;
    mtp += c.count * c.mtp;
  }
  useUnits(b, 0);
  const vpp = L.vpp;
  L.vpp = L.pp > 1 ? 2 : 1;
  const t = (d: number, e: number, l: number, x: number): number => {
    avgClass.denseLayers = d;
    avgClass.moeLayers = e;
    avgClass.loss = l;
    avgClass.mtp = x;
    stageMb(mc, P, tpOverlap, L, avgClass, 0, 0);
    return st[12] + st[7] + st[11];
  };
  // The average rank; and some rank holds at least ⌈layers/pp⌉ whole layers, each of them at least the cheaper kind.
  const perRank = Math.ceil((dense + moe) / L.pp);
  const tMax = Math.max(t(dense / L.pp, moe / L.pp, loss / L.pp, mtp / L.pp), Math.min(dense > 0 ? t(perRank, 0, 0, 0) : Infinity, moe > 0 ? t(0, perRank, 0, 0) : Infinity));
  L.vpp = vpp;
  U.dense = ownUnits.dense;
  U.moe = ownUnits.moe;
  U.head = ownUnits.head;
  const m = L.gbs / (L.dp * L.mbs);
  const T = (L.mbs * L.seq) / L.cp;
  const p2pOne = L.pp > 1 ? p2pS(cc, P, L.tp * L.cp * L.dp, (T * mc.hidden * 2) / L.tp) : 0;
  return m * tMax + 2 * (L.pp - 1) * p2pOne;
}
