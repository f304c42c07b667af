/**
 * Worker-thread entry for `colossus simulate`: rebuilds each scenario from
 * plain data (samplers are closures and do not cross threads), simulates its
 * slice of runs of every scenario and sends the rows back (transferred).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { simulateRuns } from '../core/sim/monte-carlo.js';
import { buildScenario, type ScenarioInput } from '../core/sim/scenario.js';

export interface WorkerJob {
  inputs: ScenarioInput[];
  seed: number;
  fromRun: number;
  toRun: number;
}

const job = workerData as WorkerJob;
const results: Float64Array[] = [];
let finished = 0;
for (const input of job.inputs) {
  const { config } = buildScenario(input);
  results.push(simulateRuns(config, job.seed, job.fromRun, job.toRun, (done) => parentPort!.postMessage({ done: finished + done })));
  finished += job.toRun - job.fromRun;
}
parentPort!.postMessage({ results }, results.map((r) => r.buffer as ArrayBuffer));
