/**
 * Plan → operate: the layout a job runs with, from the Plan face, as one function that
 * `colossus job submit --model` and the digital twin both call (the twin has no estimator
 * of its own). The planner searches every valid layout of the model on the job's GPUs
 * (src/core/perf's searchLayouts) and keeps the fastest that fits; the job then carries
 * the layout as environment (COLOSSUS_TP … COLOSSUS_EXPECTED_STEP_S) and the plan as its
 * `plan` field, so the control plane compares the achieved step time with the planned one.
 * Pure.
 */
import { resolveCluster } from '../cluster/resolve.js';
import type { Cluster } from '../cluster/types.js';
import type { Precision } from '../hardware/types.js';
import type { ModelSpec } from '../model/types.js';
import { searchLayouts } from '../perf/search-loop.js';
import type { SoftwareParams } from '../perf/software.js';
import type { Layout, PerfResult } from '../perf/types.js';
import type { JobPlanSpec } from './types.js';

/** Sequence length when the caller gives none, tokens (the twin's jobs and `job submit --model`). */
export const DEFAULT_JOB_SEQ = 8192;

/**
 * Global batch sizes tried, in order, when the caller gives none: GPUs ÷ 8, ÷ 4, ÷ 2, ÷ 1,
 * at least 16 sequences; the first that has a layout that fits wins.
 */
export const DEFAULT_GBS_DIVISORS = [8, 4, 2, 1] as const;

export interface JobPlanRequest {
  model: ModelSpec;
  /** The cluster the job's nodes form, resolved to the job's GPU count. */
  cluster: Cluster;
  /** Global batch, sequences (default: see DEFAULT_GBS_DIVISORS). */
  gbs?: number;
  /** Sequence length, tokens (default DEFAULT_JOB_SEQ). */
  seq?: number;
  /** GEMM precision (default bf16). */
  precision?: Precision;
  /** Software-release factors (default: the newest release the model knows). */
  software?: SoftwareParams;
}

/** The global batch sizes the planner tries for a request, in order. */
export function gbsCandidates(req: Pick<JobPlanRequest, 'gbs' | 'cluster'>): number[] {
  if (req.gbs !== undefined) return [req.gbs];
  return DEFAULT_GBS_DIVISORS.map((div) => Math.max(req.cluster.gpus / div, 16));
}

/** The fastest layout of the model that fits the job's GPUs; null when none does. */
export function planJobLayout(req: JobPlanRequest): PerfResult | null {
  const seq = req.seq ?? DEFAULT_JOB_SEQ;
  for (const gbs of gbsCandidates(req)) {
    const r = searchLayouts(req.model, req.cluster, { gbs, seq, precision: req.precision, top: 1 }, { software: req.software });
    if (r.top[0]) return r.top[0];
  }
  return null;
}

/** A part of `site` of `gpus` GPUs (whole nodes; a node type is replicated), for planning a job of that size. */
export function clusterForJob(site: Cluster, gpus: number): Cluster {
  return resolveCluster(site.spec, { gpus });
}

/** `tp8 pp4 vpp1 cp1 ep1 dp8 zero1 mbs1 gbs256 bf16`: a layout as one line. */
export function layoutText(L: Layout): string {
  return `tp${L.tp} pp${L.pp} vpp${L.vpp} cp${L.cp} ep${L.ep} dp${L.dp} zero${L.zero} mbs${L.mbs} gbs${L.gbs} ${L.precision}`;
}

/**
 * The plan as the control plane keeps it (JobPlanSpec). The planner's own figures: model
 * FLOPs per token = model FLOP/s per GPU × GPUs ÷ tokens/s; the dense peak = model FLOP/s
 * per GPU ÷ MFU, so the control plane's MFU of the plan equals the planner's.
 */
export function jobPlanSpec(modelName: string, r: PerfResult, opts: { tokenBudget?: number | null; software?: string } = {}): JobPlanSpec & { precision: Precision } {
  const L = r.layout;
  return {
    model: modelName, precision: L.precision, tokensPerStep: L.gbs * L.seq,
    flopsPerToken: (r.modelFlopsPerGpuPerS * r.gpus) / r.tokensPerS, peakFlopsPerGpu: r.modelFlopsPerGpuPerS / r.mfu,
    stepTimeS: r.stepTimeS, tokenBudget: opts.tokenBudget ?? null, layout: layoutText(L),
    ...(opts.software !== undefined ? { software: opts.software } : {}),
  };
}

/** The environment variables that carry the layout to the workload (docs/operate.md, Plan → operate). */
export const PLAN_ENV_KEYS = [
  'COLOSSUS_TP', 'COLOSSUS_PP', 'COLOSSUS_VPP', 'COLOSSUS_CP', 'COLOSSUS_EP', 'COLOSSUS_DP', 'COLOSSUS_MBS', 'COLOSSUS_GBS',
  'COLOSSUS_SEQ', 'COLOSSUS_PRECISION', 'COLOSSUS_ZERO', 'COLOSSUS_RECOMPUTE', 'COLOSSUS_EXPECTED_STEP_S',
] as const;

/** The layout as environment for the job's processes (plus COLOSSUS_PP_LAYOUT, Megatron's layout string of the split, when pp > 1). */
export function jobPlanEnv(r: PerfResult): Record<string, string> {
  const L = r.layout;
  const env: Record<string, string> = {
    COLOSSUS_TP: String(L.tp), COLOSSUS_PP: String(L.pp), COLOSSUS_VPP: String(L.vpp), COLOSSUS_CP: String(L.cp), COLOSSUS_EP: String(L.ep),
    COLOSSUS_DP: String(L.dp), COLOSSUS_MBS: String(L.mbs), COLOSSUS_GBS: String(L.gbs), COLOSSUS_SEQ: String(L.seq),
    COLOSSUS_PRECISION: L.precision, COLOSSUS_ZERO: String(L.zero), COLOSSUS_RECOMPUTE: L.recompute,
    COLOSSUS_EXPECTED_STEP_S: String(Number(r.stepTimeS.toPrecision(6))),
  };
  if (L.pp > 1 && r.pipeline?.layout) env.COLOSSUS_PP_LAYOUT = r.pipeline.layout;
  return env;
}
