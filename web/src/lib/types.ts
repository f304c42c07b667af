/** Shapes of the twin endpoints (src/twin/summary.ts, src/twin/http/routes.ts). */
// The twin's own types are the source of truth; the dashboard imports them (types only).
export type { TwinSummary as Summary } from '../../../src/twin/summary.js';
export type { FeedEvent } from '../../../src/twin/http/stream.js';

export interface Layout {
  cluster: string;
  gpus: number;
  nodes: number;
  gpusPerNode: number;
  nodesPerRack: number;
  racksPerArray: number;
  arraysPerHall: number;
  nodeNames: { prefix: string; pad: number };
  states: Record<string, number>;
  flagshipId: string | null;
}

export type { ThroughputView as Throughput, AdviceView as Advice } from '../../../src/protocol/jobs.js';
export type { FleetReliabilityView as FleetReliability } from '../../../src/protocol/reliability.js';
import type { AdviceView, ThroughputView } from '../../../src/protocol/jobs.js';

export interface JobSummary {
  id: string; name: string; state: string; gpus: number; priority: number; team: string; restarts: number;
  lastStep: number | null; lastCheckpointStep: number | null; submittedAtMs: number; endedAtMs: number | null; reason: string | null;
  model: string | null; throughput: ThroughputView;
}

export interface AttemptView {
  id: string; number: number; state: string; nodes: string[]; exitCode: number | null; reason: string | null;
  startedAtMs: number; endedAtMs: number | null; resumedFromStep: number | null; lastStep: number | null;
  /** COLOSSUS_CHECKPOINT_INTERVAL_S it got (absent in the twin's compact series). */
  checkpointIntervalS?: number | null;
}

export interface JobDetail extends JobSummary {
  command: string[]; checkpointDir: string; maxRestarts: number; gracePeriodS: number; attempts: AttemptView[]; result: Record<string, unknown> | null;
  plan: { model: string; precision: string; tokensPerStep: number; stepTimeS: number; tokenBudget: number | null; layout?: string } | null;
  /** Goodput advice (null before the job's first attempt). */
  advice: AdviceView | null;
}

export interface NodeSummary {
  name: string; state: string; gpus: number; rack: string | null; lastHeartbeatAt: string | null;
  array: string | null; hall: string | null; gpuModel: string | null; gpusFree: number; jobs: string[];
}

export interface NodeDetail extends NodeSummary {
  address: string | null; registeredAtMs: number;
  attempts: string[]; hold?: string | null; holdReason?: string | null;
  transitions: { from: string | null; to: string; reason: string; source: string; atMs: number }[];
  recentFailures: number;
}

export interface TwinNode {
  name: string; index: number; rack: string; array: string; hall: string; agentUp: boolean; repair: string | null;
  gpus: { index: number; uuid: string; model: string; state: string; utilizationPct: number; temperatureC: number; powerW: number }[];
}

export interface JobSeries {
  jobId: string;
  plan: { name: string; model: string; gpus: number; stepTimeS: number; totalSteps: number; checkpointEverySteps: number; layout: string; hfu: number };
  lost: { lostSteps: number; lostS: number; interruptions: Record<string, number> };
  startMs: number;
  attempts: (Omit<AttemptView, 'nodes'> & { nodeCount: number; firstNode: string | null })[];
  points: [number, number, number][];
}
