/**
 * What happens to a job when one of its attempts has ended in failure:
 * restart from the last checkpoint, or stop for good (exit 93, max restarts,
 * crash-looping). Pure: the controller applies the decision.
 */
import type { AttemptRec, ControlPolicy, JobRec } from './types.js';

/** Exit code by which a workload asks not to be restarted (as NVIDIA's resiliency tools). */
export const NO_RESTART_EXIT_CODE = 93;

export interface RecoveryDecision {
  state: 'recovering' | 'failed';
  reason: string;
  /** New value of the job's consecutive-stuck counter. */
  stuckAttempts: number;
}

export function decideRecovery(job: JobRec, attempt: AttemptRec, policy: ControlPolicy): RecoveryDecision {
  const what = `attempt ${attempt.number} failed (${attempt.reason ?? 'unknown'})`;
  const workloadFailed = attempt.exitCode !== null && attempt.exitCode !== 0;
  const advanced = job.lastCheckpointStep !== attempt.resumedFromStep;
  const stuck = workloadFailed && !advanced ? job.stuckAttempts + 1 : 0;
  if (attempt.exitCode === NO_RESTART_EXIT_CODE) {
    return { state: 'failed', reason: `${what}: exit code 93 means do not restart`, stuckAttempts: stuck };
  }
  if (stuck >= policy.crashLoopAttempts) {
    const at = job.lastCheckpointStep === null ? 'no checkpoint' : `checkpoint step ${job.lastCheckpointStep}`;
    return { state: 'failed', reason: `held crash-looping: ${stuck} attempts in a row failed without advancing past ${at}`, stuckAttempts: stuck };
  }
  if (job.restarts >= job.spec.maxRestarts) {
    return { state: 'failed', reason: `${what}; max restarts (${job.spec.maxRestarts}) reached`, stuckAttempts: stuck };
  }
  const from = job.lastCheckpointStep === null ? 'from scratch' : `from checkpoint step ${job.lastCheckpointStep}`;
  return { state: 'recovering', reason: `${what}; restarting ${from}`, stuckAttempts: stuck };
}

/** True when the node's failures inside the window make it a lemon. */
export function isLemon(failuresMs: readonly number[], nowMs: number, policy: ControlPolicy): boolean {
  const since = nowMs - policy.lemonWindowS * 1000;
  return failuresMs.filter((t) => t >= since).length >= policy.lemonFailures;
}
