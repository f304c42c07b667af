/**
 * One attempt as the simulated workload sees it: where it runs, which step it
 * has reached, and the progress lines rank 0 prints (`{"step", "loss",
 * "checkpoint"?, "checkpointS"?}`), following the workload contract of DESIGN.md.
 */
import type { AttemptRec } from '../core/control/types.js';
import { lossAt, type JobPlan } from './workloads.js';

export class TwinAttempt {
  readonly id: string;
  readonly jobId: string;
  /** Fleet indices of the attempt's nodes, in rank order (rank 0 first). */
  readonly nodes: number[];
  /** Step the attempt resumed from. */
  readonly fromStep: number;
  step: number;
  /** Virtual time the workload started (all ranks up), or −1. */
  workloadStartS = -1;
  /** A peer died or hung: collectives block, no progress until the attempt is replaced. */
  stalled = false;
  stopSeen = false;

  constructor(att: AttemptRec, readonly plan: JobPlan, readonly slot: number, indexOf: (node: string) => number) {
    this.id = att.id;
    this.jobId = att.jobId;
    this.nodes = att.parts.map((p) => indexOf(p.node));
    this.fromStep = att.resumedFromStep ?? 0;
    this.step = this.fromStep;
  }

  /** Virtual seconds until the next progress line (plus a checkpoint stall when one falls in it). */
  nextDelayS(): number {
    const k = Math.min(this.plan.logEverySteps, Math.max(1, this.plan.totalSteps - this.step));
    const ckpt = Math.floor((this.step + k) / this.plan.checkpointEverySteps) > Math.floor(this.step / this.plan.checkpointEverySteps);
    return k * this.plan.stepTimeS + (ckpt ? this.plan.checkpointBlockingS : 0);
  }
}

export interface Progress {
  step: number;
  loss: number;
  checkpoint: number | null;
  line: Record<string, unknown>;
}

/** Advances the attempt by one log interval (or `steps`); `forceCheckpoint` checkpoints at the new step. */
export function advance(run: TwinAttempt, nowS: number, steps = run.plan.logEverySteps, forceCheckpoint = false): Progress {
  const prev = run.step;
  run.step = Math.min(run.plan.totalSteps, prev + steps);
  const every = run.plan.checkpointEverySteps;
  const crossed = Math.floor(run.step / every) > Math.floor(prev / every);
  const checkpoint = forceCheckpoint ? run.step : crossed ? Math.floor(run.step / every) * every : null;
  const tokens = run.step * run.plan.tokensPerStep;
  // Deterministic wiggle (±0.5 %) so the curve looks measured.
  const wiggle = 1 + 0.005 * Math.sin(run.step * 0.37 + nowS * 1e-4);
  const loss = Number((lossAt(run.plan.params, tokens) * wiggle).toFixed(4));
  const line: Record<string, unknown> = { step: run.step, loss, tokens };
  if (checkpoint !== null) {
    line.checkpoint = checkpoint;
    line.checkpointS = run.plan.checkpointBlockingS; // the workload contract: the seconds the save blocked training
  }
  return { step: run.step, loss, checkpoint, line };
}
