/**
 * The advice for one job (src/core/control/advice.ts) from what the control plane knows:
 * the fleet's posterior failure rate (fleet-tracker.ts) at the job's size, the checkpoint
 * cost and interval its rank 0 reports (`checkpointS` on checkpoint lines), its own restart
 * time, and defaults until those are measured:
 * - checkpoint cost: the simulator's default blocking time, ByteCheckpoint's 405B save
 *   (0.59 s; reliability.json checkpoint.write405BOn8960Gpus);
 * - restart: the prior model's restart time, else the simulator's in-place restart for the
 *   job's GPU count plus ByteCheckpoint's 405B load (what `colossus simulate` assumes).
 * Pure: the caller passes the clock's now.
 */
import { BYTECHECKPOINT_405B } from '../reliability/recovery-catalog.js';
import type { FailureModel } from '../reliability/types.js';
import { inPlaceRestartS } from '../sim/compile-cause.js';
import { jobAdvice, measuredCheckpointing, measuredRestartS, roundIntervalS, type JobAdvice } from './advice.js';
import type { AttemptRec, JobRec } from './types.js';

/** Checkpoint cost until the job reports one, s. */
export const DEFAULT_CHECKPOINT_COST_S = BYTECHECKPOINT_405B.blockingS;

/** The prior's restart time for a job of `gpus` GPUs, s. */
export function presetRestartS(prior: Pick<FailureModel, 'restartTotalS'>, gpus: number): number {
  return prior.restartTotalS ?? inPlaceRestartS(gpus) + BYTECHECKPOINT_405B.loadS;
}

export interface JobAdviceView extends JobAdvice {
  /** The fleet's posterior interruption rate used, per GPU-hour (all causes). */
  ratePerGpuHour: number;
  checkpointCostSource: 'measured' | 'default';
  restartSource: 'measured' | 'preset';
  /** COLOSSUS_CHECKPOINT_INTERVAL_S given to the job's latest attempt (null: none yet, or before it existed). */
  attemptIntervalS: number | null;
}

export function adviceForJob(job: JobRec, attempts: readonly AttemptRec[], ratePerGpuHour: number, prior: Pick<FailureModel, 'restartTotalS'>): JobAdviceView {
  const measured = measuredCheckpointing(attempts.map((a) => a.checkpoints));
  const restart = measuredRestartS(attempts.map((a) => ({ state: a.state, startedAtMs: a.startedAtMs, endedAtMs: a.endedAtMs, firstProgressAtMs: a.firstProgress?.atMs ?? null, lastProgressAtMs: a.lastProgressAtMs ?? null })));
  const a = jobAdvice({
    gpus: job.spec.gpus, ratePerGpuHour,
    checkpointCostS: measured.checkpointCostS ?? DEFAULT_CHECKPOINT_COST_S,
    restartS: restart ?? presetRestartS(prior, job.spec.gpus),
    actualIntervalS: measured.intervalS,
  });
  return {
    ...a, ratePerGpuHour,
    checkpointCostSource: measured.checkpointCostS === null ? 'default' : 'measured',
    restartSource: restart === null ? 'preset' : 'measured',
    attemptIntervalS: attempts.at(-1)?.checkpointIntervalS ?? null,
  };
}

/** COLOSSUS_CHECKPOINT_INTERVAL_S for a new attempt: the advised optimum, rounded. */
export function attemptIntervalS(advice: Pick<JobAdvice, 'optimalCheckpointIntervalS'>): number {
  return roundIntervalS(advice.optimalCheckpointIntervalS);
}
