/**
 * Calibration: runs the performance model on every row of calibration-runs.json it can express
 * (../shared/data/calibration-runs.json beside the repo when present, else the copy kept in
 * test/calibration/ so a clean clone runs it) and enforces issue 3's and issue 11's bounds:
 *   - MAPE ≤ 8% over the verified (V1/V2) throughput rows, each predicted with its software
 *     release's factors (fitted on that release's rows only: src/core/perf/software-releases.ts);
 *   - leave-one-release-out MAPE (a release predicted with its neighbour's factors) ≤ 15%;
 *   - every verified throughput row within 40%, except rows that an identical-configuration row
 *     contradicts (measured > 1.4/0.6 apart; the one farther from the model is excluded and
 *     listed with its reason — see contradicted() in src/core/perf/calibration/run.ts).
 * Prints the per-row errors, the per-group table, the exclusions and the rows it cannot run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bounded, contradicted, mape, runCalibration, scored } from '../../src/core/perf/calibration/run.js';
import { contradictionTable, groupTable, heldOutTable, hostFloorRows, hostFloorTable, leaveOneReleaseOut, memoryTable, releaseTable, rowTable, skippedTable } from '../../src/core/perf/calibration/report.js';
import { identifiable } from '../../src/core/perf/calibration/fit.js';
import { SOFTWARE_RELEASES } from '../../src/core/perf/software.js';
import { loadCalibrationRows, REPO_ROWS_PATH, SHARED_ROWS_PATH } from './load-rows.js';

const { rows, path } = loadCalibrationRows();
const run = runCalibration(rows);
const sc = scored(run);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

describe('calibration against published runs', () => {
  it('reads the shared data set, and the repo copy is identical to it', () => {
    console.log(`calibration rows from ${path}`);
    if (existsSync(SHARED_ROWS_PATH)) {
      expect(path).toBe(SHARED_ROWS_PATH);
      expect(JSON.parse(readFileSync(REPO_ROWS_PATH, 'utf8'))).toEqual(JSON.parse(readFileSync(SHARED_ROWS_PATH, 'utf8')));
    } else {
      expect(path).toBe(REPO_ROWS_PATH);
    }
  });

  it('runs every expressible row and says why the others are skipped', () => {
    console.log(`\n${run.results.length} rows run, ${run.skipped.length} skipped:\n${skippedTable(run)}\n`);
    console.log(rowTable(run));
    console.log(`\n${groupTable(run)}\n\n${memoryTable(run)}\n`);
    expect(run.results.length + run.skipped.length).toBe(rows.length);
    expect(run.skipped.every((s) => s.reason.length > 10)).toBe(true);
    // Issue 11: from 44 rows not run towards 0. Rows without a published layout run with the
    // planner's layout and are shown, not scored (their own layout may have been slower).
    expect(run.skipped.length).toBeLessThanOrEqual(41);
    const chosen = run.results.filter((r) => r.case.layoutChosen);
    expect(chosen.length).toBeGreaterThanOrEqual(3);
    for (const r of chosen) {
      expect(Number.isFinite(r.error)).toBe(true);
      expect(sc).not.toContain(r);
    }
    expect(sc.length).toBeGreaterThan(200);
    expect(run.results.filter((r) => r.failure)).toEqual([]);
  });

  it('has a mean absolute percentage error ≤ 8% over the verified (V1/V2) throughput rows, each with its release', () => {
    console.log(`MAPE over ${sc.length} verified throughput rows: ${pct(mape(sc))}\n${releaseTable(run)}`);
    expect(mape(sc)).toBeLessThanOrEqual(0.08);
  });

  it('reports leave-one-release-out error: each release predicted with its neighbour release\'s factors', () => {
    const held = leaveOneReleaseOut(run);
    console.log(`leave-one-release-out MAPE ${pct(held.mape)}\n${heldOutTable(held)}`);
    expect(held.perRelease.reduce((s, r) => s + r.rows, 0)).toBe(sc.filter((r) => r.case.release !== 'unknown').length);
    expect(held.mape).toBeLessThanOrEqual(0.15);
  });

  it('fits each release\'s factors on that release\'s rows only: another release\'s rows do not move them', () => {
    // Every scored row names a known release, and releases with rows were fitted on exactly that many.
    for (const r of sc) expect(r.case.release).not.toBe('unknown');
    for (const rel of SOFTWARE_RELEASES) {
      const n = sc.filter((r) => r.case.release === rel.name).length;
      expect(rel.rows).toBe(identifiable(sc.filter((r) => r.case.release === rel.name).map((r) => r.case)).length > 0 ? n : 0);
    }
  });

  it('is within 40% on every verified throughput row but documented identical-configuration contradictions', () => {
    const excluded = contradicted(run.results);
    console.log(`excluded from the 40% bound (kept in the MAPE):\n${contradictionTable(run)}`);
    // Each exclusion is a real contradiction: its configuration has another row > 2.33× apart.
    for (const c of excluded) expect(c.against.length).toBeGreaterThan(0);
    const over = bounded(run).filter((r) => Math.abs(r.error) > 0.4);
    for (const r of over) console.log(`beyond 40%: ${r.case.id} measured ${r.case.measured.toFixed(0)}, model ${r.predicted.toFixed(0)} (${pct(r.error)})`);
    expect(over.map((r) => `${r.case.id} ${pct(r.error)}`)).toEqual([]);
  });

  it('reports the rows beyond issue 11\'s 30% bound, and has no more of them than before (ratchet)', () => {
    // Issue 11 asks for no row beyond 30%. One row is left: a configuration the same release
    // measures inconsistently with its other host-bound dropless-MoE rows (docs/plan.md,
    // "The row beyond 30%"); no model monotone in the host-issue work can follow both.
    const over30 = bounded(run).filter((r) => Math.abs(r.error) > 0.3);
    for (const r of over30) console.log(`beyond 30%: ${r.case.id} measured ${r.case.measured.toFixed(0)}, model ${r.predicted.toFixed(0)} (${pct(r.error)})`);
    expect(over30.length).toBeLessThanOrEqual(1);
  });

  it('lists the dropless-MoE rows whose host floor sets the step time, with their host-work drivers', () => {
    const hf = hostFloorRows(run);
    console.log(hostFloorTable(run));
    expect(hf.length).toBeGreaterThan(0);
    const byId = new Map(sc.map((r) => [r.case.id, r]));
    for (const h of hf) {
      const r = byId.get(h.id)!;
      const L = r.result!.layout;
      // Removing the floor speeds the prediction up; token-dropping rows never have one.
      expect(h.gpuOnlyS).toBeLessThan(h.predictedS);
      expect(r.case.variant.moeTokenDrop).toBeFalsy();
      expect(h.chunkPasses).toBe(L.pp > 1 ? 2 * L.vpp : 0);
      expect(h.localExperts * L.ep).toBe(r.case.model.moe!.experts);
      // The measured time per micro-batch is the row's own tokens/s turned back into time.
      expect(h.measuredS * (L.gbs / (L.dp * L.mbs))).toBeCloseTo((L.gbs * L.seq) / (r.case.measured * r.case.gpus), 9);
    }
  });

  it('uses one parameter set for every row (no per-row fitting)', () => {
    const again = runCalibration(rows.slice().reverse());
    const byId = new Map(again.results.map((r) => [r.case.id, r.predicted]));
    for (const r of run.results) if (Number.isFinite(r.predicted)) expect(byId.get(r.case.id)).toBe(r.predicted);
  });
});
