/**
 * Builds the compiled `SimConfig` from a failure model, a job and recovery /
 * checkpoint choices: job-level rates, restart times (ByteRobust Table 7
 * interpolated by job size), the spare pool, and the `auto` (Daly) interval.
 */
import { ColossusError } from '../errors.js';
import { dalyIntervalS } from '../reliability/checkpoint-theory.js';
import { RESTART_BY_GPUS, SPARE_POOL_QUANTILE } from '../reliability/recovery-catalog.js';
import type { CauseSpec, FailureModel } from '../reliability/types.js';
import { KIND_HARDWARE, KIND_PLANNED, KIND_SOFTWARE, type SimCause, type SimConfig } from './config.js';
import { meanOf, sampler } from './distributions.js';
import { streamIdOf } from './rng.js';

export interface SimJob {
  gpus: number;
  gpusPerNode: number;
  /** Nodes per rack (for correlated rack failures). */
  nodesPerRack: number;
}

export interface CheckpointChoice {
  /** Compute time between checkpoints, s, or 'auto' (Daly). */
  interval: number | 'auto';
  blockingS: number;
  persistS: number;
  /** Checkpoint load time at restart, s (part of every restart unless --restart-s). */
  loadS: number;
}

export interface ScenarioInput {
  job: SimJob;
  days: number;
  failures: FailureModel;
  checkpoint: CheckpointChoice;
  /** --restart-s: whole failure→resumed time (detection included unless detectS is given). */
  restartS?: number;
  /** --detect-s: detection latency for every cause. */
  detectS?: number;
  /** --spares: a number (per pool), 'auto' (P99 pool) or 'unlimited'; default from the failure model. */
  spares?: number | 'auto' | 'unlimited';
  /** --spare-scope: one spare pool per instance of this topology level; absent = one cluster-wide pool. */
  spareScope?: SpareScope;
}

/** A topology level that holds its own spare pool. */
export interface SpareScope {
  /** Level name from the cluster (e.g. 'rack', 'array', 'hall'). */
  level: string;
  /** Nodes in one instance of the level (e.g. 8 per rack on colossus-100k). */
  nodesPerInstance: number;
}

/** What the scenario resolved to, for reports. */
export interface ScenarioInfo {
  intervalPolicy: 'fixed' | 'auto';
  /** Mean time between unexpected (work-losing) interruptions, s, from the rates. */
  mtbiUnexpectedS: number;
  dalyIntervalS: number;
  sparesPolicy: 'fixed' | 'auto' | 'unlimited';
  /** Level holding one spare pool per instance: 'cluster' (one pool) or a cluster level. */
  spareScope: string;
}

const KINDS = { hardware: KIND_HARDWARE, software: KIND_SOFTWARE, planned: KIND_PLANNED } as const;
/** `auto` (and the --optimize grid) never checkpoint more often than this (a few training steps), s. */
export const MIN_AUTO_INTERVAL_S = 10;

/** Job-level rate of a cause, per s. */
export function jobRatePerS(c: Pick<CauseSpec, 'scope' | 'rate'>, job: SimJob): number {
  const nodes = job.gpus / job.gpusPerNode;
  if (c.scope === 'gpu') return (c.rate * job.gpus) / 3600;
  if (c.scope === 'node') return (c.rate * nodes) / 86_400;
  return c.rate / 86_400;
}

/** Restart overhead, s, for a job of `gpus` GPUs: piecewise linear in log2(gpus), extended with the end slopes. */
export function restartOverheadS(table: readonly (readonly [number, number])[], gpus: number): number {
  const x = Math.log2(Math.max(1, gpus));
  const pts = table.map(([g, s]) => [Math.log2(g), s] as const);
  let i = 0;
  while (i < pts.length - 2 && x > pts[i + 1][0]) i++;
  const [[x0, y0], [x1, y1]] = [pts[i], pts[i + 1]];
  return Math.max(0, y0 + ((y1 - y0) * (x - x0)) / (x1 - x0));
}

