/**
 * The compiled scenario the simulator runs: plain numbers and samplers, no
 * validation, nothing to look up in the hot loop. Built by ./scenario.ts.
 * All times in seconds, rates per second of wall-clock time for the whole job.
 */
import type { Sampler } from './distributions.js';

export const KIND_HARDWARE = 0;
export const KIND_SOFTWARE = 1;
export const KIND_PLANNED = 2;

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
export const F_CAUSE0 = 9;

/** Index of the first per-day count in a row. */
export const dayOffset = (cfg: SimConfig): number => F_CAUSE0 + cfg.causes.length;

/** Width of one run's result row. */
export const rowWidth = (cfg: SimConfig): number => dayOffset(cfg) + cfg.days;
