/** `colossus calibrate`: read the runs, fit, print before/after/leave-one-out error, write params. */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { calibrate, type CalibrateResult } from '../core/perf/calibration/calibrate.js';
import { DEFAULT_SOFTWARE, SOFTWARE_KEYS, softwareRelease } from '../core/perf/software.js';
import { readRuns, rowToCase } from './calibrate-rows.js';
import type { CalibrateFlags } from './commands/calibrate.js';
import { loadFileParsers } from './load.js';
import { printJson, renderTable } from './output.js';
import type { ParamsFile } from './perf-software.js';

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '–');

export async function runCalibrate(runs: string, f: CalibrateFlags): Promise<void> {
  await loadFileParsers();
  const base = softwareRelease(f.software ?? DEFAULT_SOFTWARE);
  const cases = readRuns(runs).map((r, i) => rowToCase(r, i, runs));
  const res = calibrate(cases, base.params);
  const name = `${base.name}+${basename(runs).replace(/\.[^.]+$/, '')}`;
  const file: ParamsFile & { fittedOn: number; mape: CalibrateResult['mape'] } = { software: name, base: base.name, factors: res.params, fittedOn: cases.length, mape: res.mape };
  if (f.out) writeFileSync(f.out, JSON.stringify(file, null, 2) + '\n');
  const perRow = res.before.map((b, i) => ({
    id: b.case.id,
    measuredTokensPerSPerGpu: b.case.measured,
    before: b.predicted,
    after: res.after[i].predicted,
    errorBefore: b.error,
    errorAfter: res.after[i].error,
    errorLeaveOneOut: Number.isFinite(res.leaveOneOut[i]) ? res.leaveOneOut[i] : null,
  }));
  if (f.json) {
    printJson({ software: name, base: base.name, rows: cases.length, factors: res.params, defaults: base.params, fitted: res.fitted, kept: res.kept, mape: res.mape, perRow, out: f.out ?? null });
    return;
  }
  const w = (s: string) => process.stdout.write(s + '\n');
  w(`calibrate ${cases.length} runs (${runs}), starting from ${base.name}`);
  w(renderTable(SOFTWARE_KEYS.map((k) => ({ k })), [
    { header: 'factor', value: ({ k }) => k },
    { header: base.name, value: ({ k }) => String(base.params[k]), align: 'right' },
    { header: 'fitted', value: ({ k }) => (res.fitted.includes(k) ? String(res.params[k]) : 'kept'), align: 'right' },
    { header: 'note', value: ({ k }) => res.kept.find((x) => x.factor === k)?.reason ?? '' },
  ]));
  w('');
  w(`MAPE  before ${pct(res.mape.before)}  after ${pct(res.mape.after)}  leave-one-out ${pct(res.mape.leaveOneOut)}${cases.length > 40 ? ' (10-fold)' : ''}`);
  w(renderTable(perRow, [
    { header: 'run', value: (r) => r.id },
    { header: 'measured', value: (r) => r.measuredTokensPerSPerGpu.toFixed(0), align: 'right' },
    { header: 'before', value: (r) => `${r.before.toFixed(0)} (${pct(r.errorBefore)})`, align: 'right' },
    { header: 'after', value: (r) => `${r.after.toFixed(0)} (${pct(r.errorAfter)})`, align: 'right' },
    { header: 'left out', value: (r) => pct(r.errorLeaveOneOut ?? NaN), align: 'right' },
  ]));
  if (f.out) w(`\nparams written to ${f.out} (use: colossus perf|plan … --params ${f.out})`);
}
