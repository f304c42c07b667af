/** `colossus agent`: the node agent (src/agent). Runs until SIGTERM/SIGINT. */
import type { Command } from 'commander';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { ColossusError } from '../../core/errors.js';
import { getGpu } from '../../core/hardware/catalog.js';
import { LIMITS, nameSchema } from '../../protocol/common.js';
import { Agent, type AgentLog } from '../../agent/agent.js';
import { nvidiaSmiSource } from '../../agent/nvidia-smi.js';
import { simulatedGpuSource } from '../../agent/simulated-gpus.js';
import { positiveInt } from '../options.js';
import { serveGpuMetrics } from '../../agent/metrics-server.js';
import { printJson } from '../output.js';
import { checkServers } from '../control-client.js';

interface AgentFlags {
  server?: string;
  token?: string;
  name?: string;
  rack?: string;
  array?: string;
  hall?: string;
  address?: string;
  workDir?: string;
  simulateGpus?: number;
  gpuModel: string;
  xidLog?: string;
  nvidiaSmi: string;
  metricsPort?: number;
  metricsHost: string;
  json?: boolean;
}

function portNumber(flag: string) {
  return (text: string): number => {
    const p = Number(text);
    if (!Number.isInteger(p) || p < 0 || p > 65535) throw new ColossusError('usage', `${flag} must be 0–65535, got '${text}'`, { where: flag, hint: 'dcgm-exporter uses 9400; 0 = any free port' });
    return p;
  };
}

function logger(json: boolean, name: string): AgentLog {
  return (level, msg, fields) => {
    const line = json ? JSON.stringify({ level, time: new Date().toISOString(), node: name, msg, ...fields }) : `colossus agent [${name}] ${level}: ${msg}`;
    process.stderr.write(line + '\n');
  };
}

function checkFlags(f: AgentFlags): { server: string; token: string; name: string } {
  const server = f.server ?? process.env.COLOSSUS_SERVER;
  if (!server) throw new ColossusError('usage', 'no server given', { where: '--server', hint: 'pass --server http://HOST:7460 or set COLOSSUS_SERVER' });
  checkServers(server);
  const token = f.token ?? process.env.COLOSSUS_AGENT_TOKEN;
  if (!token) throw new ColossusError('usage', 'no join token given', { where: '--token', hint: 'pass the contents of agent.token from the server data dir, or set COLOSSUS_AGENT_TOKEN' });
  const name = f.name ?? hostname().split('.')[0].toLowerCase();
  const ok = nameSchema.safeParse(name);
  if (!ok.success) throw new ColossusError('usage', `node name '${name.slice(0, 80)}' is invalid: ${ok.error.issues[0].message}`, { where: '--name', hint: 'at most 63 characters: letters, digits, ".", "_" and "-"' });
  if (f.simulateGpus !== undefined && f.simulateGpus > LIMITS.nodeGpus) {
    throw new ColossusError('usage', `--simulate-gpus ${f.simulateGpus} is more than a node may have (${LIMITS.nodeGpus})`, { where: '--simulate-gpus', hint: 'simulate the GPUs of one node, e.g. 8 for an HGX board' });
  }
  return { server, token, name };
}

async function runAgent(f: AgentFlags): Promise<void> {
  const { server, token, name } = checkFlags(f);
  const workDir = resolve(f.workDir ?? join('.colossus', `agent-${name}`));
  mkdirSync(workDir, { recursive: true });
  const log = logger(!!f.json, name);
  const busy = { of: (): Set<number> => new Set() }; // the simulated GPUs are busy where the agent runs ranks
  const gpus = f.simulateGpus
    ? simulatedGpuSource({ count: f.simulateGpus, nodeName: name, gpu: getGpu(f.gpuModel, '--gpu-model'), busy: () => busy.of() })
    : nvidiaSmiSource({ command: f.nvidiaSmi });
  const xidLogPath = f.xidLog ?? (f.simulateGpus ? join(workDir, 'kernel.log') : undefined);
  const a = new Agent({ server, joinToken: token, name, topology: { rack: f.rack, array: f.array, hall: f.hall }, address: f.address, workDir, gpus, xidLogPath, log });
  busy.of = () => a.attempts.busyGpus();
  const metrics = f.metricsPort === undefined ? null : await serveGpuMetrics(f.metricsHost, f.metricsPort, () => a.gpuMetrics());
  if (metrics) log('info', `GPU metrics (DCGM exporter names) on http://${f.metricsHost}:${metrics.port}/metrics`);
  let signalled: string | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) return;
    signalled = sig;
    log('info', `${sig}: stopping attempts and exiting`);
    void a.shutdown();
  };
  process.on('SIGTERM', onSignal).on('SIGINT', onSignal);
  try {
    log('info', `starting: server ${server}, work dir ${workDir}, GPUs from ${gpus.kind}${xidLogPath ? `, XIDs from ${xidLogPath}` : ''}`);
    await a.run();
    await a.shutdown();
  } finally {
    await metrics?.close();
    process.off('SIGTERM', onSignal).off('SIGINT', onSignal);
  }
  if (f.json) printJson({ name, server, workDir, gpuSource: gpus.kind, attemptsLaunched: a.attempts.launchedCount, stoppedBy: signalled ?? null });
}

export function registerAgent(program: Command): void {
  program
    .command('agent')
    .description('Run the node agent: register with the server, heartbeat, run the attempts it assigns')
    .option('--server <url[,url…]>', 'control-plane URL, or PostgreSQL replicas comma-separated: the agent fails over between them (default $COLOSSUS_SERVER)')
    .option('--token <token>', 'agent join token (default $COLOSSUS_AGENT_TOKEN)')
    .option('--name <name>', 'node name (default: the host name)')
    .option('--rack <rack>', 'topology label: rack')
    .option('--array <array>', 'topology label: array (pod / scalable unit)')
    .option('--hall <hall>', 'topology label: hall')
    .option('--address <addr>', 'address other nodes use to reach this one (MASTER_ADDR); default: as the server sees it')
    .option('--work-dir <dir>', 'working directory for attempts and agent state (default .colossus/agent-<name>)')
    .option('--simulate-gpus <n>', 'simulate N GPUs instead of reading nvidia-smi', positiveInt('--simulate-gpus'))
    .option('--gpu-model <gpu>', 'GPU model of simulated GPUs (catalog alias)', 'h100')
    .option('--xid-log <file>', 'kernel log to follow for NVIDIA XID lines (default for simulated GPUs: <work-dir>/kernel.log)')
    .option('--nvidia-smi <path>', 'nvidia-smi executable', 'nvidia-smi')
    .option('--metrics-port <port>', 'serve this node\'s GPUs at /metrics under DCGM exporter\'s names (e.g. 9400; 0 = any free port)', portNumber('--metrics-port'))
    .option('--metrics-host <host>', 'address for --metrics-port', '0.0.0.0')
    .option('--json', 'log JSON lines on stderr; print a JSON summary on exit')
    .action((opts: AgentFlags) => runAgent(opts));
}
