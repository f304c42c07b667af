/**
 * What the twin runs: a flagship pre-training job of the chosen model on most
 * of the cluster, plus a mix of smaller jobs from several teams. Step times come
 * from the Plan face through the same function `colossus job submit --model` calls
 * (src/core/control/job-plan.ts), and so do the layout environment and the job's
 * `plan`; the loss curve is the
 * Chinchilla parametric fit L(N, D) = E + A/N^α + B/D^β (Hoffmann et al. 2022,
 * eq. 10: E 1.69, A 406.4, B 410.7, α 0.34, β 0.28), so the chart looks like
 * training without pretending to be a measurement.
 */
import type { Cluster } from '../core/cluster/types.js';
import { paramCounts } from '../core/model/params.js';
import type { ModelSpec } from '../core/model/types.js';
import type { SoftwareParams } from '../core/perf/software.js';
import type { PerfResult } from '../core/perf/types.js';
import type { JobPlanSpec } from '../core/control/types.js';
import { clusterForJob, jobPlanEnv, jobPlanSpec, planJobLayout } from '../core/control/job-plan.js';
import { dalyIntervalS } from '../core/reliability/checkpoint-theory.js';
import { CHECKPOINT_BYTES_PER_PARAM, RESTART_BY_GPUS, STORAGE_SUSTAINED_BYTES_PER_S } from '../core/reliability/recovery-catalog.js';
import { restartOverheadS } from '../core/sim/scenario.js';

/** How one job behaves in the twin. */
export interface JobPlan {
  name: string;
  team: string;
  model: string;
  gpus: number;
  priority: number;
  maxRestarts: number;
  stepTimeS: number;
  totalSteps: number;
  /** Steps between durable checkpoints. */
  checkpointEverySteps: number;
  /** Checkpoint write stall per checkpoint, s. */
  checkpointBlockingS: number;
  /** Steps between progress lines. */
  logEverySteps: number;
  /** Restart overhead before the first step of an attempt (hot restart + checkpoint load), s. */
  startupS: number;
  /** Model parameters and tokens per step, for the loss curve. */
  params: number;
  tokensPerStep: number;
  /** Hardware FLOP utilisation of the layout (drives simulated power and utilisation). */
  hfu: number;
  layout: string;
  /** For the control plane's throughput view (src/core/control/throughput.ts): precision, model FLOPs per token, dense peak per GPU. */
  precision: string;
  flopsPerToken: number;
  peakFlopsPerGpu: number;
  /** HBM in use per GPU (the planner's memory estimate), bytes: DCGM_FI_DEV_FB_USED. */
  memPerGpuBytes: number;
  /** The layout as the job's environment (COLOSSUS_TP …, jobPlanEnv). */
  env: Record<string, string>;
  /** The control plane's plan of the job (jobPlanSpec; the token budget is set at submission). */
  spec: JobPlanSpec;
}

/** The plan the twin submits with a job (the control plane's JobPlanSpec): budget = all its steps' tokens. */
export function specPlanOf(p: JobPlan): JobPlanSpec {
  return { ...p.spec, tokenBudget: p.totalSteps * p.tokensPerStep };
}

/** The software the twin's jobs are planned for (`colossus twin --software`, `--params`). */
export interface PlanSoftware {
  name: string;
  params: SoftwareParams;
}

/** Best layout of `model` on `gpus` GPUs of the cluster's site (the shared Plan → operate function). */
export function bestLayout(model: ModelSpec, cluster: Cluster, gpus: number, software?: PlanSoftware): PerfResult | null {
  return planJobLayout({ model, cluster: clusterForJob(cluster, gpus), software: software?.params });
}

export function lossAt(params: number, tokens: number): number {
  return 1.69 + 406.4 / Math.pow(params, 0.34) + 410.7 / Math.pow(Math.max(tokens, 1e6), 0.28);
}

