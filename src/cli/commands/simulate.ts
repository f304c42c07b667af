/** `colossus simulate`: failures, checkpoints and goodput of a long training run (Monte Carlo). */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ColossusError } from '../../core/errors.js';
import { bestPoint, gridPoint, optimizeGrid } from '../../core/sim/optimize.js';
import { buildScenario } from '../../core/sim/scenario.js';
import { summarizeRuns } from '../../core/sim/summary.js';
import { positiveInt } from '../options.js';
import { printJson } from '../output.js';
import {
  fleetAgeFlag, intervalFlag, numberFlag, providerFlag, recoveryFlag, runsFlag, scopeFlag, seedFlag, simulateSetup, sparesFlag, type SimulateFlags,
} from '../simulate-options.js';
import { simulateProgress } from '../simulate-progress.js';
import { renderSimulate, simulateJson, type OptimizeResult } from '../simulate-report.js';
import { defaultThreads, runMonteCarlo } from '../simulate-runner.js';
import { ettrVsIntervalSvg, interruptionsPerDaySvg } from '../simulate-svg.js';

async function simulate(flags: SimulateFlags): Promise<void> {
  const setup = simulateSetup(flags);
  const { config, info } = buildScenario(setup.input);
  const rate = config.causes.reduce((a, c) => a + c.ratePerS, 0);
  const eventsPerRun = 3 * rate * config.horizonS;
  const threads = flags.threads ?? defaultThreads(flags.runs * eventsPerRun);
  const grid = flags.optimize ? optimizeGrid(setup.input, buildScenario({ ...setup.input, checkpoint: { ...setup.input.checkpoint, interval: 'auto' } })) : [];
  const inputs = [setup.input, ...grid];
  const bar = simulateProgress(inputs.length * flags.runs, inputs.length * flags.runs * eventsPerRun, Math.min(threads, flags.runs));
  const results = await runMonteCarlo(inputs, flags.seed, flags.runs, threads, (d) => bar.update(d));
  bar.done();
  const stats = summarizeRuns(config, results[0]);
  let optimize: OptimizeResult | undefined;
  if (flags.optimize) {
    const points = grid.map((input, k) => gridPoint(input, summarizeRuns(buildScenario(input).config, results[k + 1]).ettr));
    const bestEttr = points.reduce((b, p) => (p.ettr > b.ettr ? p : b));
    optimize = { objective: 'goodput per owned GPU = ETTR × job GPUs ÷ (job GPUs + spare GPUs)', best: bestPoint(points), bestEttr, grid: points };
  }
  const doc = simulateJson(setup, flags.seed, config, info, stats, optimize);
  if (flags.svg) {
    const title = `${doc.cluster}, ${doc.gpus} GPUs, ${doc.days} days, ${doc.failureRates}`;
    const svg = optimize ? ettrVsIntervalSvg(optimize.grid, `ETTR vs checkpoint interval — ${title}`) : interruptionsPerDaySvg(stats.interruptionsPerDay, `Interruptions per day — ${title}`);
    try {
      writeFileSync(flags.svg, svg);
    } catch (e) {
      throw new ColossusError('usage', `cannot write the chart (${(e as NodeJS.ErrnoException).code})`, { where: flags.svg, hint: 'give a writable path to --svg' });
    }
  }
  if (flags.json) return printJson(doc);
  const labels = Object.fromEntries(setup.failures.causes.map((c) => [c.id, c.label]));
  process.stdout.write(renderSimulate(doc, labels));
  if (flags.svg) process.stderr.write(`chart written to ${flags.svg}\n`);
}

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description('Monte Carlo of failures, checkpoints and goodput (ETTR) of a training run')
    .requiredOption('--cluster <cluster>', 'cluster preset or .yaml file')
    .option('--gpus <n>', 'GPUs in the job (whole nodes; default: the whole site)', positiveInt('--gpus'))
    .option('--days <d>', 'length of the run in days', numberFlag('--days', true, 'e.g. --days 54'), 54)
    .option('--model <model>', 'model preset or .yaml: sizes the checkpoint (14 B/param at 2 TB/s)')
    .option('--failure-rates <preset|file>', "default: the fleet model of the cluster's GPUs; or ampere, hopper, blackwell, llama3-h100, rsc1-a100, rsc2-a100, or a YAML file of overrides")
    .option('--provider <onprem|cloud>', 'fleet model: on-premises (Llama 3, Meta, NCSA) or multi-tenant cloud (Alibaba) rates', providerFlag)
    .option('--fleet-age-days <n>', 'fleet model: age of the cluster when the run starts (burn-in before ~90 d, wear-out after 2 years)', fleetAgeFlag)
    .option('--scope <job|fleet>', "count failures on the job's GPUs (job) or on every GPU of the site and its spares (fleet)", scopeFlag)
    .option('--recovery <full|in-memory|elastic>', 'restart from the persisted checkpoint, from peers\' RAM, or keep running on the other data-parallel replicas', recoveryFlag)
    .option('--checkpoint-interval-min <min|auto>', "minutes of training between checkpoints, or 'auto' (Daly)", intervalFlag, 'auto')
    .option('--checkpoint-write-s <s>', 'blocking checkpoint write time, s', numberFlag('--checkpoint-write-s', false, 'e.g. 30; 0 = non-blocking'))
    .option('--restart-s <s>', 'whole failure→resumed time, s (detection included unless --detect-s)', numberFlag('--restart-s', false, 'e.g. 300'))
    .option('--detect-s <s>', 'detection latency for every cause, s', numberFlag('--detect-s', false, 'e.g. 60'))
    .option('--spares <k|auto|unlimited>', "spare nodes (hot standby) per pool; auto = P99 of the pool's nodes in repair", sparesFlag)
    .option('--spare-scope <level>', "one spare pool for the cluster (default) or one per hall, array or rack (the cluster's levels)")
    .option('--runs <n>', 'Monte Carlo runs (at most 1,000,000)', runsFlag, 200)
    .option('--seed <n>', 'random seed', seedFlag, 1)
    .option('--threads <n>', 'worker threads (default: cores, when the work is large enough)', positiveInt('--threads'))
    .option('--svg <file>', 'write a chart: interruptions per day, or ETTR vs interval with --optimize')
    .option('--optimize', 'sweep checkpoint interval × spare-pool size and report the best')
    .option('--json', 'print JSON')
    .action((opts: SimulateFlags) => simulate(opts));
}
