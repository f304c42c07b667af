/**
 * `--optimize`: a grid over checkpoint interval and spare-pool size, simulated
 * with common random numbers (the same seed for every point, so differences
 * between points are not noise from different failure draws), and the best
 * point by goodput per GPU owned: ETTR × job GPUs ÷ (job GPUs + spare GPUs).
 */
import { MIN_AUTO_INTERVAL_S, sparePools, type ScenarioInfo, type ScenarioInput } from './scenario.js';
import type { SimConfig } from './config.js';

/** Interval multipliers around the auto (Daly) interval. */
export const INTERVAL_FACTORS = [0.25, 0.5, 0.7, 1, 1.4, 2, 3, 4] as const;

export interface GridPoint {
  intervalMin: number;
  /** Spare nodes per pool (per instance of the spare scope; one pool for the cluster by default). */
  spares: number | 'unlimited';
  ettr: number;
  ettrP5: number;
  ettrP95: number;
  /** ETTR × job GPUs ÷ (job GPUs + spare nodes in all pools × GPUs per node). */
  goodputPerOwnedGpu: number;
}

/** The scenarios of the grid: every interval × every spare count (per pool, so per instance of the spare scope). */
export function optimizeGrid(input: ScenarioInput, auto: { config: SimConfig; info: ScenarioInfo }): ScenarioInput[] {
  const base = auto.config.intervalS;
  // One checkpoint persists at a time: intervals shorter than the persist time are not offered.
  const minS = Math.max(MIN_AUTO_INTERVAL_S, input.checkpoint.persistS);
  const intervals = [...new Set(INTERVAL_FACTORS.map((f) => Math.max(minS, f * base)))];
  const k = auto.config.spares;
  const spares: (number | 'unlimited')[] = Number.isFinite(k) ? [...new Set([0, Math.round(k / 2), k, Math.round(1.5 * k), 2 * k])] : ['unlimited'];
  return spares.flatMap((s) => intervals.map((intervalS) => ({ ...input, spares: s, checkpoint: { ...input.checkpoint, interval: intervalS } })));
}

export function gridPoint(input: ScenarioInput, ettr: { mean: number; p5: number; p95: number }): GridPoint {
  const spares = input.spares === undefined || input.spares === 'auto' ? 0 : input.spares;
  const gpus = input.job.gpus;
  const pools = sparePools(input.spareScope, gpus / input.job.gpusPerNode).spareInstances;
  const spareGpus = spares === 'unlimited' ? 0 : spares * pools * input.job.gpusPerNode;
  return {
    intervalMin: Number(((input.checkpoint.interval as number) / 60).toPrecision(4)),
    spares,
    ettr: ettr.mean,
    ettrP5: ettr.p5,
    ettrP95: ettr.p95,
    goodputPerOwnedGpu: Number(((ettr.mean * gpus) / (gpus + spareGpus)).toPrecision(6)),
  };
}

/** The point with the highest goodput per owned GPU (first one on ties, in grid order). */
export function bestPoint(points: readonly GridPoint[]): GridPoint {
  return points.reduce((best, p) => (p.goodputPerOwnedGpu > best.goodputPerOwnedGpu ? p : best));
}