interface PlanInput {
  name: string;
  team: string;
  model: ModelSpec;
  gpus: number;
  priority: number;
  maxRestarts: number;
  durationS: number;
  /** Token budget: when given, the run ends when these tokens are trained (steps = budget ÷ tokens per step). */
  tokens?: number;
  mtbiS: number;
  software?: PlanSoftware;
}

export function planJob(cluster: Cluster, p: PlanInput): JobPlan | null {
  const r = bestLayout(p.model, cluster, p.gpus, p.software);
  if (!r) return null;
  const params = paramCounts(p.model).total;
  const ckptBytes = params * CHECKPOINT_BYTES_PER_PARAM;
  const blockingS = Math.max(0.5, ckptBytes / STORAGE_SUSTAINED_BYTES_PER_S);
  const intervalS = Math.max(60, dalyIntervalS(blockingS, p.mtbiS));
  const L = r.layout;
  const spec = jobPlanSpec(p.model.name, r, { software: p.software?.name });
  return {
    name: p.name, team: p.team, model: p.model.name, gpus: p.gpus, priority: p.priority, maxRestarts: p.maxRestarts,
    stepTimeS: r.stepTimeS, totalSteps: p.tokens ? Math.max(1, Math.ceil(p.tokens / (L.gbs * L.seq))) : Math.max(10, Math.round(p.durationS / r.stepTimeS)),
    checkpointEverySteps: Math.max(1, Math.round(intervalS / r.stepTimeS)), checkpointBlockingS: blockingS,
    logEverySteps: Math.max(1, Math.round(10 / r.stepTimeS)),
    startupS: restartOverheadS(RESTART_BY_GPUS.hotUpdate, p.gpus) + ckptBytes / STORAGE_SUSTAINED_BYTES_PER_S,
    params, tokensPerStep: spec.tokensPerStep, hfu: r.hfu, layout: spec.layout!,
    precision: spec.precision, flopsPerToken: spec.flopsPerToken, peakFlopsPerGpu: spec.peakFlopsPerGpu,
    memPerGpuBytes: r.memoryPerGpuBytes, env: jobPlanEnv(r), spec,
  };
}

/** A job template of the background mix. */
export interface Template {
  team: string;
  prefix: string;
  model: string;
  gpus: number;
  priority: number;
  /** Median run time, s (log-normal, σ 0.6). */
  medianS: number;
  weight: number;
}

/** The background mix: research ablations, post-training, multimodal, evals, infra burn-in. Our invention, not a measurement. */
export const TEMPLATES: readonly Template[] = [
  { team: 'research', prefix: 'ablation', model: 'llama3-8b', gpus: 64, priority: 10, medianS: 6 * 3600, weight: 4 },
  { team: 'research', prefix: 'scaling', model: 'llama3-8b', gpus: 256, priority: 10, medianS: 12 * 3600, weight: 1 },
  { team: 'post-training', prefix: 'sft', model: 'llama3-70b', gpus: 512, priority: 20, medianS: 8 * 3600, weight: 1 },
  { team: 'post-training', prefix: 'rlhf', model: 'llama3-70b', gpus: 1024, priority: 20, medianS: 10 * 3600, weight: 0.5 },
  { team: 'multimodal', prefix: 'mm', model: 'mixtral-8x7b', gpus: 256, priority: 15, medianS: 8 * 3600, weight: 1 },
  { team: 'evals', prefix: 'eval', model: 'llama3-8b', gpus: 8, priority: 0, medianS: 1 * 3600, weight: 6 },
  { team: 'infra', prefix: 'burn-in', model: 'llama3-8b', gpus: 8, priority: 5, medianS: 1200, weight: 2 },
];

/** Flagship size: 92 % of the nodes, rounded down to 64-node blocks (whole arrays), at least one node. */
export function flagshipGpus(cluster: Cluster): number {
  const nodes = Math.max(1, Math.floor((cluster.nodes * 0.92) / 64) * 64 || Math.floor(cluster.nodes * 0.75));
  return nodes * cluster.gpusPerNode;
}
