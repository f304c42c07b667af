/**
 * evaluateLayout: the performance model for one layout (memory, step time, throughput, MFU).
 * `prepare` computes the per-model and per-cluster constants once; the planner reuses them.
 */
import type { Cluster } from '../cluster/types.js';
import type { ModelSpec } from '../model/types.js';
import { clusterCosts, type ClusterCosts } from './cluster-costs.js';
import { classMemory, memoryInto } from './memory.js';
import { modelCosts, splitModel, type ModelCosts } from './model-costs.js';
import { M, toNumLayout, type NumLayout } from './num-layout.js';
import { resolveParams, type PerfParams } from './params.js';
import { applySoftware, softwareRelease } from './software.js';
import { explicitSplit, type PipelineSpec } from './pipeline-spec.js';
import { formatLayout } from './pipeline-layout.js';
import { autoSplit, recomputeShare, type PipelineSplit, type SplitModel } from './stages.js';
import { lastStageTimes, stepTimeInto } from './step-time.js';
import type { Layout, PerfOptions, PerfResult } from './types.js';
import { validateLayout } from './validate.js';

export interface Prepared {
  mc: ModelCosts;
  cc: ClusterCosts;
  P: PerfParams;
  sm: SplitModel;
  /** The caller's explicit pipeline split (NumLayout.split = 1), if any. */
  explicit: PipelineSpec | null;
  /** Splits by (pp, vpp, explicit), computed on first use. */
  splits: Map<number, PipelineSplit | null>;
}

export function prepare(model: ModelSpec, cluster: Cluster, options: PerfOptions = {}, explicit: PipelineSpec | null = null): Prepared {
  const mc = modelCosts(model, options);
  const P = applySoftware(resolveParams(options.params), options.software ?? softwareRelease().params);
  return { mc, cc: clusterCosts(cluster), P, sm: splitModel(model, mc.mtpLayers), explicit, splits: new Map() };
}

/** The pipeline split of (pp, vpp): the explicit one when `explicit`, else the default; null when none is valid. */
export function splitFor(p: Prepared, pp: number, vpp: number, explicit = false): PipelineSplit | null {
  const key = (pp * 4096 + vpp) * 2 + (explicit ? 1 : 0);
  let s = p.splits.get(key);
  if (s === undefined) {
    const e = explicit && p.explicit ? explicitSplit(p.sm, p.explicit, pp, vpp) : autoSplit(p.sm, pp, vpp);
    s = typeof e === 'string' ? null : e;
    p.splits.set(key, s);
  }
  return s;
}

/** Evaluates a numeric layout into `out` (see M); returns the step time (NaN when no split exists). No validation. */
export function evaluateInto(p: Prepared, L: NumLayout, out: Float64Array): number {
  const split = splitFor(p, L.pp, L.vpp, L.split === 1);
  if (!split) return NaN;
  memoryInto(p.mc, p.P, L, split, out);
  return stepTimeInto(p.mc, p.cc, p.P, L, split, out);
}

/** Peak dense FLOP/s of the layout's precision. */
export const peakFor = (cc: ClusterCosts, precision: number): number =>
  precision === 0 ? cc.peakBf16 : precision === 1 ? cc.peakFp8 : cc.peakFp4;

/** The pipeline part of a result: the split's classes with their memory and micro-batch time. */
function pipelineOf(p: Prepared, L: NumLayout): PerfResult['pipeline'] {
  const split = splitFor(p, L.pp, L.vpp, L.split === 1)!;
  const out = new Float64Array(M.size);
  stepTimeInto(p.mc, p.cc, p.P, L, split, out);
  const times = lastStageTimes(split.classes.length);
  const stages = split.classes.map((c, i) => ({
    ranks: split.rankClass.flatMap((k, r) => (k === i ? [r] : [])),
    layers: c.denseLayers + c.moeLayers,
    moeLayers: c.moeLayers,
    embedding: c.embed > 0,
    loss: c.loss > 0,
    mtpLayers: c.mtp,
    memoryPerGpuBytes: classMemory(p.mc, p.P, L, c, recomputeShare(L.recompute, L.rlayers, split)),
    microbatchTimeS: times[i],
  }));
  return { kind: split.kind, layout: formatLayout(split.chunks), stages };
}

/** Builds the contract object from an evaluated output vector. */
export function toResult(p: Prepared, layout: Layout, L: NumLayout, out: Float64Array): PerfResult {
  const gpus = p.cc.gpus;
  const step = out[M.stepTimeS];
  const tokensPerS = (L.gbs * L.seq) / step;
  const modelFlopsPerGpuPerS = (tokensPerS * p.mc.modelFlopsPerToken(L.seq)) / gpus;
  const mfu = modelFlopsPerGpuPerS / peakFor(p.cc, L.precision);
  const total = out[M.total];
  const pipeline = L.pp > 1 ? pipelineOf(p, L) : undefined;
  const explicit = L.split === 1 && p.explicit ? p.explicit : {};
  return {
    layout: { ...layout, ...explicit, ...(pipeline ? { ppLayout: pipeline.layout } : {}) },
    gpus,
    fits: total <= p.cc.usableMemoryBytes,
    memoryPerGpuBytes: total,
    usableMemoryBytes: p.cc.usableMemoryBytes,
    memory: {
      weights: out[M.weights],
      gradients: out[M.gradients],
      optimizer: out[M.optimizer],
      activations: out[M.activations],
      other: out[M.other],
    },
    stepTimeS: step,
    breakdown: {
      computeS: out[M.computeS],
      tpCommS: out[M.tpCommS],
      cpCommS: out[M.cpCommS],
      epCommS: out[M.epCommS],
      ppBubbleS: out[M.ppBubbleS],
      dpCommS: out[M.dpCommS],
      exposedCommS: out[M.exposedCommS],
    },
    tokensPerS,
    tokensPerSPerGpu: tokensPerS / gpus,
    modelFlopsPerGpuPerS,
    mfu,
    hfu: mfu * (1 + recomputeShare(L.recompute, L.rlayers, splitFor(p, L.pp, L.vpp, L.split === 1)!) / 3),
    ...(pipeline ? { pipeline } : {}),
  };
}

/** The explicit pipeline fields of a layout, or null. */
export function pipelineSpecOf(l: Partial<Layout>): PipelineSpec | null {
  if (l.ppLayout === undefined && l.ppFirstLayers === undefined && l.ppLastLayers === undefined) return null;
  return { ppLayout: l.ppLayout, ppFirstLayers: l.ppFirstLayers, ppLastLayers: l.ppLastLayers };
}

/**
 * The performance model for one layout of `model` on `cluster` (all `cluster.gpus` GPUs).
 * Throws an `invalid` ColossusError naming the rule when the layout is not valid; a layout
 * that does not fit is returned with `fits: false`.
 */
export function evaluateLayout(model: ModelSpec, cluster: Cluster, layout: Layout, options: PerfOptions = {}): PerfResult {
  validateLayout(model, cluster, layout, undefined, options.mtpLayers);
  const p = prepare(model, cluster, options, pipelineSpecOf(layout));
  const L = toNumLayout(layout);
  const out = new Float64Array(M.size);
  evaluateInto(p, L, out);
  return toResult(p, layout, L, out);
}
