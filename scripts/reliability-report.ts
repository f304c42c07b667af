/**
 * Reliability calibration report (issue 12): every V and D record of
 * ../shared/data/reliability-fleet.json with the simulated value and its error,
 * or the reason the simulator cannot express it.
 * Run: node --import tsx scripts/reliability-report.ts [--runs N] [--json]
 */
import { calibrate, type CalibrationRow, type Comparison } from '../src/core/sim/calibration.js';
import { loadFleetRecords } from '../test/reliability/load-fleet.js';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 200;
const { records, path } = loadFleetRecords();
const rows = calibrate(records, runs);

const num = (x: number) => (Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : String(Number(x.toPrecision(4))));
const pub = (p: Comparison['published']) => (typeof p === 'number' ? num(p) : Array.isArray(p) ? `${num(p[0])}–${num(p[1])}` : `≥ ${num(p.atLeast)}`);
const pct = (e: number) => `${e >= 0 ? '+' : ''}${(e * 100).toFixed(1)}%`;

function markdown(r: CalibrationRow): string {
  const head = `| ${r.id} | ${r.status} | ${r.kind} |`;
  if (r.comparisons.length === 0) return `${head} — | — | — | ${r.how} |`;
  return r.comparisons.map((c, i) => `${i === 0 ? head : '| | | |'} ${c.label} | ${pub(c.published)} | ${num(c.simulated)} (${pct(c.error)}) | ${i === 0 ? r.how : ''} |`).join('\n');
}

if (args.includes('--json')) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
else {
  const scored = rows.filter((r) => r.kind === 'expressed' && r.status === 'V').flatMap((r) => r.comparisons);
  const worst = scored.reduce((a, c) => Math.max(a, Math.abs(c.error)), 0);
  process.stdout.write(`Reliability calibration: ${rows.length} V/D records of ${path.replace(/^.*\/(shared|test)\//, '$1/')}, ${runs} Monte Carlo runs each\n\n`);
  process.stdout.write('| record | status | | quantity | published | simulated (error) | how / why not |\n|---|---|---|---|---|---|---|\n');
  process.stdout.write(`${rows.map(markdown).join('\n')}\n\n`);
  const counts = ['expressed', 'context', 'not expressible'].map((k) => `${rows.filter((r) => r.kind === k).length} ${k}`).join(', ');
  process.stdout.write(`${counts}; expressed V values: ${scored.length}, largest |error| ${(worst * 100).toFixed(1)}%\n`);
}
