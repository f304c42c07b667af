/**
 * Fits a software release's few factors (software.ts) to measured runs: coordinate descent on
 * the mean |log(predicted/measured)| plus a penalty on rows beyond 28% (so that no row is left
 * far off for the sake of the mean). Only the factors the rows can identify are fitted, each
 * needing MIN_ROWS_PER_FACTOR rows that exercise it; the rest keep their starting values.
 */
import { NEUTRAL_SOFTWARE, SOFTWARE_KEYS, type SoftwareParams } from '../software.js';
import type { PerfOptions } from '../types.js';
import { runCase, type CaseResult } from './run.js';
import type { CalibrationCase } from './types.js';

export type SoftwareKey = (typeof SOFTWARE_KEYS)[number];

/**
 * Rows whose attention is a large share of the compute: sequences of 8,192 tokens and more
 * (attention FLOPs per token grow with the sequence; at 8k they are a third of a 7B model's).
 */
const longSequence = (c: CalibrationCase) => c.seq >= 8192;

/** Rows a fitted factor needs (3 per factor: fewer would let it chase individual rows). */
export const MIN_ROWS_PER_FACTOR = 3;

const BOUNDS: Record<SoftwareKey, [number, number]> = { gemmBf16: [0.5, 1.6], gemmLowPrecision: [0.5, 1.6], moeHost: [0.2, 5], moeComm: [0.3, 3], attention: [0.4, 2.5] };

/** The rows that exercise each factor. */
export function rowsPerFactor(cases: readonly CalibrationCase[]): Record<SoftwareKey, number> {
  const moe = (c: CalibrationCase) => c.model.moe !== undefined && !c.variant.moeTokenDrop;
  return {
    gemmBf16: cases.filter((c) => c.fixed.precision === 'bf16').length,
    gemmLowPrecision: cases.filter((c) => c.fixed.precision !== 'bf16').length,
    moeHost: cases.filter(moe).length,
    moeComm: cases.filter((c) => c.model.moe !== undefined && (c.fixed.ep ?? 1) > 1).length,
    attention: cases.filter(longSequence).length,
  };
}

/** The factors the rows can identify. */
export function identifiable(cases: readonly CalibrationCase[]): SoftwareKey[] {
  const n = rowsPerFactor(cases);
  return SOFTWARE_KEYS.filter((k) => n[k] >= MIN_ROWS_PER_FACTOR);
}

export const PENALTY_FROM = 0.28;
const PENALTY_WEIGHT = 5;

/** Runs the cases with the software factors `s`. */
export function runWith(cases: readonly CalibrationCase[], s: SoftwareParams, options: PerfOptions = {}): CaseResult[] {
  return cases.map((c) => runCase(c, { ...options, software: s }));
}

export function objective(rs: readonly CaseResult[]): number {
  const ok = rs.filter((r) => Number.isFinite(r.error));
  if (ok.length === 0) return Infinity;
  const meanLog = ok.reduce((s, r) => s + Math.abs(Math.log1p(r.error)), 0) / ok.length;
  return meanLog + (PENALTY_WEIGHT * ok.reduce((s, r) => s + Math.max(0, Math.abs(r.error) - PENALTY_FROM), 0)) / ok.length;
}

export interface SoftwareFit {
  params: SoftwareParams;
  fitted: SoftwareKey[];
  before: CaseResult[];
  after: CaseResult[];
}

/** Fits the identifiable factors of `start` to `cases` (deterministic). */
export function fitSoftware(cases: readonly CalibrationCase[], start: SoftwareParams, options: PerfOptions = {}, keys = identifiable(cases), steps = [1.25, 1.1, 1.04, 1.015]): SoftwareFit {
  // Factors written before a key existed (attention) start from neutral.
  let best: SoftwareParams = { ...NEUTRAL_SOFTWARE, ...start };
  const before = runWith(cases, best, options);
  let bestScore = objective(before);
  for (const step of steps) {
    for (let pass = 0; pass < 2; pass++) {
      for (const k of keys) {
        for (const dir of [step, 1 / step]) {
          for (;;) {
            const v = Math.min(BOUNDS[k][1], Math.max(BOUNDS[k][0], (best[k] ?? 1) * dir));
            if (v === best[k]) break;
            const cand = { ...best, [k]: v };
            const sc = objective(runWith(cases, cand, options));
            if (sc < bestScore - 1e-6) {
              best = cand;
              bestScore = sc;
            } else break;
          }
        }
      }
    }
  }
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const params = { ...best, gemmBf16: round(best.gemmBf16), gemmLowPrecision: round(best.gemmLowPrecision), moeHost: round(best.moeHost), moeComm: round(best.moeComm), attention: round(best.attention ?? 1) };
  return { params, fitted: keys, before, after: runWith(cases, params, options) };
}
