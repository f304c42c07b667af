/**
 * evaluateLayout: the performance model for one layout (memory, step time, throughput, MFU).
 * `prepare` computes the per-model and per-cluster constants once; the planner reuses them.
 */
import type { Cluster } from '../cluster/types.js';
import type { ModelSpec } from '../model/types.js';
import { clusterCosts, type ClusterCosts } from './cluster-costs.js';
import { memoryInto } from './memory.js';
import { modelCosts, type ModelCosts } from './model-costs.js';
import { M, toNumLayout, type NumLayout } from './num-layout.js';
import { resolveParams, type PerfParams } from './params.js';
import { stepTimeInto } from './step-time.js';
import type { Layout, PerfOptions, PerfResult } from './types.js';
import { validateLayout } from './validate.js';

export interface Prepared {
  mc: ModelCosts;
  cc: ClusterCosts;
  P: PerfParams;
}

export function prepare(model: ModelSpec, cluster: Cluster, options: PerfOptions = {}): Prepared {
  return { mc: modelCosts(model, options), cc: clusterCosts(cluster), P: resolveParams(options.params) };
}

const scratch = new Float64Array(2);

/** Evaluates a numeric layout into `out` (see M); returns the step time. No validation. */
export function evaluateInto(p: Prepared, L: NumLayout, out: Float64Array): number {
  memoryInto(p.mc, p.cc, p.P, L, out, scratch);
  return stepTimeInto(p.mc, p.cc, p.P, L, out);
}

/** Peak dense FLOP/s of the layout's precision. */
export const peakFor = (cc: ClusterCosts, precision: number): number =>
  precision === 0 ? cc.peakBf16 : precision === 1 ? cc.peakFp8 : cc.peakFp4;

/** Builds the contract object from an evaluated output vector. */
export function toResult(p: Prepared, layout: Layout, L: NumLayout, out: Float64Array): PerfResult {
  const gpus = p.cc.gpus;
  const step = out[M.stepTimeS];
  const tokensPerS = (L.gbs * L.seq) / step;
  const modelFlopsPerGpuPerS = (tokensPerS * p.mc.modelFlopsPerToken(L.seq)) / gpus;
  const mfu = modelFlopsPerGpuPerS / peakFor(p.cc, L.precision);
  const total = out[M.total];
  return {
    layout,
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
    hfu: L.recompute === 2 ? mfu * (4 / 3) : mfu,
  };
}

/**
 * The performance model for one layout of `model` on `cluster` (all `cluster.gpus` GPUs).
 * Throws an `invalid` ColossusError naming the rule when the layout is not valid; a layout
 * that does not fit is returned with `fits: false`.
 */
export function evaluateLayout(model: ModelSpec, cluster: Cluster, layout: Layout, options: PerfOptions = {}): PerfResult {
  validateLayout(model, cluster, layout);
  const p = prepare(model, cluster, options);
  const L = toNumLayout(layout);
  const out = new Float64Array(M.size);
  evaluateInto(p, L, out);
  return toResult(p, layout, L, out);
}
