#!/usr/bin/env node
// Simulator benchmark (issue 4): engine events/s on one thread, the training-run
// simulator's events/s on one thread, and the wall time of 1,000 runs of a 54-day
// job on 100,000 GPUs (colossus-100k, default fleet model) with the default threads, in
// process and through the real CLI. Targets on the 2-core dev box: ≥ 5 M events/s,
// 1,000 runs < 10 s. Run: node bench/simulate.bench.mjs  (or npm run bench).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { register } from 'tsx/esm/api';

register();
const { Engine } = await import('../src/core/sim/engine.ts');
const { Rng, streamKey } = await import('../src/core/sim/rng.ts');
const { exponential } = await import('../src/core/sim/distributions.ts');
const { buildScenario } = await import('../src/core/sim/scenario.ts');
const { simulateRuns } = await import('../src/core/sim/monte-carlo.ts');
const { summarizeRuns } = await import('../src/core/sim/summary.ts');
const { fleetFailureModel, fleetGpu } = await import('../src/core/reliability/fleet-model.ts');
const { getGpu } = await import('../src/core/hardware/catalog.ts');
const { BYTECHECKPOINT_405B } = await import('../src/core/reliability/recovery-catalog.ts');
const { runMonteCarlo, defaultThreads } = await import('../src/cli/simulate-runner.ts');

/** Hold model: `pending` events in the queue; each pop schedules one new event an exponential time later. */
function engineEventsPerS(pending, events) {
  const engine = new Engine(pending * 2);
  const rng = Rng.fromKey(streamKey(1, 2));
  for (let i = 0; i < pending; i++) engine.at(exponential(rng, 1), i & 7, i);
  const t0 = performance.now();
  for (let i = 0; i < events; i++) {
    engine.next();
    engine.after(exponential(rng, 1), engine.kind, engine.data);
  }
  return events / ((performance.now() - t0) / 1000);
}

const input = {
  job: { gpus: 100_000, gpusPerNode: 8, nodesPerRack: 8 },
  days: 54,
  // the CLI default for colossus-100k: the fleet model of its H100s (on premises, 365 d; ageing by thinning)
  failures: fleetFailureModel([{ gpu: fleetGpu(getGpu('H100-SXM5-80GB')), gpus: 100_000 }]),
  checkpoint: { interval: 'auto', ...BYTECHECKPOINT_405B },
};

function simulatorEventsPerS(runs) {
  const { config } = buildScenario(input);
  const t0 = performance.now();
  const rows = simulateRuns(config, 1, 0, runs);
  const s = (performance.now() - t0) / 1000;
  return { eventsPerS: (summarizeRuns(config, rows).eventsPerRun * runs) / s, seconds: s };
}

const results = [];
const record = (name, values, unit, target) => {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  const best = unit === 's' ? sorted[0] : sorted[sorted.length - 1];
  results.push({ name, median, best, unit, target });
  const f = (v) => String(Number(v.toPrecision(4))).padStart(10);
  console.log(`${name.padEnd(58)} median ${f(median)}  best ${f(best)} ${unit}${target ? `   (target ${target})` : ''}`);
};
/** The machine is shared: repeat each measurement and report the median and the best. */
const REPEAT = 3;
const repeat = async (f) => {
  const out = [];
  for (let i = 0; i < REPEAT; i++) out.push(await f());
  return out;
};

engineEventsPerS(64, 2e6); // warm up the JIT
record('engine events/s, 1 thread, 64 pending (hold model)', await repeat(() => engineEventsPerS(64, 1e7)), 'events/s', '≥ 5e6');
record('engine events/s, 1 thread, 4,096 pending (hold model)', await repeat(() => engineEventsPerS(4096, 1e7)), 'events/s');
simulatorEventsPerS(50);
record('training-run simulator events/s, 1 thread (100k GPUs)', await repeat(() => simulatorEventsPerS(1000).eventsPerS), 'events/s', '≥ 5e6');

const threads = defaultThreads(Infinity);
const wall = async (t) => {
  const t0 = performance.now();
  await runMonteCarlo([input], 1, 1000, t);
  return (performance.now() - t0) / 1000;
};
record(`1,000 runs × 54 d × 100k GPUs, in process, ${threads} threads`, await repeat(() => wall(threads)), 's', '< 10 s');
record('1,000 runs × 54 d × 100k GPUs, in process, 1 thread', await repeat(() => wall(1)), 's');

const cliArgs = ['simulate', '--cluster', 'colossus-100k', '--runs', '1000', '--json'];
const t0 = performance.now();
const cli = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../src/cli/entry.ts', import.meta.url)), ...cliArgs], { encoding: 'utf8' });
if (cli.status !== 0) throw new Error(cli.stderr);
record(`CLI from source: colossus ${cliArgs.join(' ')}`, [(performance.now() - t0) / 1000], 's', '< 10 s');
console.log(`(${availableParallelism()} cores, node ${process.version})`);
