/**
 * Flags of `colossus simulate` → a ScenarioInput. This is the trust boundary:
 * every flag is checked here and bad input becomes a usage error (exit 2)
 * that says what to change.
 */
import type { Cluster } from '../core/cluster/types.js';
import { ColossusError } from '../core/errors.js';
import { paramCounts } from '../core/model/params.js';
import { CHECKPOINT_BYTES_PER_PARAM, BYTECHECKPOINT_405B, STORAGE_SUSTAINED_BYTES_PER_S } from '../core/reliability/recovery-catalog.js';
import { totalGpus } from '../core/cluster/resolve.js';
import { REFERENCE_AGE_DAYS } from '../core/reliability/age-hazard.js';
import { fleetFailureModel, fleetGpu, type FleetOptions } from '../core/reliability/fleet-model.js';
import { FAILURE_PRESETS, GENERATION_PRESETS, failurePreset } from '../core/reliability/presets.js';
import { parseFailureFile } from '../core/reliability/schema.js';
import type { FailureModel, Provider } from '../core/reliability/types.js';
import { RECOVERY_MODES, type RecoveryMode } from '../core/sim/config.js';
import type { CheckpointChoice, ScenarioInput, SpareScope } from '../core/sim/scenario.js';
import { loadCluster, loadModel, readDataFile } from './load.js';

export interface SimulateFlags {
  cluster: string;
  gpus?: number;
  days: number;
  model?: string;
  failureRates?: string;
  checkpointIntervalMin: number | 'auto';
  checkpointWriteS?: number;
  restartS?: number;
  detectS?: number;
  spares?: number | 'auto' | 'unlimited';
  spareScope?: string;
  provider?: Provider;
  fleetAgeDays?: number;
  scope?: 'job' | 'fleet';
  recovery?: RecoveryMode;
  runs: number;
  seed: number;
  threads?: number;
  svg?: string;
  optimize?: boolean;
  json?: boolean;
}

/** A number flag: finite, and > 0 (strict) or ≥ 0. */
export function numberFlag(flag: string, strict: boolean, hint: string) {
  return (text: string): number => {
    const v = Number(text);
    if (text.trim() === '' || !Number.isFinite(v) || (strict ? v <= 0 : v < 0)) {
      throw new ColossusError('usage', `${flag} must be a number ${strict ? '> 0' : '≥ 0'}, got '${text}'`, { where: flag, hint });
    }
    return v;
  };
}

export function intervalFlag(text: string): number | 'auto' {
  if (text === 'auto') return 'auto';
  return numberFlag('--checkpoint-interval-min', true, "give minutes between checkpoints, e.g. 30, or 'auto' for Daly's optimum")(text);
}

export function sparesFlag(text: string): number | 'auto' | 'unlimited' {
  if (text === 'auto' || text === 'unlimited') return text;
  const v = Number(text);
  if (!Number.isInteger(v) || v < 0) {
    throw new ColossusError('usage', `--spares must be a whole number ≥ 0, 'auto' or 'unlimited', got '${text}'`, { where: '--spares', hint: 'e.g. --spares 16' });
  }
  return v;
}

export function seedFlag(text: string): number {
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v < 0) throw new ColossusError('usage', `--seed must be a whole number ≥ 0, got '${text}'`, { where: '--seed' });
  return v;
}

/** One of a fixed list of words, or a usage error listing them. */
export function choiceFlag<T extends string>(flag: string, valid: readonly T[]) {
  return (text: string): T => {
    if ((valid as readonly string[]).includes(text)) return text as T;
    throw new ColossusError('usage', `${flag} must be one of ${valid.join(', ')}, got '${text}'`, { where: flag, hint: `e.g. ${flag} ${valid[0]}` });
  };
}

export const providerFlag = choiceFlag<Provider>('--provider', ['onprem', 'cloud']);
export const scopeFlag = choiceFlag<'job' | 'fleet'>('--scope', ['job', 'fleet']);
export const recoveryFlag = choiceFlag<RecoveryMode>('--recovery', RECOVERY_MODES);

/** --fleet-age-days: days the cluster has been in service when the run starts (0 = brand new). */
export function fleetAgeFlag(text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0 || v > 36_500) {
    throw new ColossusError('usage', `--fleet-age-days must be a number of days from 0 to 36500, got '${text}'`, { where: '--fleet-age-days', hint: `e.g. 30 for a new cluster; default ${REFERENCE_AGE_DAYS} (mature)` });
  }
  return v;
}

/**
 * The failure model: by default the fleet model of the cluster's own GPU pools
 * (mixed pools weighted by GPUs) for --provider and --fleet-age-days; a
 * generation preset; a fixed preset; or a YAML file of overrides.
 */
export function loadFailures(arg: string | undefined, cluster: Cluster, flags: Pick<SimulateFlags, 'provider' | 'fleetAgeDays'>): FailureModel {
  const fleet: FleetOptions = { provider: flags.provider ?? 'onprem', fleetAgeDays: flags.fleetAgeDays ?? REFERENCE_AGE_DAYS };
  if (arg === undefined) return fleetFailureModel(cluster.pools.map((p) => ({ gpu: fleetGpu(p.gpu), gpus: p.gpus })), fleet);
  if (GENERATION_PRESETS.includes(arg)) return failurePreset(arg, '--failure-rates', fleet);
  const fleetFlag = flags.provider !== undefined ? '--provider' : flags.fleetAgeDays !== undefined ? '--fleet-age-days' : undefined;
  if (fleetFlag) {
    throw new ColossusError('usage', `${fleetFlag} applies to the fleet model, not to --failure-rates ${arg}`, {
      where: fleetFlag,
      hint: `drop --failure-rates (the cluster's GPUs) or use one of ${GENERATION_PRESETS.join(', ')}`,
    });
  }
  if (FAILURE_PRESETS[arg]) return failurePreset(arg);
  if (!/\.(ya?ml|json)$/i.test(arg)) {
    throw new ColossusError('usage', `unknown failure-rate preset '${arg}'`, {
      where: '--failure-rates',
      hint: `valid presets: ${Object.keys(FAILURE_PRESETS).join(', ')}; or a path to a .yaml file of overrides (see docs/simulate.md)`,
    });
  }
  return parseFailureFile(readDataFile(arg), arg);
}

