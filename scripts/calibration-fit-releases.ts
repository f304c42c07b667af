/**
 * Fits each software release's factors (src/core/perf/software.ts) on that release's verified
 * throughput rows only, with the physics parameters fixed, and prints the body of
 * src/core/perf/software-releases.ts:
 *
 *   node --import tsx scripts/calibration-fit-releases.ts > /tmp/releases.txt
 *
 * A release's factors never see another release's rows, and no factor sees a single row.
 */
import { fitSoftware, identifiable, PENALTY_FROM } from '../src/core/perf/calibration/fit.js';
import { normaliseRow } from '../src/core/perf/calibration/normalise.js';
import { mape, scoredCase } from '../src/core/perf/calibration/run.js';
import type { CalibrationCase } from '../src/core/perf/calibration/types.js';
import { NEUTRAL_SOFTWARE, SOFTWARE_RELEASES } from '../src/core/perf/software.js';
import { loadCalibrationRows } from '../test/calibration/load-rows.js';

const { rows } = loadCalibrationRows();
const cases = rows.map((r) => normaliseRow(r as Record<string, unknown>)).filter((c): c is CalibrationCase => !('reason' in c));
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const lines: string[] = [];
for (const rel of SOFTWARE_RELEASES) {
  const mine = cases.filter((c) => c.release === rel.name && scoredCase(c));
  if (mine.length === 0 || identifiable(mine).length === 0) {
    lines.push(`  r('${rel.name}', '${rel.family}', 0),`);
    continue;
  }
  // Start neutral, keeping the release's framework properties (gradReduceBytes), which are not fitted.
  const fit = fitSoftware(mine, { ...NEUTRAL_SOFTWARE, gradReduceBytes: rel.params.gradReduceBytes });
  const p = fit.params;
  const over = fit.after.filter((r) => Math.abs(r.error) > PENALTY_FROM).length;
  console.error(`${rel.name}: ${mine.length} rows, fitted ${fit.fitted.join(', ')}: MAPE ${pct(mape(fit.before))} → ${pct(mape(fit.after))}, ${over} beyond ${pct(PENALTY_FROM)}`);
  lines.push(`  r('${rel.name}', '${rel.family}', ${mine.length}, ${p.gemmBf16}, ${p.gemmLowPrecision}, ${p.moeHost}, ${p.moeComm}, ${p.attention}),`);
}
console.log(lines.join('\n'));
