/**
 * Throughput of a job from what the control plane sees: the steps rank 0 reports
 * and when, plus the job's optional plan (model FLOPs per token, tokens per step,
 * the GPU's dense peak at the precision, the planned step time, a token budget).
 *
 * - achieved step time: over the current (or last) attempt, from its first to its
 *   last progress line, so restart and startup time are not in it (checkpoint
 *   stalls between steps are);
 * - tokens/s = tokens per step ÷ achieved step time;
 * - MFU = model FLOPs per token × tokens/s ÷ (GPUs × dense peak of the precision)
 *   (DESIGN.md's definition: model FLOPs count no recomputation);
 * - goodput = productive time ÷ wall time since the first attempt started, where
 *   productive time = the steps that survive (lost work excluded), each at the pace of
 *   the attempt that computed it;
 * - ETA = remaining tokens ÷ (tokens/s × goodput): at the pace achieved so far,
 *   interruptions included.
 * Pure: the caller passes the clock's now.
 */
import type { AttemptRec, JobPlanSpec, JobRec } from './types.js';

export interface Throughput {
  /** Steps that survive (the live attempt's step, else the last checkpoint, else the last step of an ended job). */
  netStep: number;
  /** Mean step time of the current or last attempt, s (null before two progress lines). */
  achievedStepS: number | null;
  plannedStepS: number | null;
  /** Planned ÷ achieved step time (1 = as planned; below 1 = slower). */
  efficiency: number | null;
  tokensPerS: number | null;
  plannedTokensPerS: number | null;
  mfu: number | null;
  plannedMfu: number | null;
  /** Productive time ÷ wall time since the first attempt started (0–1). */
  goodput: number | null;
  tokensTrained: number | null;
  tokenBudget: number | null;
  /** Seconds to the token budget at the achieved pace and goodput (0 when reached). */
  etaS: number | null;
}

/** Records rank 0's progress timing on an attempt (called by the controller on each progress line with a step). */
export function noteProgress(att: AttemptRec, step: number, nowMs: number): void {
  if (!att.firstProgress || step < att.firstProgress.step) att.firstProgress = { step, atMs: nowMs };
  att.lastProgressAtMs = nowMs;
}

/** Mean seconds per step between the attempt's first and last progress lines. */
export function attemptStepS(att: AttemptRec): number | null {
  const f = att.firstProgress;
  if (!f || att.lastStep === null || att.lastProgressAtMs === undefined) return null;
  const steps = att.lastStep - f.step;
  const dtS = (att.lastProgressAtMs - f.atMs) / 1000;
  return steps > 0 && dtS > 0 ? dtS / steps : null;
}

const LIVE = new Set(['starting', 'running', 'stopping']);

function netStepOf(job: JobRec, last: AttemptRec | undefined): number {
  if (last && LIVE.has(last.state) && job.state === 'running') return last.lastStep ?? last.resumedFromStep ?? 0;
  if (job.state === 'queued' || job.state === 'recovering') return job.lastCheckpointStep ?? 0;
  return job.lastStep ?? 0;
}

/** The step time to use: the newest attempt that has a rate. */
function achievedStepS(attempts: AttemptRec[]): number | null {
  for (let i = attempts.length - 1; i >= 0; i--) {
    const s = attemptStepS(attempts[i]);
    if (s !== null) return s;
  }
  return null;
}

/** Seconds of surviving work: each attempt's steps that later attempts did not redo, at that attempt's own pace. */
function productiveS(attempts: AttemptRec[], netStep: number, fallbackStepS: number | null): number | null {
  let total = 0;
  for (let i = 0; i < attempts.length; i++) {
    const a = attempts[i];
    const from = a.resumedFromStep ?? 0;
    const upTo = i + 1 < attempts.length ? Math.min(a.lastStep ?? from, attempts[i + 1].resumedFromStep ?? 0) : netStep;
    const steps = Math.max(0, upTo - from);
    if (steps === 0) continue;
    const stepS = attemptStepS(a) ?? fallbackStepS;
    if (stepS === null) return null;
    total += steps * stepS;
  }
  return total;
}

export function jobThroughput(job: JobRec, attempts: AttemptRec[], nowMs: number): Throughput {
  const plan: JobPlanSpec | undefined = job.spec.plan ?? undefined;
  const last = attempts[attempts.length - 1];
  const netStep = netStepOf(job, last);
  const stepS = achievedStepS(attempts);
  const tokensPerS = plan && stepS ? plan.tokensPerStep / stepS : null;
  const mfuOf = (tps: number | null) => (plan && tps !== null && plan.peakFlopsPerGpu > 0 ? (plan.flopsPerToken * tps) / (job.spec.gpus * plan.peakFlopsPerGpu) : null);
  const plannedTokensPerS = plan && plan.stepTimeS > 0 ? plan.tokensPerStep / plan.stepTimeS : null;
  const first = attempts[0];
  const startMs = first ? first.startedAtMs : null;
  const endMs = job.endedAtMs ?? nowMs;
  const workS = productiveS(attempts, netStep, stepS ?? plan?.stepTimeS ?? null);
  const goodput = startMs !== null && workS !== null && endMs > startMs ? Math.min(1, workS / ((endMs - startMs) / 1000)) : null;
  const tokensTrained = plan ? netStep * plan.tokensPerStep : null;
  const tokenBudget = plan?.tokenBudget ?? null;
  let etaS: number | null = null;
  if (tokenBudget !== null && tokensTrained !== null) {
    const remaining = Math.max(0, tokenBudget - tokensTrained);
    const pace = (tokensPerS ?? plannedTokensPerS ?? 0) * (goodput ?? 1);
    etaS = remaining === 0 ? 0 : pace > 0 ? remaining / pace : null;
  }
  return {
    netStep, achievedStepS: stepS, plannedStepS: plan?.stepTimeS ?? null,
    efficiency: plan && stepS ? plan.stepTimeS / stepS : null,
    tokensPerS, plannedTokensPerS, mfu: mfuOf(tokensPerS), plannedMfu: mfuOf(plannedTokensPerS),
    goodput, tokensTrained, tokenBudget, etaS,
  };
}
