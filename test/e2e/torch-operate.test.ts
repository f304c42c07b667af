/**
 * Real PyTorch jobs through the control plane, in both launch modes: one `colossus server`,
 * three `colossus agent`s with 2 simulated GPUs each, and a 4-rank DDP job
 * (examples/workloads/torch-ddp-train.py, gloo on loopback) across two nodes.
 *  - per-gpu: the agents start one rank per GPU (RANK, WORLD_SIZE, LOCAL_RANK, …);
 *  - per-node: the agents start one `python3 -m torch.distributed.run` per node (NNODES,
 *    NODE_RANK, NPROC_PER_NODE, MASTER_ADDR, MASTER_PORT as PET_* variables) and torchrun
 *    starts the ranks.
 * kill -9 of one node's agent mid-run → the job resumes on the spare node from its last
 * checkpoint and ends with the weights hash of an uninterrupted 4-rank run; `job cancel`
 * leaves no process of the job alive; preemption sends SIGUSR1, the script checkpoints the
 * step it stopped at, and the resumed job starts exactly there. On SQLite: the store is
 * independent of the workload, and the same lifecycle (agent kill -9, server kill -9,
 * preemption, cancel) runs on both stores in operate.test.ts. Skipped with a message
 * without Debian's torch; under CI=true that is a failure.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JobDetail, SubmitJob } from '../../src/protocol/jobs.js';
import { PYTHON, TORCH_DDP_TRAIN, torchMissing } from '../helpers/torch.js';
import { Cluster, freePort, sqliteDb, waitFor, type Db } from './harness.js';

const missing = torchMissing();
if (missing) console.warn(`skipping the PyTorch end-to-end tests: ${missing}`);

const WORLD = 4;
const trainArgs = (steps: number, stepMs = 100) => ['--steps', String(steps), '--checkpoint-every', '5', '--step-ms', String(stepMs)];
const t0 = Date.now();
const trace = (m: string) => process.env.E2E_TRACE && console.error(`[${((Date.now() - t0) / 1000).toFixed(1)} s] ${m}`);

/** The hash of an uninterrupted run: WORLD ranks on loopback, started directly (no control plane). */
const refs = new Map<number, Promise<string>>();
function reference(steps: number): Promise<string> {
  if (!refs.has(steps)) refs.set(steps, (async () => {
    const port = String(await freePort());
    const outs = await Promise.all(Array.from({ length: WORLD }, (_, rank) => new Promise<string>((res) => {
      const env: Record<string, string | undefined> = { ...process.env, MASTER_ADDR: '127.0.0.1', MASTER_PORT: port, RANK: String(rank), WORLD_SIZE: String(WORLD), LOCAL_RANK: String(rank) };
      delete env.COLOSSUS_CHECKPOINT_DIR;
      const child = spawn(PYTHON, [TORCH_DDP_TRAIN, ...trainArgs(steps, 0)], { env, stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('close', () => res(out));
    })));
    const hashes = outs.map((o) => (o.trim().split('\n').map((l) => JSON.parse(l) as { done?: boolean; weightsSha256?: string }).find((l) => l.done))?.weightsSha256);
    if (!hashes[0] || hashes.some((h) => h !== hashes[0])) throw new Error(`reference run gave hashes ${hashes.join(', ')}`);
    return hashes[0];
  })());
  return refs.get(steps)!;
}

/**
 * torchrun's monitor interval 1 s (default 5 s), and a workaround for Debian's torch 1.13 under
 * Python 3.11: its torchrun parses `--redirects 0`/`--tee 0` (the defaults) to None, because
 * Python 3.11's IntFlag no longer iterates the zero member, and fails at start; a mapping for a
 * local rank that does not exist (9) leaves every real rank's output on the console.
 * torch ≥ 2.0 needs neither.
 */
const TORCHRUN_ENV = { PET_MONITOR_INTERVAL: '1', PET_REDIRECTS: '9:1', PET_TEE: '9:1' };

const modes = [
  { name: 'per-gpu', launch: 'per-gpu' as const, command: (args: string[]) => [PYTHON, TORCH_DDP_TRAIN, ...args] },
  { name: 'per-node (torchrun)', launch: 'per-node' as const, command: (args: string[]) => [PYTHON, '-m', 'torch.distributed.run', TORCH_DDP_TRAIN, ...args] },
];
const backends: { name: string; make: () => Promise<Db>; skip: boolean }[] = [
  { name: 'SQLite', make: async () => sqliteDb(), skip: missing !== undefined },
];

function job(c: Cluster, id: string, pred: (j: JobDetail) => boolean, what: string, timeoutMs = 120_000): Promise<JobDetail> {
  trace(`waiting: ${what}`);
  return waitFor(`${id}: ${what}`, async () => {
    const j = await c.admin.showJob(id);
    if (['failed', 'cancelled'].includes(j.state) && !pred(j)) throw new Error(`job ${j.state}: ${j.reason}`);
    return pred(j) && j;
  }, timeoutMs, 250);
}

/** Pids of live processes whose environment names this checkpoint dir (every rank of the job, launchers included). */
function processesOf(checkpointDir: string): number[] {
  const needle = `\0COLOSSUS_CHECKPOINT_DIR=${checkpointDir}\0`;
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (`\0${readFileSync(`/proc/${name}/environ`, 'latin1')}`.includes(needle)) pids.push(Number(name));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

for (const mode of modes) {
  for (const backend of backends) {
    describe.skipIf(backend.skip)(`PyTorch jobs, ${mode.name}, on ${backend.name}`, () => {
      let c: Cluster;
      let failed = false;
      const submit = (name: string, args: string[], extra: Partial<SubmitJob> = {}) =>
        c.admin.submitJob({ name, gpus: WORLD, command: mode.command(args), launch: mode.launch, maxRestarts: 5, gracePeriodS: 15, env: TORCHRUN_ENV, ...extra });
      beforeAll(async () => {
        trace(`${mode.name} ${backend.name}: cluster starting`);
        c = new Cluster({ db: await backend.make(), agents: 3, gpusPerAgent: 2, heartbeatIntervalS: 1, nodeTimeoutS: 3 });
        await c.startAll();
      }, 120_000);
      afterEach(async (ctx) => {
        if (ctx.task.result?.state !== 'fail' || failed) return;
        failed = true;
        console.error(c.logs());
        // The workload's own stderr (a rank's traceback says why an attempt failed).
        for (const j of await c.admin.listJobs().catch(() => [])) {
          const logs = await c.admin.jobLogs(j.id, { tail: 200 }).catch(() => ({ lines: [] }));
          console.error(`--- ${j.id} stderr ---\n${logs.lines.filter((l) => l.stream === 'stderr').map((l) => `[a${l.attempt} ${l.node} r${l.rank}] ${l.text}`).join('\n')}`);
        }
      });
      afterAll(async () => c?.destroy(), 60_000);

      it('kill -9 of one node agent mid-run: the job resumes on the spare node and ends with the uninterrupted hash', async () => {
        const steps = 60;
        const submitted = await submit('ddp-recover', trainArgs(steps));
        const running = await job(c, submitted.id, (j) => (j.lastCheckpointStep ?? 0) >= 10, 'a checkpoint at step ≥ 10');
        const first = running.attempts.at(-1)!;
        expect(first.nodes).toHaveLength(2);
        const victim = first.nodes[1]!;
        c.agents.get(victim)!.child.kill('SIGKILL');
        const done = await job(c, submitted.id, (j) => j.state === 'succeeded', 'success after recovery', 240_000);
        expect(done.result).toMatchObject({ done: true, step: steps, weightsSha256: await reference(steps) });
        const last = done.attempts.at(-1)!;
        expect(last.nodes).not.toContain(victim);
        expect(last.nodes).toHaveLength(2);
        expect(last.resumedFromStep).toBeGreaterThanOrEqual(10);
        expect(done.restarts).toBeGreaterThanOrEqual(1);
        expect(done.launch).toBe(mode.launch);
        // The agent comes back so the next scenarios have three nodes again.
        c.startAgent(victim, 'rack-back');
        await waitFor(`${victim} idle again`, async () => (await c.admin.listNodes()).filter((n) => n.state === 'idle').length === 3, 60_000);
      }, 400_000);

      it('job cancel stops every rank of the job', async () => {
        const submitted = await submit('ddp-cancel', trainArgs(100_000));
        const running = await job(c, submitted.id, (j) => j.state === 'running' && (j.lastStep ?? 0) >= 3, 'progress');
        expect(processesOf(running.checkpointDir).length).toBeGreaterThanOrEqual(mode.launch === 'per-gpu' ? WORLD : 2 + WORLD);
        await c.admin.cancelJob(submitted.id, 'e2e test');
        await job(c, submitted.id, (j) => j.state === 'cancelled' && j.attempts.every((a) => a.endedAtMs !== null), 'cancellation');
        await waitFor('no process of the job left', async () => processesOf(running.checkpointDir).length === 0, 30_000);
        const used = running.attempts.at(-1)!.nodes;
        await waitFor('the job\'s nodes idle after cancel', async () => (await c.admin.listNodes()).filter((n) => used.includes(n.name)).every((n) => n.state === 'idle'));
      }, 300_000);

      it('preemption: SIGUSR1 makes the script checkpoint the step it stopped at; the job resumes exactly there', async () => {
        const steps = 60;
        const low = await submit('ddp-low', trainArgs(steps), { priority: 0, gracePeriodS: 30 });
        await job(c, low.id, (j) => (j.lastStep ?? 0) >= 8, 'low-priority progress');
        const high = await submit('ddp-high', trainArgs(10, 0), { priority: 10 });
        const preempted = await job(c, low.id, (j) => j.attempts[0]!.state === 'preempted' && j.attempts[0]!.endedAtMs !== null, 'preemption of the low-priority attempt');
        const stopStep = preempted.lastCheckpointStep!;
        expect(stopStep).toBeGreaterThanOrEqual(8);
        // The script checkpointed the very step it stopped at (not only the last multiple of --checkpoint-every).
        expect(preempted.attempts[0]!.lastStep).toBe(stopStep);
        const agentLogs = [...c.agents.values()].map((a) => a.output()).join('\n');
        expect(agentLogs).toContain(`stopping attempt ${preempted.attempts[0]!.id} (preempted)`);
        if (mode.launch === 'per-gpu') expect(agentLogs).toContain(`attempt ${preempted.attempts[0]!.id} exited (exit code 138)`);
        await job(c, high.id, (j) => j.state === 'succeeded', 'the high-priority job');
        const done = await job(c, low.id, (j) => j.state === 'succeeded', 'the low-priority job, resumed', 240_000);
        const resumed = done.attempts.at(-1)!;
        expect(resumed.resumedFromStep).toBe(stopStep);
        expect(done.restarts).toBe(0);
        expect(done.result).toMatchObject({ done: true, step: steps, weightsSha256: await reference(steps) });
      }, 400_000);
    });
  }
}
