/**
 * The dashboard's overview numbers, computed from the control plane's state and
 * the twin's counters: GPUs by state, jobs by state, the flagship's progress and
 * goodput, interruptions by cause, IT and facility power.
 */
import { AVG_SERVER_POWER_FRACTION } from '../core/perf/energy.js';
import { jobThroughput, type Throughput } from '../core/control/throughput.js';
import { GPU_STATE, GPU_STATE_NAMES, attemptGpuState, gpuMetric, gpuStates } from './gpu-state.js';
import type { Twin } from './twin.js';
import { attemptsOf } from '../core/control/views.js';
import { spareReserveView, type SpareReserveView } from '../core/control/reserve-view.js';

export interface TwinSummary {
  nowMs: number;
  virtualS: number;
  speed: { target: number; achieved: number };
  cluster: { name: string; gpus: number; nodes: number; gpusPerNode: number; gpuModel: string; pue: number };
  gpus: Record<string, number>;
  nodes: Record<string, number>;
  jobs: Record<string, number>;
  flagship: FlagshipView | null;
  failuresByCause: Record<string, number>;
  interruptionsByDay: Record<string, number>[];
  causes: { id: string; label: string; kind: string }[];
  power: { itW: number; facilityW: number };
  /** All running jobs with a plan: tokens/s summed, MFU weighted by GPUs (src/core/control/throughput.ts). */
  throughput: { tokensPerS: number; mfu: number | null; jobs: number; gpus: number };
  events: number;
  inRepair: number;
  /** The control plane's spare reserve for the flagship's restarts (`colossus twin --spare-reserve`). */
  reserve: SpareReserveView;
}

export interface FlagshipView {
  id: string;
  name: string;
  model: string;
  gpus: number;
  /**
   * What the flagship is doing, by the same rule as its GPUs in `gpus`: `starting`
   * (placed, loading its checkpoint), `running` (stepping), `stalled` (a peer is dead
   * or hung), or the job's state when it has no live attempt (`recovering`, `queued`, …).
   */
  state: string;
  /** The control plane's job state (`running` from placement on). */
  jobState: string;
  /** The control plane's current reason for the job. */
  reason: string | null;
  attempt: { number: number; state: string } | null;
  step: number | null;
  totalSteps: number;
  lastCheckpointStep: number | null;
  restarts: number;
  stepTimeS: number;
  tokensPerStep: number;
  /** Tokens the run trains (its plan), tokens trained so far (surviving steps), and the time to the budget at the pace so far (s, virtual). */
  tokenBudget: number;
  tokensTrained: number;
  etaS: number | null;
  /** Flagship runs so far (a run that trained its tokens is followed by the next). */
  run: number;
  layout: string;
  /** Productive time ÷ time since submission. */
  goodput: number;
  lostS: number;
  loss: number | null;
  /** Achieved vs planned step time, tokens/s, MFU, goodput, ETA to the token budget (the control plane's view). */
  throughput: Throughput;
}

export function summarize(twin: Twin, speed: { target: number; achieved: number }): TwinSummary {
  const states = gpuStates(twin);
  const gpus: Record<string, number> = Object.fromEntries(GPU_STATE_NAMES.map((n) => [n, 0]));
  const counts = new Array(GPU_STATE_NAMES.length).fill(0);
  for (let i = 0; i < states.length; i++) counts[states[i]]++;
  GPU_STATE_NAMES.forEach((n, i) => (gpus[n] = counts[GPU_STATE[n]] ?? counts[i]));
  const nodes: Record<string, number> = {};
  for (const n of twin.ctl.nodes.values()) nodes[n.state] = (nodes[n.state] ?? 0) + 1;
  const jobs: Record<string, number> = { queued: 0, running: 0, recovering: 0, succeeded: 0, failed: 0, cancelled: 0 };
  for (const j of twin.ctl.jobs.values()) jobs[j.state] = (jobs[j.state] ?? 0) + 1;
  // Ended jobs the memory policy took out of memory still count.
  for (const [state, n] of Object.entries(twin.memory.trimmedJobs)) jobs[state] = (jobs[state] ?? 0) + n;
  const c = twin.opts.cluster;
  return {
    nowMs: twin.clock.nowMs(), virtualS: twin.nowS, speed,
    cluster: { name: c.name, gpus: c.gpus, nodes: c.nodes, gpusPerNode: c.gpusPerNode, gpuModel: c.gpu.id, pue: c.spec.facility.pue },
    gpus, nodes, jobs, flagship: flagshipView(twin),
    failuresByCause: twin.stats.failuresByCause, interruptionsByDay: twin.stats.interruptionsByDay,
    causes: twin.causes.map((x) => ({ id: x.id, label: x.label, kind: x.kind })),
    power: powerW(twin, states), throughput: fleetThroughput(twin), events: twin.events, inRepair: twin.inRepair.size,
    reserve: spareReserveView(twin.ctl),
  };
}

