/**
 * Goodput advice for one running job: from the fleet's estimated interruption rate, the
 * job's size and its measured checkpoint cost and restart time, the Daly-optimal checkpoint
 * interval and the expected goodput (ETTR of the renewal process the simulator runs) at that
 * interval and at the interval the job actually uses. Pure; uses the Simulate face's
 * checkpoint theory (src/core/reliability/checkpoint-theory.ts) unchanged.
 */
import { dalyIntervalS, exactPoissonEttr } from '../reliability/checkpoint-theory.js';

export interface AdviceInputs {
  gpus: number;
  /** Fleet interruption rate per GPU-hour (all observable causes, posterior mean). */
  ratePerGpuHour: number;
  /** Blocking time of one checkpoint, s (measured `checkpointS`, or a default). */
  checkpointCostS: number;
  /** Failure → resumed, s (measured from the job's own restarts, or the preset's). */
  restartS: number;
  /** Compute time between the job's checkpoints, s (null: not measured yet). */
  actualIntervalS: number | null;
}

export interface JobAdvice {
  mtbiS: number;
  checkpointCostS: number;
  restartS: number;
  optimalCheckpointIntervalS: number;
  actualCheckpointIntervalS: number | null;
  /** Expected goodput (ETTR) at the optimal interval. */
  expectedGoodput: number;
  /** Expected goodput at the interval the job uses (null until measured). */
  achievedGoodput: number | null;
  /** Set when the actual interval is more than 2× off the optimum (either way). */
  warning: string | null;
}

/** Off by more than this factor either way, the job page warns. */
export const INTERVAL_WARN_FACTOR = 2;

export function jobAdvice(i: AdviceInputs): JobAdvice {
  if (!(i.gpus > 0 && i.ratePerGpuHour > 0)) throw new Error(`advice needs gpus > 0 and a positive rate, got ${i.gpus}, ${i.ratePerGpuHour}`);
  const mtbiS = 3600 / (i.ratePerGpuHour * i.gpus);
  const optimal = dalyIntervalS(i.checkpointCostS, mtbiS);
  const ettr = (intervalS: number) => exactPoissonEttr({ failuresPerS: 1 / mtbiS, intervalS, restartS: i.restartS, writeS: i.checkpointCostS });
  const actual = i.actualIntervalS;
  const ratio = actual === null ? 1 : actual / optimal;
  const warning = ratio > INTERVAL_WARN_FACTOR || ratio < 1 / INTERVAL_WARN_FACTOR
    ? `checkpoint interval ${fmtS(actual!)} is ${ratio > 1 ? `${ratio.toFixed(1)}× longer` : `${(1 / ratio).toFixed(1)}× shorter`} than the optimum ${fmtS(optimal)} (Daly, MTBI ${fmtS(mtbiS)})`
    : null;
  return {
    mtbiS, checkpointCostS: i.checkpointCostS, restartS: i.restartS, optimalCheckpointIntervalS: optimal,
    actualCheckpointIntervalS: actual, expectedGoodput: ettr(optimal), achievedGoodput: actual === null ? null : ettr(actual), warning,
  };
}

/** Rank 0's checkpoints within one attempt (kept on the attempt; O(1) per progress line). */
export interface CheckpointTally {
  count: number;
  /** Server time of the first and the last checkpoint line, ms. */
  firstAtMs: number;
  lastAtMs: number;
  /** Sum and count of the lines' `checkpointS` (the seconds each save blocked training). */
  costSumS: number;
  costCount: number;
}

/** Adds one checkpoint line (server time `atMs`, its `checkpointS` when reported) to an attempt's tally. */
export function tallyCheckpoint(t: CheckpointTally | null | undefined, atMs: number, checkpointS: unknown): CheckpointTally {
  const cost = typeof checkpointS === 'number' && Number.isFinite(checkpointS) && checkpointS >= 0 ? checkpointS : null;
  if (!t) return { count: 1, firstAtMs: atMs, lastAtMs: atMs, costSumS: cost ?? 0, costCount: cost === null ? 0 : 1 };
  return { count: t.count + 1, firstAtMs: t.firstAtMs, lastAtMs: atMs, costSumS: t.costSumS + (cost ?? 0), costCount: t.costCount + (cost === null ? 0 : 1) };
}

/**
 * Mean checkpoint cost (over every reported `checkpointS` of every attempt) and the interval the
 * job uses now: the mean time between consecutive checkpoint lines of its newest attempt with
 * two or more, less that cost (a gap across a restart is not an interval, and an attempt placed
 * with a new COLOSSUS_CHECKPOINT_INTERVAL_S may keep a new one). Nulls when not measured yet.
 */
export function measuredCheckpointing(tallies: readonly (CheckpointTally | null | undefined)[]): { checkpointCostS: number | null; intervalS: number | null } {
  let costSum = 0, costN = 0;
  for (const t of tallies) {
    if (!t) continue;
    costSum += t.costSumS;
    costN += t.costCount;
  }
  const checkpointCostS = costN ? costSum / costN : null;
  const newest = tallies.findLast((t) => t && t.count >= 2);
  return { checkpointCostS, intervalS: newest ? Math.max(0, (newest.lastAtMs - newest.firstAtMs) / 1000 / (newest.count - 1) - (checkpointCostS ?? 0)) : null };
}

/** An attempt as the restart measurement sees it. */
export interface RestartSample {
  state: string;
  startedAtMs: number;
  endedAtMs: number | null;
  firstProgressAtMs: number | null;
  lastProgressAtMs: number | null;
}

/**
 * Mean restart time from the job's own restarts: for each attempt that followed a failed one
 * and has reported progress, from the failed attempt's last progress line (≈ the failure; its
 * start when it never reported) to the new attempt's first: detection, fencing, placement,
 * start-up and checkpoint load. Null until the job has restarted after a failure.
 */
export function measuredRestartS(attempts: readonly RestartSample[]): number | null {
  let sum = 0, n = 0;
  for (let i = 1; i < attempts.length; i++) {
    const prev = attempts[i - 1]!, a = attempts[i]!;
    if (prev.state !== 'failed' || a.firstProgressAtMs === null) continue;
    const failedAtMs = prev.lastProgressAtMs ?? prev.startedAtMs;
    sum += Math.max(0, a.firstProgressAtMs - failedAtMs) / 1000;
    n += 1;
  }
  return n ? sum / n : null;
}

/**
 * COLOSSUS_CHECKPOINT_INTERVAL_S as a workload reads it: two significant figures below
 * 100 s (0.61, 3.3, 47), whole seconds above; never below 0.01 s.
 */
export function roundIntervalS(s: number): number {
  if (!(s > 0) || !Number.isFinite(s)) throw new Error(`interval must be a positive number of seconds, got ${s}`);
  return s >= 100 ? Math.round(s) : Math.max(0.01, Number(s.toPrecision(2)));
}

const fmtS = (s: number) => (s >= 3 * 86_400 ? `${(s / 86_400).toFixed(1)} d` : s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`);
