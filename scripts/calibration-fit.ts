/**
 * Fits the performance model's global parameters (per GPU generation at most) to the
 * verified throughput rows of the calibration set by coordinate descent on the mean absolute
 * percentage error. Prints the parameter set to paste into src/core/perf/params.ts.
 *
 *   node --import tsx scripts/calibration-fit.ts [rounds] [start.json]
 *
 * This is how DEFAULT_PARAMS were set; no parameter depends on a row.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_PARAMS, type PerfParams } from '../src/core/perf/params.js';
import { mape, runCalibration, scored } from '../src/core/perf/calibration/run.js';
import { loadCalibrationRows } from '../test/calibration/load-rows.js';
const { rows } = loadCalibrationRows();
type Knob = { get: (p: PerfParams) => number; set: (p: PerfParams, v: number) => void; lo: number; hi: number; name: string };
const gens = ['ampere', 'hopper', 'blackwell', 'blackwell-ultra'] as const;
const knobs: Knob[] = [];
const top = (name: keyof PerfParams, lo: number, hi: number) =>
  knobs.push({ name, lo, hi, get: (p) => p[name] as number, set: (p, v) => ((p[name] as number) = v) });
for (const g of gens) {
  for (const prec of ['bf16', 'fp8', 'fp4'] as const) {
    if (g === 'ampere' && prec !== 'bf16') continue;
    if (g === 'hopper' && prec === 'fp4') continue;
    knobs.push({ name: `${g}.gemmEff.${prec}`, lo: 0.45, hi: 0.92, get: (p) => p.generation[g].gemmEff[prec], set: (p, v) => (p.generation[g].gemmEff[prec] = v) });
  }
  knobs.push({ name: `${g}.flashEff`, lo: 0.25, hi: 0.75, get: (p) => p.generation[g].flashEff, set: (p, v) => (p.generation[g].flashEff = v) });
}
for (const g of ['hopper', 'blackwell', 'blackwell-ultra'] as const) {
  knobs.push({ name: `${g}.tpOverlap`, lo: 0, hi: 0.9, get: (p) => p.generation[g].tpOverlap, set: (p, v) => (p.generation[g].tpOverlap = v) });
}
top('gemmHalfDim', 64, 1024);
top('elementwiseFactor', 1, 4);
top('moeElementwiseFactor', 1, 4);
top('layerOverheadS', 1e-5, 3e-3);
top('moeLayerOverheadS', 1e-5, 3e-3);
top('hostPerMoeLayerS', 0, 5e-3);
top('hostPerLocalExpertS', 0, 1e-3);
top('moeSyncS', 0, 5e-3);
top('chunkSyncS', 0, 1e-2);
top('overlapSlowdown', 0, 0.3);
top('a2aInterEff', 0.2, 0.9);
top('a2aNvlinkEff', 0.1, 0.9);
top('epOverlap', 0, 0.9);

const clone = (p: PerfParams): PerfParams => JSON.parse(JSON.stringify(p));
/**
 * Objective: mean |log(predicted/measured)| (symmetric in over/under-prediction) plus a penalty
 * on every row beyond 28% (the 30% bound with a margin), so that the fit honours the
 * bound where the model's physics allow it rather than trading a few rows for the mean.
 */
const PENALTY_FROM = Number(process.env.PENALTY_FROM ?? 0.28);
/** Weight of the penalty (per unit of error beyond PENALTY_FROM, summed over rows). */
const PENALTY_WEIGHT = Number(process.env.PENALTY_WEIGHT ?? 5);
const score = (p: PerfParams) => {
  const sc = scored(runCalibration(rows, { params: p }));
  void mape;
  const meanLog = sc.reduce((s, r) => s + Math.abs(Math.log1p(r.error)), 0) / sc.length;
  const penalty = PENALTY_WEIGHT * sc.reduce((s, r) => s + Math.max(0, Math.abs(r.error) - PENALTY_FROM), 0);
  return meanLog + penalty;
};

let best = process.argv[3] ? { ...clone(DEFAULT_PARAMS), ...JSON.parse(readFileSync(process.argv[3], 'utf8')) } : clone(DEFAULT_PARAMS);
let bestScore = score(best);
console.error(`start ${bestScore.toFixed(4)}`);
const rounds = Number(process.argv[2] ?? 4);
for (let round = 0; round < rounds; round++) {
  const step = [1.5, 1.25, 1.12, 1.06, 1.03][Math.min(round, 4)];
  for (const k of knobs) {
    for (const dir of [step, 1 / step]) {
      for (;;) {
        const cand = clone(best);
        const v = Math.min(k.hi, Math.max(k.lo, (k.get(best) || 0.01) * dir));
        if (v === k.get(best)) break;
        k.set(cand, v);
        const s = score(cand);
        if (s < bestScore - 1e-5) {
          best = cand;
          bestScore = s;
        } else break;
      }
    }
  }
  console.error(`round ${round}: ${bestScore.toFixed(4)}`);
}
console.log(JSON.stringify(best, null, 2));