/** Smallest k with P(Poisson(mean) ≤ k) ≥ q. */
export function poissonQuantile(mean: number, q: number): number {
  let k = 0;
  let p = Math.exp(-mean);
  let cdf = p;
  while (cdf < q && k < 1e6) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

function withLemons(model: FailureModel, job: SimJob): CauseSpec[] {
  const causes = model.causes.filter((c) => c.rate > 0);
  if (!model.lemons || model.lemons.fraction === 0 || model.lemons.multiplier === 1) return causes;
  const hwPerNodeDay = causes
    .filter((c) => c.kind === 'hardware' && c.scope !== 'job')
    .reduce((a, c) => a + (c.scope === 'gpu' ? c.rate * job.gpusPerNode * 24 : c.rate), 0);
  const { fraction, multiplier } = model.lemons;
  const lemon: CauseSpec = {
    id: 'lemonNodes',
    label: `Lemon nodes (${fraction * 100}% at ×${multiplier})`,
    kind: 'hardware',
    scope: 'node',
    rate: fraction * (multiplier - 1) * hwPerNodeDay,
    detect: { dist: 'fixed', valueS: 60 },
    source: 'reliability.json heterogeneityAndCorrelation.lemonNodeFraction / lemonRateMultiplier',
  };
  return [...causes, lemon];
}

function compileCause(c: CauseSpec, input: ScenarioInput): SimCause {
  const { job, failures } = input;
  const total = input.restartS ?? failures.restartTotalS;
  const detect = input.detectS !== undefined ? { dist: 'fixed' as const, valueS: input.detectS } : total !== undefined ? { dist: 'fixed' as const, valueS: 0 } : c.detect;
  const restartS = total ?? restartOverheadS(RESTART_BY_GPUS.hotUpdate, job.gpus) + input.checkpoint.loadS;
  return { id: c.id, kind: KINDS[c.kind], ratePerS: jobRatePerS(c, job), streamId: streamIdOf(c.id), detect: sampler(detect), detectMeanS: meanOf(detect), restartS };
}

/** Compiles a scenario; throws 'invalid' for a job that cannot be simulated. */
export function buildScenario(input: ScenarioInput): { config: SimConfig; info: ScenarioInfo } {
  const { job, failures, checkpoint } = input;
  if (!(input.days > 0)) throw new ColossusError('usage', `--days must be > 0, got ${input.days}`, { where: '--days' });
  const nodes = job.gpus / job.gpusPerNode;
  const causes = withLemons(failures, job).map((c) => compileCause(c, input));
  const unexpectedPerS = causes.filter((c) => c.kind !== KIND_PLANNED).reduce((a, c) => a + c.ratePerS, 0);
  const mtbiUnexpectedS = unexpectedPerS > 0 ? 1 / unexpectedPerS : Infinity;
  const daly = Number.isFinite(mtbiUnexpectedS) ? dalyIntervalS(checkpoint.blockingS, mtbiUnexpectedS) : input.days * 86_400;
  const intervalS = checkpoint.interval === 'auto' ? Math.max(daly, checkpoint.persistS, MIN_AUTO_INTERVAL_S) : checkpoint.interval;
  const corr = failures.correlated;
  const correlatedNodes = corr ? Math.min(nodes, corr.nodes === 'rack' ? job.nodesPerRack : corr.nodes) : 1;
  const correlatedProbability = corr?.probability ?? 0;
  const repairMeanS = meanOf(failures.repair);
  const sparesChoice = input.spares ?? failures.defaultSpares;
  const pools = sparePools(input.spareScope, nodes);
  const hwNodesPerS = causes.filter((c) => c.kind === KIND_HARDWARE).reduce((a, c) => a + c.ratePerS, 0) * (1 + correlatedProbability * (correlatedNodes - 1));
  // auto: P99 of the nodes in repair out of one pool's share of the job (all of it for one cluster-wide pool).
  const inRepairPerPool = hwNodesPerS * repairMeanS * (pools.nodesPerSpareInstance / nodes);
  const spares = sparesChoice === 'unlimited' ? Infinity : sparesChoice === 'auto' ? poissonQuantile(inRepairPerPool, SPARE_POOL_QUANTILE) : sparesChoice;
  const total = input.restartS ?? failures.restartTotalS;
  const config: SimConfig = {
    horizonS: input.days * 86_400,
    days: Math.ceil(input.days),
    gpus: job.gpus,
    nodes,
    causes,
    correlatedProbability,
    correlatedNodes,
    spares,
    ...pools,
    repair: sampler(failures.repair),
    repairMeanS,
    requeueRestartS: total ?? restartOverheadS(RESTART_BY_GPUS.requeue, job.gpus) + checkpoint.loadS,
    intervalS,
    blockingS: checkpoint.blockingS,
    persistS: checkpoint.persistS,
  };
  const sparesPolicy = typeof sparesChoice === 'number' ? 'fixed' : sparesChoice;
  const spareScope = input.spareScope?.level ?? 'cluster';
  return { config, info: { intervalPolicy: checkpoint.interval === 'auto' ? 'auto' : 'fixed', mtbiUnexpectedS, dalyIntervalS: daly, sparesPolicy, spareScope } };
}

/** Pools of the spare scope over the job's `nodes` (packed from node 0, as a site partition is). */
export function sparePools(scope: SpareScope | undefined, nodes: number): { spareInstances: number; nodesPerSpareInstance: number } {
  if (scope === undefined) return { spareInstances: 1, nodesPerSpareInstance: nodes };
  if (!Number.isInteger(scope.nodesPerInstance) || scope.nodesPerInstance <= 0) {
    throw new ColossusError('invalid', `a ${scope.level} must hold a whole number of nodes > 0, got ${scope.nodesPerInstance}`, { where: '--spare-scope' });
  }
  const per = Math.min(nodes, scope.nodesPerInstance);
  return { spareInstances: Math.ceil(nodes / per), nodesPerSpareInstance: per };
}
