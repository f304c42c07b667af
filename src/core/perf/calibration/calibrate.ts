/**
 * `colossus calibrate`'s core: fit a software release's factors to a user's measured runs,
 * starting from a known release, with the error before and after and the leave-one-out error
 * (each run predicted by a fit that did not see it), so the user sees whether the fit generalises.
 * Refuses to fit more factors than the runs support: each fitted factor needs
 * MIN_ROWS_PER_FACTOR runs that exercise it, and all fitted factors together that many runs each.
 */
import { ColossusError } from '../../errors.js';
import { SOFTWARE_KEYS, type SoftwareParams } from '../software.js';
import { fitSoftware, MIN_ROWS_PER_FACTOR, rowsPerFactor, runWith, type SoftwareKey } from './fit.js';
import { mape, type CaseResult } from './run.js';
import type { CalibrationCase } from './types.js';

export interface KeptFactor {
  factor: SoftwareKey;
  rows: number;
  reason: string;
}

/** The factors to fit (most-exercised first) and those kept at the base release's value. */
export function chooseFactors(cases: readonly CalibrationCase[]): { fit: SoftwareKey[]; kept: KeptFactor[] } {
  const n = rowsPerFactor(cases);
  const kept: KeptFactor[] = [];
  const fit: SoftwareKey[] = [];
  const order = [...SOFTWARE_KEYS].sort((a, b) => n[b] - n[a] || SOFTWARE_KEYS.indexOf(a) - SOFTWARE_KEYS.indexOf(b));
  for (const k of order) {
    if (n[k] < MIN_ROWS_PER_FACTOR) kept.push({ factor: k, rows: n[k], reason: `${n[k]} run(s) exercise it; a fit needs ${MIN_ROWS_PER_FACTOR}` });
    else if (cases.length < MIN_ROWS_PER_FACTOR * (fit.length + 1)) kept.push({ factor: k, rows: n[k], reason: `${cases.length} runs support ${fit.length} factor(s) (${MIN_ROWS_PER_FACTOR} runs per factor)` });
    else fit.push(k);
  }
  return { fit, kept };
}

export interface CalibrateResult {
  base: SoftwareParams;
  params: SoftwareParams;
  fitted: SoftwareKey[];
  kept: KeptFactor[];
  before: CaseResult[];
  after: CaseResult[];
  /** Each run's error when predicted by a fit on the others (10 folds beyond 40 runs; NaN where the others support no factor). */
  leaveOneOut: number[];
  mape: { before: number; after: number; leaveOneOut: number };
}

/** Fits `cases` from the `base` release's factors. Throws a usage error when no factor can be fitted. */
export function calibrate(cases: readonly CalibrationCase[], base: SoftwareParams): CalibrateResult {
  const { fit, kept } = chooseFactors(cases);
  if (fit.length === 0) {
    throw new ColossusError('usage', `${cases.length} run(s) are too few to fit any factor without overfitting`, {
      hint: `each factor needs ${MIN_ROWS_PER_FACTOR} runs that exercise it (BF16 runs for gemmBf16, FP8/FP4 runs for gemmLowPrecision, dropless-MoE runs for moeHost, expert-parallel runs for moeComm, runs at 8,192 tokens or more for attention); measure more runs`,
      details: { kept },
    });
  }
  const f = fitSoftware(cases, base, {}, fit);
  // Leave-one-out (k-fold with 10 folds beyond 40 runs): each fold refitted from the base release.
  const folds = cases.length <= 40 ? cases.length : 10;
  const loo = new Array<number>(cases.length).fill(NaN);
  for (let k = 0; k < folds; k++) {
    const held = cases.map((_, i) => i).filter((i) => i % folds === k);
    const others = cases.filter((_, i) => i % folds !== k);
    const sub = chooseFactors(others).fit;
    if (sub.length === 0) continue;
    const p = fitSoftware(others, base, {}, sub).params;
    runWith(held.map((i) => cases[i]), p).forEach((r, j) => (loo[held[j]] = r.error));
  }
  const finite = loo.filter(Number.isFinite);
  return {
    base,
    params: f.params,
    fitted: f.fitted,
    kept,
    before: f.before,
    after: f.after,
    leaveOneOut: loo,
    mape: { before: mape(f.before), after: mape(f.after), leaveOneOut: finite.length ? finite.reduce((s, e) => s + Math.abs(e), 0) / finite.length : NaN },
  };
}