const STATE_NAME = Object.fromEntries(Object.entries(GPU_STATE).map(([k, v]) => [v, k]));

function flagshipView(twin: Twin): FlagshipView | null {
  const id = twin.mix.flagshipId;
  const job = id ? twin.ctl.jobs.get(id) : undefined;
  if (!id || !job) return null;
  const plan = twin.mix.plans.get(id) ?? twin.mix.flagship;
  const elapsedS = Math.max(1, (twin.clock.nowMs() - job.submittedAtMs) / 1000);
  const productiveS = (job.lastStep ?? 0) * plan.stepTimeS;
  const series = twin.stats.series.get(id)?.points;
  const live = twin.ctl.liveAttempt(job);
  const gpuState = live ? STATE_NAME[attemptGpuState(twin, live.id, id)] : null;
  const state = live && job.state === 'running' ? (gpuState === 'flagship' ? 'running' : gpuState!) : job.state;
  const attempts = job.attemptIds.flatMap((a) => twin.ctl.attempts.get(a) ?? []);
  const last = attempts[attempts.length - 1];
  const tp = jobThroughput(job, attempts, twin.clock.nowMs());
  return {
    id, name: job.spec.name, model: plan.model, gpus: job.spec.gpus, state, jobState: job.state, reason: job.reason,
    attempt: last ? { number: last.number, state: last.state } : null, step: job.lastStep,
    totalSteps: plan.totalSteps, lastCheckpointStep: job.lastCheckpointStep, restarts: job.restarts, stepTimeS: plan.stepTimeS,
    tokensPerStep: plan.tokensPerStep, tokenBudget: plan.totalSteps * plan.tokensPerStep, tokensTrained: tp.tokensTrained ?? 0, etaS: tp.etaS,
    run: twin.mix.flagshipRuns, layout: plan.layout, goodput: Math.min(1, productiveS / elapsedS),
    lostS: twin.stats.jobLoss.get(id)?.lostS ?? 0, loss: series?.length ? series[series.length - 1].loss : null,
    throughput: tp,
  };
}

function fleetThroughput(twin: Twin): TwinSummary['throughput'] {
  let tokensPerS = 0, flopsPerS = 0, peakFlopsPerS = 0, jobs = 0, gpus = 0;
  const now = twin.clock.nowMs();
  for (const j of twin.ctl.jobs.values()) {
    if (j.state !== 'running' || !j.spec.plan) continue;
    const t = jobThroughput(j, attemptsOf(twin.ctl, j), now);
    if (t.tokensPerS === null) continue;
    tokensPerS += t.tokensPerS;
    flopsPerS += t.tokensPerS * j.spec.plan.flopsPerToken;
    peakFlopsPerS += j.spec.gpus * j.spec.plan.peakFlopsPerGpu;
    jobs++;
    gpus += j.spec.gpus;
  }
  return { tokensPerS, mfu: peakFlopsPerS > 0 ? flopsPerS / peakFlopsPerS : null, jobs, gpus };
}

/** IT power: each powered node's non-GPU share at the average server fraction, plus its GPUs' power; facility = IT × PUE. */
function powerW(twin: Twin, states: Uint8Array): { itW: number; facilityW: number } {
  const c = twin.opts.cluster;
  const power = gpuMetric(twin, 'power', states);
  let itW = 0;
  for (const f of twin.fleet.nodes) {
    if (!twin.agents.up[f.index]) continue;
    itW += Math.max(0, c.spec.nodeMaxPowerW - c.gpusPerNode * f.gpuTdpW) * AVG_SERVER_POWER_FRACTION;
    for (let g = 0; g < c.gpusPerNode; g++) itW += power[f.firstGpu + g] * 4;
  }
  return { itW, facilityW: itW * c.spec.facility.pue };
}
