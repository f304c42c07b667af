/**
 * RUNS for `colossus calibrate`: a JSON file `{"rows": [...]}` or a CSV with the same columns
 * (layout knobs as plain columns or `layout.tp`). A row: id, model (preset, model YAML path or
 * an inline object with the model YAML's fields), cluster (preset or YAML path), gpus,
 * precision, layout {tp pp vpp cp ep dp mbs gbs seq zero recompute recompute-layers pp-first-layers
 * pp-last-layers pp-layout}, measuredTokensPerSPerGpu. Errors name the row and the field.
 */
import { readFileSync } from 'node:fs';
import { ColossusError } from '../core/errors.js';
import type { CalibrationCase } from '../core/perf/calibration/types.js';
import { validateLayout, type Knob } from '../core/perf/validate.js';
import type { Layout, Recompute, ZeroStage } from '../core/perf/types.js';
import type { ModelSpec } from '../core/model/types.js';
import { loadCluster, loadModel } from './load.js';
import { parseModel } from './load-files.js';

type Raw = Record<string, unknown>;

/** Splits a CSV line (double quotes around fields that hold commas). */
function csvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (const ch of line) {
    if (ch === '"') q = !q;
    else if (ch === ',' && !q) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/** Reads RUNS (JSON or CSV) into raw rows. */
export function readRuns(path: string): Raw[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ColossusError('usage', code === 'ENOENT' ? 'runs file not found' : `cannot read runs file (${code})`, { where: path });
  }
  if (/\.csv$/i.test(path)) {
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
    const head = csvLine(lines[0] ?? '').map((h) => h.replace(/^layout\./, ''));
    return lines.slice(1).map((l) => {
      const cells = csvLine(l);
      const row: Raw = { layout: {} };
      head.forEach((h, i) => {
        if (cells[i] === undefined || cells[i] === '') return;
        if (LAYOUT_KEYS.includes(h)) (row.layout as Raw)[h] = cells[i];
        else row[h] = cells[i];
      });
      return row;
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ColossusError('usage', `not valid JSON: ${(e as Error).message}`, { where: path, hint: 'RUNS is {"rows": [...]} or a .csv file' });
  }
  const rows = (json as Raw)?.rows;
  if (!Array.isArray(rows)) throw new ColossusError('usage', 'expected {"rows": [...]}', { where: path });
  return rows as Raw[];
}

const LAYOUT_KEYS = ['tp', 'pp', 'vpp', 'cp', 'ep', 'dp', 'mbs', 'gbs', 'seq', 'zero', 'recompute', 'recompute-layers', 'pp-first-layers', 'pp-last-layers', 'pp-layout'];
const NUM_KEYS: Record<string, Knob | null> = { tp: 'tp', pp: 'pp', vpp: 'vpp', cp: 'cp', ep: 'ep', dp: 'dp', mbs: 'mbs', zero: 'zero', gbs: null, seq: null, 'pp-first-layers': null, 'pp-last-layers': null };

/** One raw row as a calibration case; throws a usage error naming the row and field. */
export function rowToCase(raw: Raw, index: number, file: string): CalibrationCase {
  const id = String(raw.id ?? `row ${index + 1}`);
  const bad = (field: string, why: string): never => {
    throw new ColossusError('usage', `row '${id}' (#${index + 1}): ${field}: ${why}`, { where: file });
  };
  const numOf = (field: string, v: unknown, min = 1): number => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (!Number.isFinite(n) || n < min || (field !== 'measuredTokensPerSPerGpu' && !Number.isInteger(n))) bad(field, `must be a ${min === 0 ? 'non-negative' : 'positive'} ${field === 'measuredTokensPerSPerGpu' ? 'number' : 'whole number'}, got ${JSON.stringify(v)}`);
    return n;
  };
  const gpus = numOf('gpus', raw.gpus);
  const withWhere = <T>(field: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      return bad(field, (e as Error).message);
    }
  };
  const model: ModelSpec = withWhere('model', () => (typeof raw.model === 'object' && raw.model !== null ? parseModel(raw.model, `${file} row '${id}' model`) : loadModel(String(raw.model ?? bad('model', 'missing (a preset, a model .yaml path or an inline object)')))));
  const clusterName = String(raw.cluster ?? bad('cluster', 'missing (a preset or a cluster .yaml path)'));
  const cluster = withWhere('cluster', () => loadCluster(clusterName, gpus));
  const precision = String(raw.precision ?? 'bf16');
  if (!['bf16', 'fp8', 'fp4'].includes(precision)) bad('precision', `must be bf16, fp8 or fp4, got '${precision}'`);
  const lay = (raw.layout ?? {}) as Raw;
  for (const k of Object.keys(lay)) if (!LAYOUT_KEYS.includes(k)) bad(`layout.${k}`, `unknown knob (use ${LAYOUT_KEYS.join(', ')})`);
  const fixed: CalibrationCase['fixed'] = { precision: precision as Layout['precision'] };
  const given = new Set<Knob>(['precision']);
  for (const [k, knob] of Object.entries(NUM_KEYS)) {
    if (lay[k] === undefined || knob === null) continue;
    (fixed as Record<string, number>)[k] = numOf(`layout.${k}`, lay[k], k === 'zero' ? 0 : 1);
    given.add(knob);
  }
  if (lay.recompute !== undefined) {
    if (!['none', 'selective', 'full'].includes(String(lay.recompute))) bad('layout.recompute', `must be none, selective or full, got '${lay.recompute}'`);
    fixed.recompute = String(lay.recompute) as Recompute;
  }
  if (lay['recompute-layers'] !== undefined) {
    if (fixed.recompute !== 'full') bad('layout.recompute-layers', "needs recompute 'full' (layers per virtual stage recomputed, Megatron --recompute-num-layers)");
    fixed.recomputeLayers = numOf('layout.recompute-layers', lay['recompute-layers']);
  }
  if (lay['pp-first-layers'] !== undefined) fixed.ppFirstLayers = numOf('layout.pp-first-layers', lay['pp-first-layers'], 0);
  if (lay['pp-last-layers'] !== undefined) fixed.ppLastLayers = numOf('layout.pp-last-layers', lay['pp-last-layers'], 0);
  if (lay['pp-layout'] !== undefined) fixed.ppLayout = String(lay['pp-layout']);
  const gbs = numOf('layout.gbs', lay.gbs);
  const seq = numOf('layout.seq', lay.seq);
  const tp = fixed.tp ?? 1, pp = fixed.pp ?? 1, cp = fixed.cp ?? 1;
  const probe: Layout = {
    tp, pp, cp, vpp: fixed.vpp ?? 1, ep: fixed.ep ?? 1, dp: fixed.dp ?? gpus / (tp * pp * cp), zero: (fixed.zero ?? 1) as ZeroStage, mbs: fixed.mbs ?? 1, gbs, seq,
    precision: fixed.precision!, recompute: fixed.recompute ?? 'none', recomputeLayers: fixed.recomputeLayers, ppFirstLayers: fixed.ppFirstLayers, ppLastLayers: fixed.ppLastLayers, ppLayout: fixed.ppLayout,
  };
  withWhere('layout', () => validateLayout(model, cluster, probe, given));
  const measured = numOf('measuredTokensPerSPerGpu', raw.measuredTokensPerSPerGpu, Number.MIN_VALUE);
  return {
    id, source: file, release: 'calibrate', verified: true, model, rowModelName: model.name, cluster: clusterName, resolvedCluster: cluster, gpus, fixed, gbs, seq,
    variant: {}, measure: 'tokensPerSPerGpu', measured, peakMemoryBytes: null,
    group: { generation: cluster.gpu.generation, kind: model.moe ? 'moe' : 'dense', precision, scale: '' },
  };
}