/** Most runs one `simulate` holds results for (each run is a row of ~100 numbers). */
export const MAX_RUNS = 1_000_000;

export function runsFlag(text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isInteger(v) || v <= 0) throw new ColossusError('usage', `--runs must be a positive whole number, got '${text}'`, { where: '--runs' });
  if (v > MAX_RUNS) {
    throw new ColossusError('usage', `--runs ${text} is above the limit of ${MAX_RUNS.toLocaleString('en-US')} runs`, {
      where: '--runs',
      hint: `use at most ${MAX_RUNS}; 1,000 runs already give means within a fraction of a percent`,
    });
  }
  return v;
}

/** Checkpoint costs: --checkpoint-write-s, else the model's state over storage bandwidth, else ByteCheckpoint's 405B figures. */
function checkpointChoice(flags: SimulateFlags): CheckpointChoice & { source: string; stateBytes?: number } {
  const interval = flags.checkpointIntervalMin === 'auto' ? 'auto' : flags.checkpointIntervalMin * 60;
  const model = flags.model ? loadModel(flags.model) : undefined;
  const stateBytes = model ? paramCounts(model).total * CHECKPOINT_BYTES_PER_PARAM : undefined;
  const modelS = stateBytes !== undefined ? stateBytes / STORAGE_SUSTAINED_BYTES_PER_S : undefined;
  const loadS = modelS ?? BYTECHECKPOINT_405B.loadS;
  if (flags.checkpointWriteS !== undefined) return { interval, blockingS: flags.checkpointWriteS, persistS: 0, loadS, source: '--checkpoint-write-s (blocking)', stateBytes };
  if (modelS !== undefined) {
    return { interval, blockingS: modelS, persistS: 0, loadS, stateBytes, source: `${model!.name}: ${CHECKPOINT_BYTES_PER_PARAM} B/param at 2 TB/s (Llama 3 Tectonic), synchronous` };
  }
  return { interval, ...BYTECHECKPOINT_405B, source: 'ByteCheckpoint Table 8 (405B on 8,960 GPUs): async, 0.59 s blocking + 51.06 s persist' };
}

/**
 * --spare-scope: 'cluster' (one pool, the default) or a level of the cluster
 * above the node; a level's instance holds the product of the child counts
 * below it (colossus-100k: 8 nodes per rack, 64 per array, 3,136 per hall).
 */
export function spareScopeOf(cluster: Cluster, name: string | undefined): SpareScope | undefined {
  if (name === undefined || name === 'cluster') return undefined;
  const above = cluster.levels.slice(1);
  const i = above.findIndex((l) => l.name === name);
  if (i < 0) {
    const valid = ['cluster', ...above.map((l) => l.name).reverse()];
    throw new ColossusError('usage', `${cluster.name} has no level '${name}' to hold spare pools`, {
      where: '--spare-scope',
      hint: `valid levels: ${valid.join(', ')}`,
      details: { valid },
    });
  }
  return { level: name, nodesPerInstance: above.slice(0, i + 1).reduce((a, l) => a * l.childrenPer, 1) };
}

/** Nodes of the whole site (a site preset's partition is part of it; a node-type cluster is all job). */
export function fleetNodesOf(cluster: Cluster): number {
  return cluster.spec.kind === 'site' ? totalGpus(cluster.spec) / cluster.gpusPerNode : cluster.nodes;
}

export interface SimulateSetup {
  cluster: Cluster;
  failures: FailureModel;
  input: ScenarioInput;
  checkpointSource: string;
  stateBytes?: number;
}

export function simulateSetup(flags: SimulateFlags): SimulateSetup {
  if (!(flags.days > 0)) throw new ColossusError('usage', `--days must be > 0, got ${flags.days}`, { where: '--days' });
  const cluster = loadCluster(flags.cluster, flags.gpus);
  const failures = loadFailures(flags.failureRates, cluster, flags);
  const { source, stateBytes, ...checkpoint } = checkpointChoice(flags);
  const rack = cluster.levels.find((l) => l.name === 'rack');
  const spareScope = spareScopeOf(cluster, flags.spareScope);
  const input: ScenarioInput = {
    job: { gpus: cluster.gpus, gpusPerNode: cluster.gpusPerNode, nodesPerRack: rack?.childrenPer ?? 1 },
    days: flags.days,
    failures,
    checkpoint,
    ...(flags.restartS !== undefined ? { restartS: flags.restartS } : {}),
    ...(flags.detectS !== undefined ? { detectS: flags.detectS } : {}),
    ...(flags.spares !== undefined ? { spares: flags.spares } : {}),
    ...(spareScope !== undefined ? { spareScope } : {}),
    ...(flags.recovery !== undefined ? { recovery: flags.recovery } : {}),
    ...(flags.scope === 'fleet' ? { fleetNodes: fleetNodesOf(cluster) } : {}),
  };
  return { cluster, failures, input, checkpointSource: source, stateBytes };
}
