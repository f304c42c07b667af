/**
 * Runs the performance model on normalised calibration rows and measures its error.
 * Knobs a row leaves out are chosen by the planner (best throughput that fits). When the
 * memory model says the published layout does not fit (it did, since it ran), the layout is
 * still evaluated and the row is flagged `memoryMiss`.
 */
import { CLUSTER_PRESETS } from '../../cluster/presets.js';
import { resolveCluster } from '../../cluster/resolve.js';
import { searchLayouts } from '../search-loop.js';
import type { PerfOptions, PerfResult } from '../types.js';
import { normaliseRow } from './normalise.js';
import type { CalibrationCase, SkippedRow } from './types.js';

export interface CaseResult {
  case: CalibrationCase;
  result: PerfResult | null;
  /** Predicted value of the row's measure. */
  predicted: number;
  /** (predicted − measured) / measured. */
  error: number;
  memoryMiss: boolean;
  /** Predicted peak memory vs the row's, when it measured memory. */
  memoryError: number | null;
  /** Why the model could not evaluate the case (layout invalid for the model). */
  failure?: string;
}

export function runCase(c: CalibrationCase, options: PerfOptions = {}): CaseResult {
  const base = resolveCluster(CLUSTER_PRESETS[c.cluster], { gpus: c.gpus });
  const v = c.gpuVariant;
  const cluster = v ? { ...base, gpu: { ...base.gpu, id: v.id, hbmBytes: v.hbmBytes, hbmUsableBytes: v.hbmBytes, hbmBandwidthBytesPerS: v.hbmBandwidthBytesPerS } } : base;
  const req = { gbs: c.gbs, seq: c.seq, fixed: c.fixed, top: 1 };
  let s = searchLayouts(c.model, cluster, req, options);
  let memoryMiss = false;
  if (s.top.length === 0) {
    memoryMiss = s.searched > 0;
    s = searchLayouts(c.model, cluster, { ...req, ignoreMemory: true }, options);
  }
  const r = s.top[0];
  if (!r) return { case: c, result: null, predicted: NaN, error: NaN, memoryMiss, memoryError: null, failure: 'no valid layout matches the row (rules of validate.ts)' };
  const predicted = c.measure === 'stepTimeS' ? r.stepTimeS : r.tokensPerSPerGpu;
  const memoryError = c.peakMemoryBytes ? (r.memoryPerGpuBytes - c.peakMemoryBytes) / c.peakMemoryBytes : null;
  return { case: c, result: r, predicted, error: c.measure ? (predicted - c.measured) / c.measured : NaN, memoryMiss, memoryError };
}

export interface CalibrationRun {
  results: CaseResult[];
  skipped: SkippedRow[];
}

export function runCalibration(rows: readonly unknown[], options: PerfOptions = {}): CalibrationRun {
  const results: CaseResult[] = [];
  const skipped: SkippedRow[] = [];
  for (const row of rows) {
    const n = normaliseRow(row as Record<string, unknown>);
    if ('reason' in n) skipped.push(n);
    else results.push(runCase(n, options));
  }
  return { results, skipped };
}

/** Verified throughput rows: what the acceptance bounds apply to. */
export const scored = (run: CalibrationRun): CaseResult[] =>
  run.results.filter((r) => r.case.verified && r.case.measure !== null && !r.case.gpuVariant && Number.isFinite(r.error));

/** Rows that measured peak memory, with the model's error on it. */
export const memoryRows = (run: CalibrationRun): CaseResult[] => run.results.filter((r) => r.memoryError !== null);

export function mape(rs: readonly CaseResult[]): number {
  return rs.length === 0 ? NaN : rs.reduce((s, r) => s + Math.abs(r.error), 0) / rs.length;
}

/** Largest ratio between sibling rows' throughputs before both are called contradictory. */
export const CONTRADICTION_RATIO = 1.6;

/**
 * Ids of rows the data set contradicts: another verified row with the same model (as the row
 * names it), GPU type, GPU count, precision and tp/pp/cp/ep reports a tokens/s/GPU more than
 * CONTRADICTION_RATIO apart (e.g. two Megatron-Bridge releases measuring the same recipe 1.8×
 * apart). No model can be within 40% of both; they count in the MAPE but not in the max bound.
 */
export function contradicted(results: readonly CaseResult[]): Set<string> {
  const groups = new Map<string, CaseResult[]>();
  for (const r of results) {
    const c = r.case;
    if (c.measure !== 'tokensPerSPerGpu' || !c.verified || c.gpuVariant) continue;
    const f = c.fixed;
    const key = [c.rowModelName, c.cluster, c.gpus, f.precision, f.tp, f.pp, f.cp, f.ep].join('|');
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  const out = new Set<string>();
  for (const g of groups.values()) {
    const vals = g.map((r) => r.case.measured);
    if (Math.max(...vals) / Math.min(...vals) > CONTRADICTION_RATIO) g.forEach((r) => out.add(r.case.id));
  }
  return out;
}
