/**
 * Calibration: runs the performance model on every row of calibration-runs.json it can
 * express (a copy of ../shared/data/calibration-runs.json, kept in the repo so a clean clone
 * runs it) and checks the error against the bounds. Prints the per-row and per-group
 * tables and the rows it cannot run, with the reason.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contradicted, mape, runCalibration, scored } from '../../src/core/perf/calibration/run.js';
import { groupTable, memoryTable, rowTable, skippedTable } from '../../src/core/perf/calibration/report.js';

const rows = JSON.parse(readFileSync(new URL('./calibration-runs.json', import.meta.url), 'utf8')).rows as unknown[];
const run = runCalibration(rows);
const sc = scored(run);
const bad = contradicted(run.results);

/**
 * Verified rows that no sibling contradicts but that the model misses by more than 40%.
 * Each is a layout effect the data set itself disagrees on across releases (see docs/plan.md);
 * the test fails if any other row goes past 40% or if one of these comes back within it.
 */
const KNOWN_OUTLIERS: Record<string, string> = {
  'megatron-bridge-26.02-DGX-B300-DeepSeekV3-256-MXFP8-206': 'B300 measured only 1.11× the B200 running the same recipe in the same release (2,983 vs 2,689)',
  'megatron-bridge-26.02-DGX-B300-GPTOSS120B-64-BF16-210': 'ep64 across 8 B300 nodes measured 1.8× slower than the intra-node ep8 recipe of the next release',
  'megatron-bridge-25.11-DGX-B200-DeepSeekV3(w/MTP)-256-FP8-MX-241': 'multi-token-prediction module (an extra layer and output head) is not modelled',
  'megatron-bridge-25.11-DGX-B200-Qwen3_235B_a22B-64-FP8-MX-244': 'measured 1.26× slower than the same layout with token dropping (25.09: 4,104)',
};

describe('calibration against published runs', () => {
  it('runs every expressible row and says why the others are skipped', () => {
    console.log(`\n${run.results.length} rows run, ${run.skipped.length} skipped:\n${skippedTable(run)}\n`);
    console.log(rowTable(run));
    console.log(`\n${groupTable(run)}\n\n${memoryTable(run)}\n`);
    expect(run.results.length + run.skipped.length).toBe(rows.length);
    expect(run.skipped.every((s) => s.reason.length > 10)).toBe(true);
    expect(sc.length).toBeGreaterThan(200);
    expect(run.results.filter((r) => r.failure)).toEqual([]);
  });

  it('has a mean absolute percentage error ≤ 15% over the verified (V1/V2) throughput rows', () => {
    expect(mape(sc)).toBeLessThanOrEqual(0.15);
  });

  it('is within 40% on every verified throughput row that no sibling row contradicts, known outliers listed', () => {
    const over = sc.filter((r) => !bad.has(r.case.id) && Math.abs(r.error) > 0.4).map((r) => r.case.id);
    expect(over.sort()).toEqual(Object.keys(KNOWN_OUTLIERS).sort());
    console.log(`rows contradicted by a sibling (excluded from the 40% bound, kept in the MAPE): ${bad.size}`);
  });

  it('uses one parameter set for every row (no per-row fitting)', () => {
    const again = runCalibration(rows.slice().reverse());
    const byId = new Map(again.results.map((r) => [r.case.id, r.predicted]));
    for (const r of run.results) if (Number.isFinite(r.predicted)) expect(byId.get(r.case.id)).toBe(r.predicted);
  });
});
