/**
 * `colossus twin` (and `colossus start`): the control plane on SQLite with a
 * simulated Colossus behind it, in virtual time, and the dashboard at `/`.
 * Runs until SIGINT/SIGTERM (or --until-days).
 */
import { setFlagsFromString } from 'node:v8';
import type { Command } from 'commander';
import { ColossusError } from '../../core/errors.js';
import type { Provider } from '../../core/reliability/types.js';
import { loadCluster, loadModel } from '../load.js';
import { nonNegative, positiveInt, spareReserveFlag } from '../options.js';
import { printJson } from '../output.js';
import { fleetAgeFlag, loadFailures, providerFlag } from '../simulate-options.js';
import { parseQuantity } from '../../core/units.js';
import { assertPortFree } from './twin-port.js';
import { addSoftwareFlags, resolveSoftware, softwareLabel } from '../perf-software.js';
import { loginNote, loginRoleFlag } from '../login-flags.js';

interface TwinFlags {
  cluster: string;
  gpus?: number;
  model: string;
  speed: number;
  seed: string;
  failureRates?: string;
  provider?: Provider;
  fleetAgeDays?: number;
  dataDir?: string;
  host: string;
  port: string;
  untilDays?: number;
  keepData?: boolean;
  tokens?: number;
  software?: string;
  params?: string;
  loginRole: 'viewer' | 'operator';
  spareReserve: number | 'auto';
  json?: boolean;
}

function portOf(text: string): number {
  const p = Number(text);
  if (!Number.isInteger(p) || p < 0 || p > 65535) throw new ColossusError('usage', `--port must be 0–65535, got '${text}'`, { where: '--port', hint: 'use 0 for any free port' });
  return p;
}

function seedOf(text: string): number {
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v < 0) throw new ColossusError('usage', `--seed must be a whole number ≥ 0, got '${text}'`, { where: '--seed' });
  return v;
}

async function run(f: TwinFlags): Promise<void> {
  // A restart of a 12,000-node gang makes hundreds of thousands of short-lived objects
  // (attempt specs, events, rows); a larger young generation keeps them out of the old
  // generation (COLOSSUS_TWIN_SEMI_SPACE_MB, default 32 MiB). See docs/twin.md.
  setFlagsFromString(`--max-semi-space-size=${Number(process.env.COLOSSUS_TWIN_SEMI_SPACE_MB) || 32}`);
  const port = portOf(f.port);
  const seed = seedOf(f.seed);
  await assertPortFree(f.host, port); // before minutes of building a fleet
  const cluster = loadCluster(f.cluster, f.gpus);
  const model = loadModel(f.model);
  const software = resolveSoftware(f);
  // The Simulate face's failure model: by default the fleet model of this cluster's GPU pools, provider and age.
  const failures = loadFailures(f.failureRates, cluster, f);
  if (!f.json) process.stderr.write(`colossus twin: building ${cluster.nodes.toLocaleString('en-US')} nodes (${cluster.gpus.toLocaleString('en-US')} GPUs) of ${cluster.name}, planning ${model.name}…\n`);
  const { startTwin } = await import('../../twin/runtime.js'); // the server, stores and fleet: only when it runs
  const t = await startTwin({ cluster, model, failures, seed, speed: f.speed, dataDir: f.dataDir, host: f.host, port, untilS: f.untilDays !== undefined ? f.untilDays * 86_400 : undefined, keepData: f.keepData, flagshipTokens: f.tokens, software: { name: software.name, params: software.params }, spareReserve: f.spareReserve });
  // The dashboard gets a one-time login link, never a token: stderr ends up in scrollback and CI logs.
  const login = await t.loginLink(f.loginRole);
  const dashboard = login.url;
  const flag = t.twin.mix.flagship;
  if (f.json) printJson({ url: t.url, dashboard, login, dataDir: t.dataDir, cluster: cluster.name, gpus: cluster.gpus, nodes: cluster.nodes, model: model.name, speed: f.speed, seed, software: software.name, flagship: { id: t.twin.mix.flagshipId, gpus: flag.gpus, stepTimeS: flag.stepTimeS, layout: flag.layout } });
  else {
    process.stderr.write(`  flagship ${flag.name}: ${flag.gpus.toLocaleString('en-US')} GPUs, ${flag.layout}, ${flag.stepTimeS.toFixed(2)} s/step (Plan face, ${softwareLabel(software)})\n`);
    process.stderr.write(`  speed ${f.speed === 0 ? 'as fast as possible' : `${f.speed}× real time`}; failures: ${failures.name}; data dir ${t.dataDir}\n`);
    process.stderr.write(`\n  Dashboard: ${dashboard}\n             ${loginNote(login.role, t.url, `${t.dataDir}/admin.token`)}\n  API:       ${t.url}/api/v1  (docs ${t.url}/docs; admin token in ${t.dataDir}/admin.token)\n\n  Ctrl-C stops the twin.\n`);
  }
  let reached = false;
  await new Promise<void>((done) => {
    const onSignal = () => {
      process.off('SIGTERM', onSignal).off('SIGINT', onSignal);
      if (!f.json) process.stderr.write('colossus twin: stopping (committing state)…\n');
      t.stop().then(done, (err) => {
        process.stderr.write(`colossus twin: shutdown failed: ${(err as Error).message}\n`);
        done();
      });
    };
    process.on('SIGTERM', onSignal).on('SIGINT', onSignal);
    if (f.untilDays !== undefined) {
      void t.pacer.done().then(() => {
        reached = t.twin.nowS >= f.untilDays! * 86_400;
        setTimeout(onSignal, 0);
      });
    }
  });
  if (f.keepData && !f.json) process.stderr.write(`colossus twin: data kept in ${t.dataDir}\n`);
  if (!reached || f.untilDays === undefined) return;
  // The run reached --until-days: the report, beside `colossus simulate` for the same settings.
  const { compareWithSimulate, renderTwinReport } = await import('./twin-report.js');
  const report = await compareWithSimulate(t.twin, { cluster: f.cluster, model: f.model, failureRates: f.failureRates, provider: f.provider, fleetAgeDays: f.fleetAgeDays, days: f.untilDays, seed });
  if (f.json) printJson(report);
  else process.stdout.write(renderTwinReport(report));
}

