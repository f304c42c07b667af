/**
 * Turns per-run rows into the `colossus simulate --json` fields (DESIGN.md):
 * means and 5th/95th percentiles over runs, causes, MTBI, ETTR and lost
 * GPU-hours. Everything is computed in run order, so equal rows give equal
 * bytes.
 */
import {
  BY_KIND, F_CAUSE0, F_CHECKPOINT_S, F_DEGRADED_S, F_EVENTS, F_INTERRUPTIONS, F_LOST_WORK_S, F_PRODUCTIVE_S, F_RECOVERY_S,
  F_UNEXPECTED, F_WAITS, F_WAIT_S, dayOffset, rowWidth, type SimConfig,
} from './config.js';

export interface Band {
  mean: number;
  p5: number;
  p95: number;
}

export interface RunStats {
  runs: number;
  interruptions: Band;
  unexpectedInterruptions: Band;
  byCause: Record<string, number>;
  /** Mean interruptions per run by kind; they add up to interruptions.mean. */
  interruptionsByKind: Record<(typeof BY_KIND)[number], number>;
  mtbiHours: number;
  mtbiUnexpectedHours: number;
  ettr: Band;
  lostGpuHours: Band;
  /** Mean lost GPU-hours by where they went. */
  lostGpuHoursBy: { lostWork: number; recovery: number; waitingForSpares: number; checkpointing: number; degraded: number };
  /** Fail-slow: expected throughput lost to stragglers and the goodput left, ETTR × (1 − loss). */
  failSlow: { throughputLoss: number; lostGpuHours: number; goodput: number };
  /** Mean number of times per run the job had to wait for a repaired node. */
  spareWaits: number;
  /** Mean interruptions in each day of the run. */
  interruptionsPerDay: number[];
  eventsPerRun: number;
}

/** Rounds to `digits` significant digits (keeps JSON readable; deterministic). */
export const sig = (x: number, digits = 6): number => (Number.isFinite(x) && x !== 0 ? Number(x.toPrecision(digits)) : x);

/** Linear-interpolated quantile (type 7) of sorted values. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export function band(values: Float64Array): Band {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  const sorted = Float64Array.from(values).sort();
  return { mean: sig(sum / values.length), p5: sig(quantile(sorted, 0.05)), p95: sig(quantile(sorted, 0.95)) };
}

/** Column `field` of the rows, transformed by `f`. */
function column(rows: Float64Array, width: number, runs: number, field: number, f = (x: number) => x): Float64Array {
  const out = new Float64Array(runs);
  for (let r = 0; r < runs; r++) out[r] = f(rows[r * width + field]);
  return out;
}

const meanOf = (v: Float64Array): number => v.reduce((a, b) => a + b, 0) / v.length;

export function summarizeRuns(cfg: SimConfig, rows: Float64Array): RunStats {
  const width = rowWidth(cfg);
  const runs = rows.length / width;
  const col = (field: number, f?: (x: number) => number) => column(rows, width, runs, field, f);
  const gpuH = cfg.gpus / 3600;
  const interruptions = band(col(F_INTERRUPTIONS));
  const unexpected = band(col(F_UNEXPECTED));
  const horizonH = cfg.horizonS / 3600;
  const byCause: Record<string, number> = {};
  cfg.causes.forEach((c, i) => (byCause[c.id] = sig(meanOf(col(F_CAUSE0 + i)))));
  const days = dayOffset(cfg);
  const kinds = [0, 0, 0, 0];
  cfg.causes.forEach((c, i) => (kinds[c.byKind] += meanOf(col(F_CAUSE0 + i))));
  const interruptionsByKind = Object.fromEntries(BY_KIND.map((k, i) => [k, sig(kinds[i])])) as RunStats['interruptionsByKind'];
  const ettr = band(col(F_PRODUCTIVE_S, (p) => p / cfg.horizonS));
  const productiveMeanS = meanOf(col(F_PRODUCTIVE_S));
  return {
    runs,
    interruptions,
    unexpectedInterruptions: unexpected,
    byCause,
    interruptionsByKind,
    mtbiHours: sig(horizonH / interruptions.mean),
    mtbiUnexpectedHours: sig(horizonH / unexpected.mean),
    ettr,
    lostGpuHours: band(col(F_PRODUCTIVE_S, (p) => (cfg.horizonS - p) * gpuH)),
    lostGpuHoursBy: {
      lostWork: sig(meanOf(col(F_LOST_WORK_S)) * gpuH),
      recovery: sig(meanOf(col(F_RECOVERY_S)) * gpuH),
      waitingForSpares: sig(meanOf(col(F_WAIT_S)) * gpuH),
      checkpointing: sig(meanOf(col(F_CHECKPOINT_S)) * gpuH),
      degraded: sig(meanOf(col(F_DEGRADED_S)) * gpuH),
    },
    failSlow: {
      throughputLoss: sig(cfg.failSlowLoss),
      lostGpuHours: sig(productiveMeanS * cfg.failSlowLoss * gpuH),
      goodput: sig((productiveMeanS / cfg.horizonS) * (1 - cfg.failSlowLoss)),
    },
    spareWaits: sig(meanOf(col(F_WAITS))),
    interruptionsPerDay: Array.from({ length: cfg.days }, (_, d) => sig(meanOf(col(days + d)), 4)),
    eventsPerRun: sig(meanOf(col(F_EVENTS))),
  };
}
