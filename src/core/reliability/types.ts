/**
 * Failure-model vocabulary. A `FailureModel` is a list of causes, each a
 * Poisson process scoped to a GPU, a node or the whole job, plus optional
 * lemon nodes, correlated (rack/leaf) failures and the repair-time
 * distribution of the spare pool. Presets live in ./presets.ts; YAML files
 * override them (./schema.ts).
 */
import type { DurationDist } from '../sim/distributions.js';
import type { AgeHazard } from './age-hazard.js';

/** What the fleet model groups causes by (generation, provider and age act per group). */
export type CauseGroup = 'gpuCompute' | 'gpuMemory' | 'network' | 'host' | 'software' | 'planned';

/** Where the fleet runs: on premises (Llama 3, Meta RSC, NCSA) or in a multi-tenant cloud (Alibaba). */
export type Provider = 'onprem' | 'cloud';

/**
 * What a cause does to the job:
 * - hardware: the node leaves the job (a spare replaces it) and goes to repair;
 * - software: the job restarts in place on the same nodes;
 * - planned: a scheduled stop; the job checkpoints first, so no work is lost,
 *   and it does not count as an unexpected interruption.
 */
export type CauseKind = 'hardware' | 'software' | 'planned';

/** Rate unit follows the scope: per GPU-hour, per node-day, per job-day. */
export type CauseScope = 'gpu' | 'node' | 'job';

export interface CauseSpec {
  /** Stable id (camelCase, as in reliability.json): the `byCause` key and the RNG stream id. */
  id: string;
  label: string;
  kind: CauseKind;
  scope: CauseScope;
  /** Failures per GPU-hour (gpu), per node-day (node) or per job-day (job). */
  rate: number;
  /** Time from the failure until it is detected. */
  detect: DurationDist;
  /** Source of the rate (reliability.json path and publication). */
  source: string;
  /** Fleet-model group (absent on hand-written causes: no ageing, no size scaling). */
  group?: CauseGroup;
  /** Hazard by cluster age; `rate` holds at the model's `fleetAgeDays` and changes over the run by this shape. */
  ageHazard?: AgeHazard;
  /**
   * Job-scope causes only: the per-job-day `rate` holds at `sizeRefNodes` nodes and
   * scales as (nodes / sizeRefNodes)^sizeExponent (absent: a fixed rate per job-day).
   */
  sizeExponent?: number;
  sizeRefNodes?: number;
}

/** Fail-slow: expected throughput lost to stragglers at n nodes, maxLoss · n^hill / (n^hill + halfNodes^hill). */
export interface FailSlowSpec {
  maxLoss: number;
  hill: number;
  halfNodes: number;
  source: string;
}

export interface LemonSpec {
  /** Fraction of the job's nodes that are lemons. */
  fraction: number;
  /** A lemon's hardware failure rate ÷ an ordinary node's. */
  multiplier: number;
}

export interface CorrelatedSpec {
  /** Probability that a hardware failure takes out a whole group of nodes. */
  probability: number;
  /** Nodes in the group, or 'rack' for the cluster's nodes per rack. */
  nodes: number | 'rack';
}

export interface FailureModel {
  name: string;
  description: string;
  causes: CauseSpec[];
  lemons?: LemonSpec;
  correlated?: CorrelatedSpec;
  /** Time a failed node spends in repair before it rejoins the spare pool. */
  repair: DurationDist;
  /** Spare pool when --spares is not given: 'auto' (P99 sizing) or 'unlimited' (no queueing). */
  defaultSpares: 'auto' | 'unlimited';
  /** Whole failure→resumed time, s, when --restart-s is not given (overrides detection + restart tables). */
  restartTotalS?: number;
  /** Age of the cluster when the run starts, days (fleet models; causes with an `ageHazard` change from there). */
  fleetAgeDays?: number;
  provider?: Provider;
  failSlow?: FailSlowSpec;
}
