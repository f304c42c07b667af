/**
 * Turns rows of the public calibration file into `colossus calibrate` runs (inline model
 * objects, cluster presets, the layout knobs each row states), for the calibrate tests.
 */
import { normaliseRow } from '../../src/core/perf/calibration/normalise.js';
import { scoredCase } from '../../src/core/perf/calibration/run.js';
import type { CalibrationCase } from '../../src/core/perf/calibration/types.js';
import { loadCalibrationRows } from './load-rows.js';

/** The scored cases of a release that calibrate can express (no MTP / token-drop variants). */
export function releaseCases(release: string): CalibrationCase[] {
  return loadCalibrationRows()
    .rows.map((r) => normaliseRow(r as Record<string, unknown>))
    .filter((c): c is CalibrationCase => !('reason' in c))
    .filter((c) => c.release === release && scoredCase(c) && c.measure === 'tokensPerSPerGpu' && !c.variant.mtpLayers && !c.variant.moeTokenDrop);
}

/** A case as a calibrate run row. */
export function toRun(c: CalibrationCase): Record<string, unknown> {
  const { published: _p, ...model } = c.model;
  const f = c.fixed;
  const layout: Record<string, unknown> = { gbs: c.gbs, seq: c.seq };
  for (const k of ['tp', 'pp', 'vpp', 'cp', 'ep', 'dp', 'mbs', 'zero', 'recompute'] as const) if (f[k] !== undefined) layout[k] = f[k];
  return { id: c.id, model: { ...model, name: c.model.name.replace(/[^A-Za-z0-9._-]/g, '-') }, cluster: c.cluster, gpus: c.gpus, precision: f.precision, layout, measuredTokensPerSPerGpu: c.measured };
}
