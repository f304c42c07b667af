/**
 * Runs the Monte Carlo of `colossus simulate` on one or more worker threads.
 * Each thread takes a contiguous slice of run indices (of every scenario in
 * the batch); run i always draws from the streams of (seed, i), and rows are
 * reassembled in run order, so the result is byte-identical whatever the
 * thread count.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { rowWidth } from '../core/sim/config.js';
import { simulateRuns } from '../core/sim/monte-carlo.js';
import { buildScenario, type ScenarioInput } from '../core/sim/scenario.js';
import type { WorkerJob } from './simulate-worker.js';

/** Below this many expected events per thread, threads cost more to start than they save. */
const EVENTS_PER_THREAD_MIN = 2_000_000;

/** Default thread count: one per core, but only when there is enough work. */
export function defaultThreads(expectedEvents: number): number {
  return Math.max(1, Math.min(availableParallelism(), Math.floor(expectedEvents / EVENTS_PER_THREAD_MIN)));
}

const fromSource = import.meta.url.endsWith('.ts');
const workerUrl = new URL(fromSource ? './simulate-worker.ts' : './simulate-worker.js', import.meta.url);
/** Running from source (tests, `node --import tsx`), the worker registers the TypeScript loader first. */
const bootstrap = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(workerUrl.href)}); })`;

function runWorker(job: WorkerJob, onDone: (done: number) => void): Promise<Float64Array[]> {
  return new Promise((resolve, reject) => {
    const worker = fromSource ? new Worker(bootstrap, { eval: true, workerData: job }) : new Worker(workerUrl, { workerData: job });
    worker.on('message', (m: { done?: number; results?: Float64Array[] }) => {
      if (m.results) resolve(m.results);
      else if (m.done !== undefined) onDone(m.done);
    });
    worker.on('error', reject);
    worker.on('exit', (code) => code !== 0 && reject(new Error(`simulation worker exited with code ${code}`)));
  });
}

/**
 * Simulates `runs` runs of each input on `threads` threads and returns one
 * row matrix per input. `onProgress` gets the runs done so far (of inputs × runs).
 */
export async function runMonteCarlo(
  inputs: readonly ScenarioInput[],
  seed: number,
  runs: number,
  threads: number,
  onProgress: (done: number) => void = () => {},
): Promise<Float64Array[]> {
  const n = Math.max(1, Math.min(threads, runs));
  if (n === 1) {
    return inputs.map((input, k) => simulateRuns(buildScenario(input).config, seed, 0, runs, (d) => onProgress(k * runs + d)));
  }
  const done = new Array<number>(n).fill(0);
  const slices = Array.from({ length: n }, (_, i) => [Math.floor((i * runs) / n), Math.floor(((i + 1) * runs) / n)] as const);
  const parts = await Promise.all(
    slices.map(([fromRun, toRun], i) =>
      runWorker({ inputs: [...inputs], seed, fromRun, toRun }, (d) => {
        done[i] = d;
        onProgress(done.reduce((a, b) => a + b, 0));
      }),
    ),
  );
  return inputs.map((input, k) => {
    const width = rowWidth(buildScenario(input).config);
    const rows = new Float64Array(runs * width);
    parts.forEach((p, i) => rows.set(p[k], slices[i][0] * width));
    return rows;
  });
}
