/**
 * Prints the calibration error tables (Markdown) for docs/plan.md:
 *   node --import tsx scripts/calibration-report.ts            # summary + per-group table
 *   node --import tsx scripts/calibration-report.ts --rows     # + every row, + the rows not run
 */
import { readFileSync } from 'node:fs';
import { runCalibration } from '../src/core/perf/calibration/run.js';
import { groupTable, memoryTable, rowTable, skippedTable, summarise } from '../src/core/perf/calibration/report.js';

const rows = JSON.parse(readFileSync(new URL('../test/calibration/calibration-runs.json', import.meta.url), 'utf8')).rows;
const run = runCalibration(rows);
const s = summarise(run);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
console.log(`Calibration: ${rows.length} rows; ${run.results.length} run, ${s.skipped} not expressible; ${s.scored} verified throughput rows scored.`);
console.log(`MAPE ${pct(s.mape)}; max ${pct(s.max)}; max over rows no sibling row contradicts ${pct(s.maxUncontradicted)} (${s.contradicted.length} rows contradicted, marked †).\n`);
console.log(groupTable(run));
console.log('\nPeak memory per GPU (the rows that measured it; torchtitan on an H100 96 GB variant whose throughput is not scored):\n');
console.log(memoryTable(run));
if (process.argv.includes('--rows')) {
  console.log('\n† a sibling row (same model, GPU, GPU count, precision, tp/pp/cp/ep) reports a throughput > 1.6× apart; ‡ the memory model says the published layout does not fit; § GPU variant not in the catalog (throughput shown, not scored).\n');
  console.log(rowTable(run));
  console.log('\nRows not run:\n');
  console.log(skippedTable(run));
}
