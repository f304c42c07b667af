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

export interface CheckpointSample {
  /** Server time of the progress line that reported the checkpoint, ms. */
  atMs: number;
  /** The save's duration from the line's `checkpointS`, when reported. */
  checkpointS?: number;
}

/** Mean checkpoint cost and mean compute time between consecutive checkpoints (nulls when unmeasured). */
export function measuredCheckpointing(samples: readonly CheckpointSample[]): { checkpointCostS: number | null; intervalS: number | null } {
  const costs = samples.map((s) => s.checkpointS).filter((x): x is number => typeof x === 'number' && x >= 0);
  const checkpointCostS = costs.length ? costs.reduce((a, b) => a + b, 0) / costs.length : null;
  if (samples.length < 2) return { checkpointCostS, intervalS: null };
  const spanS = (samples.at(-1)!.atMs - samples[0]!.atMs) / 1000 / (samples.length - 1);
  return { checkpointCostS, intervalS: Math.max(0, spanS - (checkpointCostS ?? 0)) };
}

const fmtS = (s: number) => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`);