function addTwinOptions(cmd: Command): Command {
  cmd
    .option('--cluster <preset|file>', 'cluster preset or YAML file', 'colossus-100k')
    .option('--gpus <n>', 'a partition of the site of N GPUs (whole nodes)', positiveInt('--gpus'))
    .option('--model <preset|file>', 'model of the flagship pre-training job', 'grok-1')
    .option('--speed <x>', 'virtual seconds per wall second (0 = as fast as possible)', nonNegative('--speed'), 600)
    .option('--seed <n>', 'random seed (failures, job mix)', '1')
    .option('--failure-rates <preset|file>', "failure model (default: the fleet model of the cluster's GPUs, as `colossus simulate`)")
    .option('--provider <onprem|cloud>', 'fleet model: on-premises or cloud rates (as `colossus simulate`)', providerFlag)
    .option('--fleet-age-days <n>', 'fleet model: age of the cluster at the start, days (default 365)', fleetAgeFlag)
    .option('--data-dir <dir>', 'fresh directory for the SQLite store and tokens (default: a temporary one)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'TCP port (0 = any free port)', '7460')
    .option('--until-days <d>', 'stop after this many virtual days and print a report (goodput, interruptions, lost GPU-hours; beside colossus simulate)', nonNegative('--until-days'))
    .option('--keep-data', 'keep the (temporary) data dir at exit: the SQLite store with every event')
    .option('--tokens <n>', 'token budget of each flagship run (default 15e12); the next run follows', (t: string) => parseQuantity(t, '--tokens'))
    .option('--login-role <viewer|operator>', 'role of the session the printed one-time dashboard login link opens', loginRoleFlag, 'viewer')
    .option('--spare-reserve <auto|n>', "idle nodes the control plane keeps for the flagship's restarts: auto (the simulator's spare pool at the fleet's failure rate), a count, or 0", spareReserveFlag, 'auto')
    .option('--json', 'print the URLs and the fleet as one JSON document on stdout');
  return addSoftwareFlags(cmd).action((f: TwinFlags) => run(f));
}

export function registerTwin(program: Command): void {
  addTwinOptions(program.command('twin').description('Run a simulated Colossus against the real control plane, in virtual time, with the dashboard at /'));
  addTwinOptions(program.command('start').description('Same as `colossus twin` with its defaults (what `npm start` runs)'));
}
