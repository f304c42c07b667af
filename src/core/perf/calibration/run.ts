/**
 * Runs the performance model on normalised calibration rows and measures its error.
 * Knobs a row leaves out are chosen by the planner (best throughput that fits). When the
 * memory model says the published layout does not fit (it did, since it ran), the layout is
 * still evaluated and the row is flagged `memoryMiss`.
 */
import { CLUSTER_PRESETS } from '../../cluster/presets.js';
import { resolveCluster } from '../../cluster/resolve.js';
import { searchLayouts } from '../search-loop.js';
import { NEUTRAL_SOFTWARE, SOFTWARE_RELEASES, type SoftwareParams } from '../software.js';
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

/** The software factors a row is predicted with: its release's when the model knows it, else neutral. */
export function releaseParams(release: string): SoftwareParams {
  return SOFTWARE_RELEASES.find((s) => s.name === release)?.params ?? NEUTRAL_SOFTWARE;
}

export function runCase(c: CalibrationCase, perfOptions: PerfOptions = {}): CaseResult {
  const options = { ...c.variant, software: releaseParams(c.release), ...perfOptions };
  const base = c.resolvedCluster ?? resolveCluster(CLUSTER_PRESETS[c.cluster], { gpus: c.gpus });
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
  const predicted = c.measure === 'stepTimeS' ? r.stepTimeS : c.measure === 'mfu' ? r.mfu : r.tokensPerSPerGpu;
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

/** A verified throughput row with its published layout on a catalog GPU: what the acceptance bounds apply to. */
export const scoredCase = (c: CalibrationCase): boolean => c.verified && c.measure !== null && !c.gpuVariant && !c.layoutChosen;

/** Verified throughput rows: what the acceptance bounds apply to. */
export const scored = (run: CalibrationRun): CaseResult[] => run.results.filter((r) => scoredCase(r.case) && Number.isFinite(r.error));

/** Rows that measured peak memory, with the model's error on it. */
export const memoryRows = (run: CalibrationRun): CaseResult[] => run.results.filter((r) => r.memoryError !== null);

export function mape(rs: readonly CaseResult[]): number {
  return rs.length === 0 ? NaN : rs.reduce((s, r) => s + Math.abs(r.error), 0) / rs.length;
}

/**
 * Two measurements of one configuration further apart than this ratio cannot both be within
 * 40% of any single prediction: a prediction p within 40% of both needs p ≤ 1.4·low and
 * p ≥ 0.6·high, i.e. high/low ≤ 1.4/0.6 ≈ 2.33.
 */
export const CONTRADICTION_RATIO = 1.4 / 0.6;

/** A row's run configuration: everything that determines its throughput in the model. */
export function configKey(c: CalibrationCase): string {
  const f = c.fixed;
  return [c.rowModelName, c.cluster, c.gpus, f.precision, f.tp, f.pp, f.vpp, f.cp, f.ep, f.dp, f.zero, f.mbs, f.recompute, c.gbs, c.seq].join('|');
}

/** A verified throughput row excluded from the 40% bound, and why. */
export interface Contradiction {
  id: string;
  /** The row(s) measuring the identical configuration that it contradicts. */
  against: string[];
  reason: string;
}

/**
 * Verified throughput rows excluded from the 40% bound: when rows describe the SAME run
 * configuration (model as the row names it, GPU, GPU count, precision, every layout field,
 * sequence, global and micro batch, recompute; see configKey) and their measurements are more
 * than CONTRADICTION_RATIO apart, no prediction can be within 40% of all of them; the one
 * farther from the model (in |log(predicted/measured)|) is excluded, repeatedly until the
 * rest agree within the ratio. Excluded rows still count in the MAPE. No id lists.
 */
export function contradicted(results: readonly CaseResult[]): Contradiction[] {
  const groups = new Map<string, CaseResult[]>();
  for (const r of results) {
    const c = r.case;
    if (!scoredCase(c) || !Number.isFinite(r.error)) continue;
    const k = `${c.measure}|${configKey(c)}`;
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(r);
  }
  const out: Contradiction[] = [];
  for (const g of groups.values()) {
    const rest = g.slice();
    for (;;) {
      const vals = rest.map((r) => r.case.measured);
      const ratio = Math.max(...vals) / Math.min(...vals);
      if (rest.length < 2 || ratio <= CONTRADICTION_RATIO) break;
      const far = rest.reduce((a, b) => (Math.abs(Math.log1p(b.error)) > Math.abs(Math.log1p(a.error)) ? b : a));
      rest.splice(rest.indexOf(far), 1);
      out.push({
        id: far.case.id,
        against: rest.map((r) => r.case.id),
        reason: `identical configuration measured ${ratio.toFixed(2)}× apart (> 1.4/0.6); this row is the one farther from the model`,
      });
    }
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** Verified throughput rows the 40% bound applies to (scored minus documented contradictions). */
export function bounded(run: CalibrationRun): CaseResult[] {
  const ex = new Set(contradicted(run.results).map((c) => c.id));
  return scored(run).filter((r) => !ex.has(r.case.id));
}
