/**
 * Refits every software release's factors (on its own rows, as scripts/calibration-fit-releases.ts
 * does) for each point of a grid over the host-floor physics (chunkSyncS, hostPerMoeLayerS,
 * hostPerLocalExpertS) and prints MAPE, the worst row and the rows beyond 30%, best max first:
 *
 *   node --import tsx scripts/calibration-host-grid.ts
 *
 * It shows what the host floor's shape can and cannot reach (docs/plan.md, "The row beyond 30%");
 * it changes nothing.
 */
import { fitSoftware, identifiable } from '../src/core/perf/calibration/fit.js';
import { normaliseRow } from '../src/core/perf/calibration/normalise.js';
import { mape, scoredCase, type CaseResult } from '../src/core/perf/calibration/run.js';
import type { CalibrationCase } from '../src/core/perf/calibration/types.js';
import { DEFAULT_PARAMS, type PerfParams } from '../src/core/perf/params.js';
import { NEUTRAL_SOFTWARE, SOFTWARE_RELEASES } from '../src/core/perf/software.js';
import { loadCalibrationRows } from '../test/calibration/load-rows.js';

const { rows } = loadCalibrationRows();
const cases = rows.map((r) => normaliseRow(r as Record<string, unknown>)).filter((c): c is CalibrationCase => !('reason' in c) && scoredCase(c));

function refitAll(params: PerfParams): CaseResult[] {
  const out: CaseResult[] = [];
  for (const rel of SOFTWARE_RELEASES) {
    const mine = cases.filter((c) => c.release === rel.name);
    if (mine.length === 0) continue;
    const start = identifiable(mine).length === 0 ? rel.params : { ...NEUTRAL_SOFTWARE, gradReduceBytes: rel.params.gradReduceBytes };
    out.push(...fitSoftware(mine, start, { params }).after);
  }
  return out;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const points: Partial<PerfParams>[] = [{}];
for (const chunkSyncS of [0.003, 0.004, 0.005, 0.006]) {
  for (const hostPerMoeLayerS of [0.0005, 0.0007, 0.0009]) {
    for (const hostPerLocalExpertS of [DEFAULT_PARAMS.hostPerLocalExpertS, 0.00013]) points.push({ chunkSyncS, hostPerMoeLayerS, hostPerLocalExpertS });
  }
}
const results = points.map((p) => {
  const rs = refitAll({ ...DEFAULT_PARAMS, ...p });
  return { p, mape: mape(rs), max: Math.max(...rs.map((r) => Math.abs(r.error))), over30: rs.filter((r) => Math.abs(r.error) > 0.3) };
});
console.log('| chunkSyncS | hostPerMoeLayerS | hostPerLocalExpertS | MAPE | max | rows beyond 30% |');
console.log('|---:|---:|---:|---:|---:|---|');
for (const r of results.sort((a, b) => a.max - b.max)) {
  const v = { ...DEFAULT_PARAMS, ...r.p };
  const tag = Object.keys(r.p).length === 0 ? ' (params.ts)' : '';
  console.log(`| ${v.chunkSyncS}${tag} | ${v.hostPerMoeLayerS} | ${v.hostPerLocalExpertS} | ${pct(r.mape)} | ${pct(r.max)} | ${r.over30.map((x) => `${x.case.id} ${pct(x.error)}`).join('; ')} |`);
}
