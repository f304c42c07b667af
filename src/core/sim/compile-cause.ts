/**
 * One cause of a failure model → the `SimCause` the hot loop runs: job-level
 * rate (scaled by GPUs, nodes or job size, and by the fleet in fleet scope),
 * detection sampler, restart times and the compiled age hazard.
 */
import { hazardShape, maxAgeMultiplier } from '../reliability/age-hazard.js';
import { jobScopeRatePerDay } from '../reliability/fleet-model.js';
import { IN_MEMORY, RESTART_BY_GPUS, RESTART_INIT_S } from '../reliability/recovery-catalog.js';
import type { CauseSpec } from '../reliability/types.js';
import { KIND_HARDWARE, KIND_PLANNED, KIND_SOFTWARE, type SimAge, type SimCause } from './config.js';
import { meanOf, sampler } from './distributions.js';
import { streamIdOf } from './rng.js';
import type { ScenarioInput, SimJob } from './scenario.js';

const KINDS = { hardware: KIND_HARDWARE, software: KIND_SOFTWARE, planned: KIND_PLANNED } as const;

/** Job-level rate of a cause, per s (job-scope causes scale with the job's nodes when the cause says so). */
export function jobRatePerS(c: Pick<CauseSpec, 'scope' | 'rate' | 'sizeExponent' | 'sizeRefNodes'>, job: SimJob): number {
  const nodes = job.gpus / job.gpusPerNode;
  if (c.scope === 'gpu') return (c.rate * job.gpus) / 3600;
  if (c.scope === 'node') return (c.rate * nodes) / 86_400;
  return jobScopeRatePerDay(c, nodes) / 86_400;
}

/**
 * Restart overhead, s, for a job of `gpus` GPUs: piecewise linear in log2(gpus)
 * through the table, extended above it with the last slope and held at the
 * first value below it (ByteRobust measured from 2,048 GPUs; a smaller job
 * does not restart in no time).
 */
export function restartOverheadS(table: readonly (readonly [number, number])[], gpus: number): number {
  const x = Math.log2(Math.max(1, gpus));
  const pts = table.map(([g, s]) => [Math.log2(g), s] as const);
  if (x <= pts[0][0]) return pts[0][1];
  let i = 0;
  while (i < pts.length - 2 && x > pts[i + 1][0]) i++;
  const [[x0, y0], [x1, y1]] = [pts[i], pts[i + 1]];
  return Math.max(0, y0 + ((y1 - y0) * (x - x0)) / (x1 - x0));
}

/** Whole-job restart after detection, in place or onto a hot spare: scheduling + NCCL init + warm-up, s (checkpoint load added by the caller). */
export const inPlaceRestartS = (gpus: number): number => restartOverheadS(RESTART_BY_GPUS.hotUpdate, gpus) + RESTART_INIT_S.ncclInitS + RESTART_INIT_S.warmupS;

/** Re-queue after waiting for spares: never faster than an in-place restart. */
export const requeueRestartS = (gpus: number): number => Math.max(restartOverheadS(RESTART_BY_GPUS.requeue, gpus), restartOverheadS(RESTART_BY_GPUS.hotUpdate, gpus)) + RESTART_INIT_S.ncclInitS + RESTART_INIT_S.warmupS;

function compileAge(c: CauseSpec, input: ScenarioInput): SimAge | null {
  const h = c.ageHazard;
  const startDays = input.failures.fleetAgeDays;
  if (!h || startDays === undefined || (h.burnIn === 0 && h.wearPerYear === 0)) return null;
  const norm = hazardShape(h, startDays);
  const endDays = startDays + input.days;
  // maxAgeMultiplier is relative to 365 d; rescale to the start age.
  const max = (maxAgeMultiplier(h, startDays, endDays) * hazardShape(h, 365)) / norm;
  // Each term at its own minimum over the run: burn-in at the end, wear-out at the start.
  const min = (1 + h.burnIn * Math.exp(-endDays / h.tauDays) + (h.wearPerYear * Math.max(0, startDays - h.wearFromDays)) / 365) / norm;
  return { startDays, burnIn: h.burnIn, tauDays: h.tauDays, wearPerYear: h.wearPerYear, wearFromDays: h.wearFromDays, norm, max, min };
}

/** Which `interruptionsByKind` bucket a cause counts in. */
const byKindOf = (c: CauseSpec): number => (c.kind === 'planned' ? 3 : c.kind === 'software' ? 2 : c.scope === 'gpu' ? 0 : 1);

export function compileCause(c: CauseSpec, input: ScenarioInput, fleetFactor: number): SimCause {
  const { job, failures } = input;
  const total = input.restartS ?? failures.restartTotalS;
  const detect = input.detectS !== undefined ? { dist: 'fixed' as const, valueS: input.detectS } : total !== undefined ? { dist: 'fixed' as const, valueS: 0 } : c.detect;
  const inPlace = inPlaceRestartS(job.gpus);
  const restartS = total ?? inPlace + input.checkpoint.loadS;
  const memRestartS = total ?? inPlace + IN_MEMORY.restoreS;
  const fleet = c.kind === 'hardware' && c.scope !== 'job' ? fleetFactor : 1;
  return {
    id: c.id,
    kind: KINDS[c.kind],
    ratePerS: jobRatePerS(c, job) * fleet,
    streamId: streamIdOf(c.id),
    detect: sampler(detect),
    detectMeanS: meanOf(detect),
    restartS,
    memRestartS,
    byKind: byKindOf(c),
    jobShare: 1 / fleet,
    age: compileAge(c, input),
  };
}
