/**
 * Control-plane state as plain data (no I/O): nodes, jobs, attempts, events.
 * The server persists these rows; the twin drives the same logic in virtual time.
 * Times are ms since the epoch of the injected clock.
 */
import type { CheckpointTally } from './advice.js';

export type NodeState = 'idle' | 'allocated' | 'draining' | 'drained' | 'suspect' | 'down' | 'repair';
/** An operator or health hold on a node; null = in service. */
export type NodeHold = null | 'cordon' | 'suspect' | 'repair';
export type JobState = 'queued' | 'running' | 'recovering' | 'succeeded' | 'failed' | 'cancelled';
export type AttemptState = 'starting' | 'running' | 'stopping' | 'succeeded' | 'failed' | 'cancelled' | 'preempted';

/**
 * The injected clock. `nowMs` is the wall clock: only for display and records
 * (timestamps in rows and events). `monotonicMs` never steps (performance.now() in
 * the server): every timeout and rate limit measures with it. A clock without it
 * (the twin's virtual clock, which never steps) uses `nowMs` for both.
 */
export interface Clock {
  nowMs(): number;
  monotonicMs?(): number;
}

export interface GpuRec {
  index: number;
  uuid: string;
  model: string;
}

export interface GpuTelemetry {
  temperatureC?: number;
  powerW?: number;
  utilizationPct?: number;
  eccVolatileUncorrected?: number;
  remappedRowsPending?: number;
  [key: string]: number | string | undefined;
}

export interface NodeRec {
  name: string;
  state: NodeState;
  hold: NodeHold;
  /** Why the node holds (shown in transitions and events). */
  holdReason: string | null;
  down: boolean;
  gpus: GpuRec[];
  rack: string | null;
  array: string | null;
  hall: string | null;
  /** MASTER_ADDR when it hosts rank 0: the address the server saw at registration, or `adminAddress`. */
  address: string | null;
  /** Set by an admin (`POST /nodes/:name/address`): wins over the address the server sees. */
  adminAddress?: string | null;
  /** An admin reset the node (`colossus node reset`): the join token may register this name once more. */
  joinAllowed?: boolean;
  registeredAtMs: number;
  lastHeartbeatMs: number;
  /** busy[i] = attempt id holding GPU index i, or null. */
  busy: (string | null)[];
  /** Times (ms) of attempt failures this node took part in, for lemon detection. */
  failuresMs: number[];
  /** Latest telemetry per GPU index (memory only). */
  telemetry: Record<number, GpuTelemetry>;
}

export interface JobSpec {
  name: string;
  gpus: number;
  priority: number;
  team: string;
  checkpointDir: string;
  maxRestarts: number;
  command: string[];
  cwd: string | null;
  env: Record<string, string>;
  gracePeriodS: number;
  /** One process per GPU (default) or one per node (a launcher such as torchrun). */
  launch?: 'per-gpu' | 'per-node';
  /** What the job trains, for throughput, MFU and ETA (optional; `colossus job submit --model`, the twin). */
  plan?: JobPlanSpec | null;
}

/** A job's plan as the control plane keeps it (units in the names). */
export interface JobPlanSpec {
  model: string;
  /** bf16 | fp8 | fp4: the precision whose dense peak MFU divides by. */
  precision: string;
  /** Global batch × sequence length. */
  tokensPerStep: number;
  /** Model training FLOPs per token (forward + backward, no recomputation). */
  flopsPerToken: number;
  /** Dense peak FLOP/s of one GPU at `precision`. */
  peakFlopsPerGpu: number;
  /** The Plan face's step time, s. */
  stepTimeS: number;
  /** Tokens to train; null = open-ended. */
  tokenBudget: number | null;
  /** Layout as text (tp8 pp4 …), for display. */
  layout?: string;
  /** Software release (or calibrated stack) the planned step time is for. */
  software?: string;
}

