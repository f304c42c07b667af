/**
 * Prints the calibration error tables (Markdown) for docs/plan.md:
 *   node --import tsx scripts/calibration-report.ts            # summary + per-group table
 *   node --import tsx scripts/calibration-report.ts --rows     # + every row, + the rows not run
 *   node --import tsx scripts/calibration-report.ts --leave-one-row-out   # + each row predicted by a fit without it (~2 min)
 *   node --import tsx scripts/calibration-report.ts --host-floor          # + the dropless-MoE rows whose CPU-issue floor binds
 *   node --import tsx scripts/calibration-report.ts --write-readme        # rewrite the README's calibration tables
 * Reads ../shared/data/calibration-runs.json when it exists beside the repo, else the copy in
 * test/calibration/.
 */
import { runCalibration } from '../src/core/perf/calibration/run.js';
import { contradictionTable, groupTable, heldOutTable, hostFloorTable, leaveOneReleaseOut, leaveOneRowOut, memoryTable, recipeMoves, releaseTable, rowTable, skippedTable, summarise } from '../src/core/perf/calibration/report.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadCalibrationRows } from '../test/calibration/load-rows.js';

const { rows, path } = loadCalibrationRows();
const run = runCalibration(rows);
const s = summarise(run);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const chosen = run.results.filter((r) => r.case.layoutChosen).length;
console.log(`Calibration (${path}): ${rows.length} rows; ${run.results.length} run (${chosen} with the planner's layout, the row publishing none: shown, not scored), ${s.skipped} not expressible; ${s.scored} verified throughput rows scored.`);
console.log(`MAPE ${pct(s.mape)}; max ${pct(s.max)}; ${s.contradicted.length} rows excluded from the 40% bound (identical-configuration contradictions, marked †); max over the rest ${pct(s.maxBounded)}; ${s.over40.length} of them beyond 40%, ${s.over30.length} beyond 30%${s.over30.length ? ` (${s.over30.map((r) => `${r.case.id} ${pct(r.error)}`).join(', ')})` : ''}.\n`);
console.log(groupTable(run));
console.log('\nPer software release (each release\'s factors fitted on its own rows only):\n');
console.log(releaseTable(run));
const held = leaveOneReleaseOut(run);
console.log(`\nLeave-one-release-out (a release predicted with its neighbour's factors): MAPE ${pct(held.mape)}\n`);
console.log(heldOutTable(held));
if (process.argv.includes('--leave-one-row-out')) {
  const loo = leaveOneRowOut(run);
  console.log(`\nLeave-one-row-out (each row predicted with its release's factors refitted on the release's other rows; physics fixed): MAPE ${pct(loo.mape)}, max ${pct(loo.max)} over ${loo.results.length} rows.`);
}
console.log('\nThe same recipe across Megatron-Bridge releases, tokens/s/GPU measured (model):\n');
console.log(recipeMoves(run));
console.log(`\n${contradictionTable(run)}`);
if (s.over40.length > 0) {
  console.log('\nVerified throughput rows beyond 40% (the test fails on these):\n');
  for (const r of s.over40) console.log(`- ${r.case.id}: measured ${r.case.measured.toFixed(0)}, model ${r.predicted.toFixed(0)} (${pct(r.error)})`);
}
console.log('\nPeak memory per GPU (the rows that measured it; torchtitan on an H100 96 GB variant whose throughput is not scored):\n');
console.log(memoryTable(run));
if (process.argv.includes('--host-floor')) {
  console.log('\nVerified dropless-MoE rows whose CPU-issue floor sets the model\'s step time (time per micro-batch = step time ÷ micro-batches per step; GPU-only: the model without the host floor):\n');
  console.log(hostFloorTable(run));
}
if (process.argv.includes('--rows')) {
  console.log('\n† excluded from the 40% bound: another row of the identical configuration measured > 1.4/0.6 apart and this one is farther from the model; ‡ the memory model says the published layout does not fit; § GPU variant not in the catalog (throughput shown, not scored); ¶ no layout published: the best layout the planner finds (shown, not scored).\n');
  console.log(rowTable(run));
  console.log('\nRows not run:\n');
  console.log(skippedTable(run));
}
if (process.argv.includes('--write-readme')) {
  // The README's tables sit between these markers; everything else in the README is prose.
  const readme = fileURLToPath(new URL('../README.md', import.meta.url));
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- calibration-tables:start (node --import tsx scripts/calibration-report.ts --write-readme) -->';
  const end = '<!-- calibration-tables:end -->';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README.md has no ${start} … ${end} block`);
  writeFileSync(readme, `${text.slice(0, i + start.length)}\n${groupTable(run)}\n\n${releaseTable(run)}\n${text.slice(j)}`);
  console.log(`\nREADME.md calibration tables rewritten.`);
}
