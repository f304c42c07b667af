/**
 * Monte Carlo over runs. Run i of seed s draws only from streams keyed by
 * (s, i), so any split of the runs over worker threads gives the same rows,
 * and the summary (computed in run order) is byte-identical.
 */
import { rowWidth, type SimConfig } from './config.js';
import { RunSimulator } from './training-run.js';

/** Simulates runs [fromRun, toRun) into a row-major Float64Array (rowWidth(cfg) per run). */
export function simulateRuns(
  cfg: SimConfig,
  seed: number,
  fromRun: number,
  toRun: number,
  onProgress?: (done: number) => void,
): Float64Array {
  const width = rowWidth(cfg);
  const rows = new Float64Array(Math.max(0, toRun - fromRun) * width);
  const sim = new RunSimulator(cfg);
  for (let r = fromRun; r < toRun; r++) {
    sim.run(seed, r, rows, (r - fromRun) * width);
    if (onProgress && (r - fromRun) % 16 === 15) onProgress(r - fromRun + 1);
  }
  onProgress?.(toRun - fromRun);
  return rows;
}