export interface JobRec {
  id: string;
  /** Submission order (queue tie-break). */
  seq: number;
  spec: JobSpec;
  state: JobState;
  reason: string | null;
  submittedAtMs: number;
  endedAtMs: number | null;
  restarts: number;
  lastStep: number | null;
  lastCheckpointStep: number | null;
  result: Record<string, unknown> | null;
  /** `Idempotency-Key` of the submission (scoped by the submitter) and a hash of its body: a retry returns this job. */
  idempotency?: { key: string; bodySha256: string } | null;
  /** Workload output lines dropped as oversize or malformed (agents' counts); absent in rows written before it existed. */
  droppedLines?: number;
  /** Consecutive failed attempts whose workload exited non-zero without the checkpoint advancing. */
  stuckAttempts: number;
  attemptIds: string[];
}

/** The part of an attempt on one node. */
export interface AttemptPart {
  node: string;
  gpuIndices: number[];
  /** First global rank on this node. */
  firstRank: number;
  started: boolean;
  exited: boolean;
  exitCode: number | null;
}

export interface AttemptRec {
  id: string;
  jobId: string;
  number: number;
  state: AttemptState;
  parts: AttemptPart[];
  masterAddr: string;
  masterPort: number;
  exitCode: number | null;
  reason: string | null;
  startedAtMs: number;
  endedAtMs: number | null;
  resumedFromStep: number | null;
  lastStep: number | null;
  /** Rank 0's last progress line. */
  lastRank0Line: Record<string, unknown> | null;
  /** Rank 0's first progress line with a step (step, server time), and the time of the last one: the attempt's pace. */
  firstProgress?: { step: number; atMs: number } | null;
  lastProgressAtMs?: number;
  /** Rank 0's checkpoint lines of this attempt (count, first/last time, reported `checkpointS`): the measured interval and cost. */
  checkpoints?: CheckpointTally | null;
  /** COLOSSUS_CHECKPOINT_INTERVAL_S given to this attempt's processes: the advised interval when it was placed, s. */
  checkpointIntervalS?: number | null;
  /**
   * Set when a node of this attempt went silent: its ranks may still run until
   * this time (the fence bound, src/core/control/fencing.ts); the job's next
   * attempt is not placed before it.
   */
  fencedUntilMs?: number | null;
  /** Set when the server wants the processes gone. */
  stop: null | { reason: 'cancelled' | 'preempted' | 'peer-failed' | 'node-drain' | 'not-assigned'; warn: boolean };
}

export interface ControlEvent {
  seq: number;
  atMs: number;
  kind: string;
  jobId: string | null;
  node: string | null;
  reason: string;
  data: Record<string, unknown> | null;
}

/** Tunables of the control plane; defaults in DEFAULT_POLICY. */
export interface ControlPolicy {
  heartbeatIntervalS: number;
  nodeTimeoutS: number;
  /** Failures of attempts on one node within lemonWindowS that quarantine it. */
  lemonFailures: number;
  lemonWindowS: number;
  /** Failed attempts in a row without checkpoint progress that hold a job as crash-looping. */
  crashLoopAttempts: number;
  /** SIGTERM → SIGKILL grace for stops the job did not set, s. */
  defaultKillGraceS: number;
  /** Root for default checkpoint dirs (`<root>/<job id>`). */
  checkpointRoot: string;
  /**
   * Idle nodes kept out of jobs smaller than the largest running gang (reserve.ts): a count
   * (0 = none), or 'auto' (the simulator's spare pool for that gang at the fleet's rate).
   */
  spareReserve: number | 'auto';
  /** How often 'auto' re-estimates the fleet's hardware failure rate, s (monotonic). */
  reserveRecomputeS: number;
}

export const DEFAULT_POLICY: ControlPolicy = {
  heartbeatIntervalS: 5,
  nodeTimeoutS: 30,
  lemonFailures: 3,
  lemonWindowS: 3600,
  crashLoopAttempts: 3,
  defaultKillGraceS: 10,
  checkpointRoot: '/tmp/colossus/checkpoints',
  spareReserve: 0,
  reserveRecomputeS: 60,
};
