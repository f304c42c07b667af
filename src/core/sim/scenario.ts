/**
 * Builds the compiled `SimConfig` from a failure model, a job and recovery /
 * checkpoint choices: job-level rates, restart times (ByteRobust Table 7
 * interpolated by job size), the spare pool, and the `auto` (Daly) interval.
 */
import { ColossusError } from '../errors.js';
import { dalyIntervalS } from '../reliability/checkpoint-theory.js';
import { failSlowLoss } from '../reliability/fleet-fit.js';
import { ELASTIC, IN_MEMORY, SPARE_POOL_QUANTILE } from '../reliability/recovery-catalog.js';
import { hardwareFailuresPerNodeDay, poissonQuantile } from '../reliability/spare-sizing.js';
import type { CauseSpec, FailureModel } from '../reliability/types.js';
import { compileCause, requeueRestartS } from './compile-cause.js';
import { KIND_HARDWARE, KIND_PLANNED, RECOVERY_MODES, type RecoveryMode, type SimCause, type SimConfig } from './config.js';
import { meanOf, sampler } from './distributions.js';

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
  /** --recovery (default full). */
  recovery?: RecoveryMode;
  /** --scope fleet: nodes of the whole site (idle included; spares are added); absent = job scope. */
  fleetNodes?: number;
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
  /** --scope: 'job' (failures on the job's GPUs) or 'fleet' (every GPU of the site and its spares). */
  scope: 'job' | 'fleet';
  /** Nodes whose failures are counted (job nodes in job scope). */
  fleetNodes: number;
}

/** `auto` (and the --optimize grid) never checkpoint more often than this (a few training steps), s. */
export const MIN_AUTO_INTERVAL_S = 10;

export { jobRatePerS, restartOverheadS } from './compile-cause.js';
export { poissonQuantile } from '../reliability/spare-sizing.js';

function withLemons(model: FailureModel, job: SimJob): CauseSpec[] {
  const causes = model.causes.filter((c) => c.rate > 0);
  if (!model.lemons || model.lemons.fraction === 0 || model.lemons.multiplier === 1) return causes;
  const { fraction, multiplier } = model.lemons;
  const lemon: CauseSpec = {
    id: 'lemonNodes',
    label: `Lemon nodes (${fraction * 100}% at ×${multiplier})`,
    kind: 'hardware',
    scope: 'node',
    rate: fraction * (multiplier - 1) * hardwareFailuresPerNodeDay({ ...model, causes }, job.gpusPerNode),
    detect: { dist: 'fixed', valueS: 60 },
    source: 'reliability.json heterogeneityAndCorrelation.lemonNodeFraction / lemonRateMultiplier',
  };
  return [...causes, lemon];
}

/** Spare nodes per pool: a number, unlimited (Infinity), or auto = P99 of one pool's share of the nodes in repair. */
function sparesPerPool(input: ScenarioInput, causes: SimCause[], correlated: { p: number; nodes: number }, perPoolShare: number): number {
  const choice = input.spares ?? input.failures.defaultSpares;
  if (choice === 'unlimited') return Infinity;
  if (choice !== 'auto') return choice;
  const hwNodesPerS = causes.filter((c) => c.kind === KIND_HARDWARE).reduce((a, c) => a + c.ratePerS, 0) * (1 + correlated.p * (correlated.nodes - 1));
  return poissonQuantile(hwNodesPerS * meanOf(input.failures.repair) * perPoolShare, SPARE_POOL_QUANTILE);
}

function recoveryConfig(input: ScenarioInput, nodes: number) {
  return {
    recovery: RECOVERY_MODES.indexOf(input.recovery ?? 'full'),
    memIntervalS: IN_MEMORY.snapshotIntervalS,
    memReplicas: IN_MEMORY.replicas,
    replicas: Math.max(1, Math.floor(nodes / ELASTIC.replicaNodes)),
    spareJoinS: ELASTIC.spareJoinS,
    rejoinS: ELASTIC.rejoinS,
  };
}

/** Compiles a scenario; throws 'invalid' for a job that cannot be simulated. */
export function buildScenario(input: ScenarioInput): { config: SimConfig; info: ScenarioInfo } {
  const { job, failures, checkpoint } = input;
  if (!(input.days > 0)) throw new ColossusError('usage', `--days must be > 0, got ${input.days}`, { where: '--days' });
  const nodes = job.gpus / job.gpusPerNode;
  const specs = withLemons(failures, job);
  const jobCauses = specs.map((c) => compileCause(c, input, 1));
  const unexpectedPerS = jobCauses.filter((c) => c.kind !== KIND_PLANNED).reduce((a, c) => a + c.ratePerS, 0);
  const mtbiUnexpectedS = unexpectedPerS > 0 ? 1 / unexpectedPerS : Infinity;
  const daly = Number.isFinite(mtbiUnexpectedS) ? dalyIntervalS(checkpoint.blockingS, mtbiUnexpectedS) : input.days * 86_400;
  const intervalS = checkpoint.interval === 'auto' ? Math.max(daly, checkpoint.persistS, MIN_AUTO_INTERVAL_S) : checkpoint.interval;
  const corr = failures.correlated;
  const correlatedNodes = corr ? Math.min(nodes, corr.nodes === 'rack' ? job.nodesPerRack : corr.nodes) : 1;
  const correlatedProbability = corr?.probability ?? 0;
  const pools = sparePools(input.spareScope, nodes);
  const spares = sparesPerPool(input, jobCauses, { p: correlatedProbability, nodes: correlatedNodes }, pools.nodesPerSpareInstance / nodes);
  // Fleet scope: hardware fails on every node of the site and its spares; a failure hits the job with probability job nodes ÷ fleet nodes.
  const fleetNodes = input.fleetNodes === undefined ? nodes : Math.max(nodes, input.fleetNodes) + (Number.isFinite(spares) ? spares * pools.spareInstances : 0);
  const causes = fleetNodes === nodes ? jobCauses : specs.map((c) => compileCause(c, input, fleetNodes / nodes));
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
    repairMeanS: meanOf(failures.repair),
    requeueRestartS: total ?? requeueRestartS(job.gpus) + checkpoint.loadS,
    intervalS,
    blockingS: checkpoint.blockingS,
    persistS: checkpoint.persistS,
    ...recoveryConfig(input, nodes),
    failSlowLoss: failures.failSlow ? failSlowLoss(nodes, failures.failSlow.maxLoss, failures.failSlow.hill, failures.failSlow.halfNodes) : 0,
  };
  const sparesChoice = input.spares ?? failures.defaultSpares;
  const sparesPolicy = typeof sparesChoice === 'number' ? 'fixed' : sparesChoice;
  const spareScope = input.spareScope?.level ?? 'cluster';
  return { config, info: { intervalPolicy: checkpoint.interval === 'auto' ? 'auto' : 'fixed', mtbiUnexpectedS, dalyIntervalS: daly, sparesPolicy, spareScope, scope: input.fleetNodes === undefined ? 'job' : 'fleet', fleetNodes } };
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
