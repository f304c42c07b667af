/** `colossus server`: the control plane (src/server). Runs until SIGTERM/SIGINT. */
import type { Command } from 'commander';
import { ColossusError } from '../../core/errors.js';
import { positiveInt, spareReserveFlag } from '../options.js';
import { printJson } from '../output.js';
import { loginNote, loginRoleFlag } from '../login-flags.js';
import type { FailureModel } from '../../core/reliability/types.js';

interface ServerFlags {
  dataDir: string;
  host: string;
  port: string;
  heartbeatIntervalS: number;
  nodeTimeoutS: number;
  logLevel: string;
  advertiseUrl?: string;
  checkpointRoot: string[];
  loginRole: 'viewer' | 'operator';
  spareReserve: number | 'auto';
  failureRates?: string;
  json?: boolean;
}

/** `--failure-rates`: a preset name or a YAML/JSON file of overrides (as `colossus simulate` takes), checked for a usable prior. */
async function failurePrior(arg: string | undefined): Promise<FailureModel | undefined> {
  if (arg === undefined) return undefined;
  const { FAILURE_PRESETS, failurePreset } = await import('../../core/reliability/presets.js');
  const { checkPrior } = await import('../../core/reliability/fleet-estimate.js');
  if (FAILURE_PRESETS[arg]) return checkPrior(failurePreset(arg), '--failure-rates');
  if (!/\.(ya?ml|json)$/i.test(arg)) {
    throw new ColossusError('usage', `unknown failure-rate preset '${arg}'`, { where: '--failure-rates', hint: `valid presets: ${Object.keys(FAILURE_PRESETS).join(', ')}; or a path to a .yaml file of overrides (see docs/simulate.md)` });
  }
  const { readDataFile } = await import('../load-files.js');
  const { parseFailureFile } = await import('../../core/reliability/schema.js');
  return checkPrior(parseFailureFile(readDataFile(arg), arg), '--failure-rates');
}

function port(text: string): number {
  const p = Number(text);
  if (!Number.isInteger(p) || p < 0 || p > 65535) throw new ColossusError('usage', `--port must be 0–65535, got '${text}'`, { where: '--port' });
  return p;
}

async function run(f: ServerFlags): Promise<void> {
  if (f.nodeTimeoutS <= f.heartbeatIntervalS) {
    throw new ColossusError('usage', `--node-timeout-s (${f.nodeTimeoutS}) must exceed --heartbeat-interval-s (${f.heartbeatIntervalS})`, { where: '--node-timeout-s', hint: 'use several intervals, e.g. 6×' });
  }
  const dbUrl = process.env.DATABASE_URL;
  if (dbUrl && !/^postgres(ql)?:\/\//.test(dbUrl)) throw new ColossusError('usage', `DATABASE_URL must be postgres://…, got '${dbUrl.slice(0, 40)}'`, { where: 'DATABASE_URL', hint: 'unset it to use SQLite in --data-dir' });
  if (f.advertiseUrl !== undefined && !/^https?:\/\/[^/\s]+/.test(f.advertiseUrl)) throw new ColossusError('usage', `'${f.advertiseUrl}' is not an http(s) URL`, { where: '--advertise-url', hint: 'e.g. http://10.0.0.5:7460' });
  const prior = await failurePrior(f.failureRates);
  const { startServer } = await import('../../server/main.js'); // Fastify, pino, the stores: only when it runs
  const started = await startServer({ ...(prior ? { failurePrior: prior } : {}), dataDir: f.dataDir, host: f.host, port: port(f.port), heartbeatIntervalS: f.heartbeatIntervalS, nodeTimeoutS: f.nodeTimeoutS, databaseUrl: dbUrl, logLevel: f.logLevel, advertiseUrl: f.advertiseUrl, checkpointRoots: f.checkpointRoot, loginRole: f.loginRole, spareReserve: f.spareReserve,
    onLeadershipLost: (why) => {
      process.stderr.write(`colossus server: no longer the leader (${why}); exiting so a supervisor restarts this replica as a standby\n`);
      process.exit(1);
    },
  });
  const i = started.info;
  if (f.json) printJson(i);
  else {
    process.stderr.write(`colossus server listening on ${i.url} (store: ${i.store}, data dir ${i.dataDir}${i.store === 'postgres' ? `, ${i.role}` : ''})\n`);
    process.stderr.write(`  admin token: ${i.adminTokenFile ?? 'COLOSSUS_ADMIN_TOKEN'}   agent join token: ${i.agentTokenFile ?? 'COLOSSUS_AGENT_TOKEN'}\n`);
    process.stderr.write(`  API docs: ${i.url}/docs   metrics: ${i.url}/metrics\n`);
    if (i.spareReserve !== 0) process.stderr.write(`  spare reserve: ${i.spareReserve === 'auto' ? 'auto (the simulator\'s spare pool for the largest running gang at the fleet\'s failure rate)' : `${i.spareReserve} nodes`} for the largest running gang (colossus fleet reserve)\n`);
    if (i.login) process.stderr.write(`  Dashboard: ${i.login.url}\n             ${loginNote(i.login.role, i.url, i.adminTokenFile)}\n`);
    else process.stderr.write('  Dashboard: no login link (the store did not take it); make one with `colossus login-link`\n');
  }
  await new Promise<void>((resolveDone) => {
    const onSignal = (sig: NodeJS.Signals) => {
      process.off('SIGTERM', onSignal).off('SIGINT', onSignal);
      started.log.info(`${sig} received`);
      started.stop().then(resolveDone, (err) => {
        process.stderr.write(`colossus server: shutdown failed: ${(err as Error).message}\n`);
        resolveDone();
      });
    };
    process.on('SIGTERM', onSignal).on('SIGINT', onSignal);
  });
}

export function registerServer(program: Command): void {
  program
    .command('server')
    .description('Run the control plane: REST API under /api/v1, OpenAPI at /docs, /healthz, /readyz, /metrics. PostgreSQL when DATABASE_URL=postgres://…')
    .option('--data-dir <dir>', 'SQLite database, tokens and default checkpoints', '.colossus')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'TCP port (0 = any free port)', '7460')
    .option('--heartbeat-interval-s <s>', 'agent heartbeat interval', positiveInt('--heartbeat-interval-s'), 5)
    .option('--node-timeout-s <s>', 'a node missing heartbeats this long is down', positiveInt('--node-timeout-s'), 30)
    .option('--log-level <level>', 'pino log level (stderr)', 'info')
    .option('--advertise-url <url>', 'PostgreSQL replicas: the URL standbys send clients to when this one leads (default: the listening URL)')
    .option('--checkpoint-root <dir>', 'a directory job checkpoint dirs may be in (repeatable; default <data dir>/checkpoints)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--spare-reserve <auto|n>', "idle nodes kept from jobs smaller than the largest running gang, so it restarts at once: a count, or auto (the simulator's spare pool at the fleet's failure rate)", spareReserveFlag, 0)
    .option('--login-role <viewer|operator>', 'role of the session the printed one-time dashboard login link opens', loginRoleFlag, 'viewer')
    .option('--failure-rates <preset|file>', "prior of the fleet's failure-rate estimate: a preset or a YAML file as `colossus simulate` takes (default: the generation preset of the fleet's GPU model)")
    .option('--json', 'print the listening address, token files and login link as one JSON document on stdout')
    .action((f: ServerFlags) => run(f));
}
