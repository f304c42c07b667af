/**
 * The worked example of docs/operate.md "Goodput-aware operation", from a real run: a real
 * `colossus server` (SQLite in a temp dir) whose failure-rate prior is a toy fleet that fails
 * every few seconds (examples/failure-rates/toy-fleet.yaml), three real `colossus agent`s with 8
 * simulated GPUs each, and a 16-GPU tiny-train job run with `--checkpoint-every auto`. Two
 * failures are injected: an XID 79 line in one of the job's nodes' kernel log (the node drains:
 * gpu-hardware), then, once an operator has returned that node, `kill -9` of another of the job's
 * agents (its heartbeats stop: node-lost). Then it prints what the CLI shows: `colossus fleet
 * reliability`, `colossus job show` and the advice of `job show --json`.
 *
 * Run: node --import tsx scripts/goodput-worked-example.ts   (about two minutes; prints a transcript)
 *      node --import tsx scripts/goodput-worked-example.ts --torch   (the same with PyTorch DDP:
 *      examples/workloads/torch-ddp-train.py under Debian's /usr/bin/python3, 2 GPUs per node, 4 ranks)
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { JobDetail } from '../src/protocol/jobs.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = join(ROOT, 'src/cli/entry.ts');
const TOY_FLEET = 'examples/failure-rates/toy-fleet.yaml';
const ADMIN = 'worked-example-admin-token';
const JOIN = 'worked-example-join-token';
const dir = mkdtempSync(join(tmpdir(), 'colossus-goodput-'));
const children: ChildProcess[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TORCH = process.argv.includes('--torch');
const GPUS_PER_NODE = TORCH ? 2 : 8;
const WORKLOAD = TORCH
  ? ['/usr/bin/python3', 'examples/workloads/torch-ddp-train.py', '--steps', '100000', '--checkpoint-every', 'auto', '--step-ms', '100']
  : ['node', 'examples/workloads/tiny-train.mjs', '--steps', '100000', '--checkpoint-every', 'auto', '--step-ms', '50'];

const port = await new Promise<number>((res) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => res(p));
  });
});
const url = `http://127.0.0.1:${port}`;
const env = { ...process.env, COLOSSUS_SERVER: url, COLOSSUS_TOKEN: ADMIN, COLOSSUS_ADMIN_TOKEN: ADMIN, COLOSSUS_AGENT_TOKEN: JOIN };

function start(args: string[]): ChildProcess {
  const c = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'ignore'] });
  children.push(c);
  return c;
}

/** Runs a `colossus` command and prints it with its output, as a transcript. */
async function colossus(args: string[], show = true): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: ROOT, env, maxBuffer: 1 << 24 });
  if (show) process.stdout.write(`$ colossus ${args.join(' ')}\n${stdout}`);
  return stdout;
}

async function api<T>(path: string): Promise<T> {
  const r = await fetch(`${url}/api/v1${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

async function until<T>(what: string, probe: () => Promise<T | false | undefined>, timeoutMs = 180_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** Waits until the job's current attempt (number `n`) is running and has made `count` more checkpoints. */
async function checkpoints(id: string, n: number, count: number): Promise<JobDetail> {
  const seen = new Set<number>();
  return until(`${count} checkpoints in attempt ${n}`, async () => {
    const j = await api<JobDetail>(`/jobs/${id}`);
    if (j.state === 'failed' || j.state === 'cancelled') throw new Error(`job ${j.state}: ${j.reason}`);
    if (j.attempts.length === n && j.state === 'running' && j.lastCheckpointStep !== null) seen.add(j.lastCheckpointStep);
    return seen.size > count && j;
  });
}

try {
  process.stdout.write(`# colossus server --failure-rates ${TOY_FLEET} --heartbeat-interval-s 1 --node-timeout-s 5 (SQLite in a temp dir)\n`);
  start(['server', '--data-dir', join(dir, 'data'), '--port', String(port), '--failure-rates', TOY_FLEET, '--heartbeat-interval-s', '1', '--node-timeout-s', '5']);
  await until('the server', async () => (await fetch(`${url}/readyz`)).ok);
  const agents = new Map<string, ChildProcess>();
  for (const name of ['node-1', 'node-2', 'node-3']) {
    process.stdout.write(`# colossus agent --name ${name} --rack r1 --simulate-gpus ${GPUS_PER_NODE}\n`);
    agents.set(name, start(['agent', '--server', url, '--token', JOIN, '--name', name, '--rack', 'r1', '--simulate-gpus', String(GPUS_PER_NODE), '--work-dir', join(dir, name)]));
  }
  await until('three idle nodes', async () => (await api<{ state: string }[]>('/nodes')).filter((n) => n.state === 'idle').length === 3);

  const submitted = await colossus(['job', 'submit', '--name', 'goodput', '--gpus', String(2 * GPUS_PER_NODE), '--max-restarts', '5', '--', ...WORKLOAD]);
  const id = /job-\d+/.exec(submitted)![0];
  const a1 = await checkpoints(id, 1, 3);

  // Failure 1: a GPU falls off the bus on one of the job's nodes (the agent follows its kernel log).
  const xidNode = a1.attempts[0]!.nodes[0]!;
  process.stdout.write(`# echo 'NVRM: Xid (PCI:0000:18:00): 79, pid=1, GPU has fallen off the bus.' >> ${xidNode}/kernel.log\n`);
  appendFileSync(join(dir, xidNode, 'kernel.log'), 'NVRM: Xid (PCI:0000:18:00): 79, pid=1, GPU has fallen off the bus.\n');
  const a2 = await checkpoints(id, 2, 3);

  // The operator returns the node (GPU replaced); then another of the job's agents dies.
  await colossus(['node', 'uncordon', xidNode, '--reason', 'GPU replaced'], false);
  process.stdout.write(`# colossus node uncordon ${xidNode} --reason 'GPU replaced'\n`);
  const victim = a2.attempts[1]!.nodes.find((n) => n !== xidNode) ?? a2.attempts[1]!.nodes[0]!;
  process.stdout.write(`# kill -9 <the agent of ${victim}>\n`);
  agents.get(victim)!.kill('SIGKILL');
  await checkpoints(id, 3, 4);

  await colossus(['fleet', 'reliability']);
  const show = await colossus(['job', 'show', id], false);
  process.stdout.write(`$ colossus job show ${id}\n${show.split('\n').filter((l) => /^(id|state|gpus|restarts|goodput|interruptions|checkpoint cost|restart|checkpoint every|expected goodput|warning) /.test(l) || /^[#\d-] /.test(l) || /^# {2}/.test(l)).join('\n')}\n`);
  const detail = JSON.parse(await colossus(['job', 'show', id, '--json'], false)) as JobDetail;
  process.stdout.write(`$ colossus job show ${id} --json | jq .advice\n${JSON.stringify(detail.advice, null, 2)}\n`);
  await colossus(['job', 'cancel', id], false);
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await sleep(2000);
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
