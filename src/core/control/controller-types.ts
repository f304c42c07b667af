/** The Controller's input and output shapes (plain data; src/protocol has the wire schemas). */
import type { AttemptSpecView } from './attempt-spec.js';
import type { HistoryCounts } from './fleet-history.js';
import type { AttemptPart, AttemptRec, ControlEvent, GpuRec, JobRec, NodeRec } from './types.js';

export interface LocalAttempt {
  attemptId: string;
  state: 'starting' | 'running' | 'exited';
  exitCode?: number | null;
  signal?: string | null;
}

export interface RegisterInput {
  name: string;
  gpus: GpuRec[];
  topology: { rack?: string; array?: string; hall?: string };
  address: string | null;
  attempts: LocalAttempt[];
}

export interface StopOrderView {
  attemptId: string;
  reason: NonNullable<AttemptRec['stop']>['reason'];
  warnSignal: 'SIGUSR1' | null;
  warnGraceS: number;
  killGraceS: number;
}

export interface DesiredState<R = AttemptSpecView> {
  heartbeatIntervalS: number;
  /** Attempts to run: their specs (the API), or only their ids (`Controller.heartbeatIds`). */
  run: R[];
  /** Attempts the agent reported holding that should keep running: ids only, their specs were sent before (the API's heartbeat). */
  keep?: string[];
  stop: StopOrderView[];
  ack: string[];
  serverTimeMs: number;
}

export type AttemptEventInput =
  | { type: 'started'; pids: number[] }
  | { type: 'progress'; rank: number; step?: number; loss?: number; checkpoint?: number; line: Record<string, unknown> }
  | { type: 'log'; rank?: number; stream: 'stdout' | 'stderr'; text: string }
  | { type: 'dropped'; rank?: number; lines: number; why: string }
  | { type: 'exited'; exitCode: number | null; signal: string | null; reason?: string; fault?: FailureFault };

/** Who a failure counts against (docs/operate.md, failure attribution): only 'node' feeds lemon detection. */
export type FailureFault = 'job' | 'node';

export interface Changes {
  nodes: NodeRec[];
  jobs: JobRec[];
  /** Attempt headers (persist without `parts`; parts come separately). */
  attempts: AttemptRec[];
  /** Attempt parts changed (a 12,288-node gang must not rewrite every part when one starts). */
  parts: { attemptId: string; index: number; part: AttemptPart }[];
  /** New attempts' parts as placed: stored as a few rows of many parts each, not a row per part. */
  placements?: { attemptId: string; parts: AttemptPart[] }[];
  events: ControlEvent[];
  quotas: [string, number | null][];
}

export interface Snapshot {
  nodes: NodeRec[];
  jobs: JobRec[];
  attempts: AttemptRec[];
  quotas: [string, number][];
  lastEventSeq: number;
  /** Interruptions by observable cause in the stored events (absent: none counted). */
  history?: HistoryCounts;
}
