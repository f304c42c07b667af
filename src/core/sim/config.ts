/**
 * The compiled scenario the simulator runs: plain numbers and samplers, no
 * validation, nothing to look up in the hot loop. Built by ./scenario.ts.
 * All times in seconds, rates per second of wall-clock time for the whole job.
 */
import type { Sampler } from './distributions.js';

export const KIND_HARDWARE = 0;
export const KIND_SOFTWARE = 1;
export const KIND_PLANNED = 2;

/** `interruptionsByKind` buckets: GPU hardware, other hardware (hosts, network, lemons), software, planned. */
export const BY_KIND = ['gpu', 'otherHardware', 'software', 'planned'] as const;

/** Recovery modes (--recovery). */
export const RECOVERY_FULL = 0;
export const RECOVERY_IN_MEMORY = 1;
export const RECOVERY_ELASTIC = 2;
export const RECOVERY_MODES = ['full', 'in-memory', 'elastic'] as const;
export type RecoveryMode = (typeof RECOVERY_MODES)[number];

export interface SimCause {
  id: string;
  /** KIND_HARDWARE | KIND_SOFTWARE | KIND_PLANNED. */
  kind: number;
  /** Job-level rate, failures per s (already multiplied by the GPUs or nodes in the job). */
  ratePerS: number;
  /** RNG stream id (hash of `id`): adding a cause leaves the others' draws alone. */
  streamId: number;
  /** Detection latency sampler. */
  detect: Sampler;
  /** Mean detection latency, s (for reports). */
  detectMeanS: number;
  /** Restart after detection, s: in place, or onto a hot spare (hardware). */
  restartS: number;
  /** Restart after detection when the state is restored from peers' RAM (in-memory, elastic), s. */
  memRestartS: number;
  /** Index into BY_KIND. */
  byKind: number;
  /** Probability that a failure hits the job (1 in job scope; job nodes ÷ fleet nodes for hardware in fleet scope). */
  jobShare: number;
  /** Cluster-age hazard (null: constant rate). `ratePerS` holds at the run's start. */
  age: SimAge | null;
}

/** Age hazard compiled for the hot loop: multiplier(t) = shape(age0 + t) / shape(age0). */
export interface SimAge {
  startDays: number;
  burnIn: number;
  tauDays: number;
  wearPerYear: number;
  wearFromDays: number;
  /** shape(age0). */
  norm: number;
  /** Largest multiplier over the horizon (thinning bound). */
  max: number;
  /** A lower bound of the multiplier over the horizon (squeeze: candidates below it are kept without evaluating the hazard). */
  min: number;
}

export interface SimConfig {
  horizonS: number;
  /** Whole days covered by the per-day interruption histogram (ceil of horizon). */
  days: number;
  gpus: number;
  nodes: number;
  causes: SimCause[];
  /** Probability that a hardware failure takes out `correlatedNodes` nodes at once. */
  correlatedProbability: number;
  correlatedNodes: number;
  /** Spare nodes in each pool (one pool per spare-scope instance); Infinity = a replacement is always at hand (no repair modelled). */
  spares: number;
  /** Spare pools: one per instance of the spare scope (rack, array, hall) the job spans; 1 = one cluster-wide pool. */
  spareInstances: number;
  /** Job nodes per spare-pool instance (the last instance may hold fewer); = nodes for one cluster-wide pool. */
  nodesPerSpareInstance: number;
  repair: Sampler;
  repairMeanS: number;
  /** Restart once a job that waited for spares has its nodes back (re-queue path), s. */
  requeueRestartS: number;
  /** Compute time between checkpoints, s. */
  intervalS: number;
  /** Training stops for this long per checkpoint, s. */
  blockingS: number;
  /** After the blocking part, the checkpoint becomes durable this much later, s. */
  persistS: number;
  /** RECOVERY_FULL | RECOVERY_IN_MEMORY | RECOVERY_ELASTIC. */
  recovery: number;
  /** In-memory / elastic: compute time between snapshots to peers' RAM, s. */
  memIntervalS: number;
  /** In-memory: copies of each node's state (on distinct nodes of its group of this size); a correlated group at least this large loses a group's every copy. */
  memReplicas: number;
  /** Elastic: data-parallel replicas of the job (each `nodes / replicas` nodes). */
  replicas: number;
  /** Elastic: a spare (or repaired) node is ready to join this long after it is assigned, s. */
  spareJoinS: number;
  /** Elastic: the job pauses this long when a node rejoins, s. */
  rejoinS: number;
  /** Expected throughput lost to fail-slow (stragglers), fraction (reported beside ETTR). */
  failSlowLoss: number;
}

/** Per-run result row layout (a Float64Array slice). */
export const F_INTERRUPTIONS = 0;
export const F_UNEXPECTED = 1;
export const F_PRODUCTIVE_S = 2;
export const F_LOST_WORK_S = 3;
export const F_RECOVERY_S = 4;
export const F_WAIT_S = 5;
export const F_CHECKPOINT_S = 6;
export const F_WAITS = 7;
export const F_EVENTS = 8;
/** Elastic: kept compute time lost to running on fewer replicas, s. */
export const F_DEGRADED_S = 9;
export const F_CAUSE0 = 10;

/** Index of the first per-day count in a row. */
export const dayOffset = (cfg: SimConfig): number => F_CAUSE0 + cfg.causes.length;

/** Width of one run's result row. */
export const rowWidth = (cfg: SimConfig): number => dayOffset(cfg) + cfg.days;
