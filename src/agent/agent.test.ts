/**
 * The agent against the real control plane in-process (Fastify on loopback, SQLite in
 * a temp dir): registration, telemetry, an 8-GPU tiny-train attempt to success, an XID
 * that drains the node, and re-registration after the server lost the credential.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getGpu } from '../core/hardware/catalog.js';
import { ApiClient } from '../protocol/client.js';
import { createServer, type ColossusServer } from '../server/app.js';
import { Store } from '../server/store/store.js';
import { Agent } from './agent.js';
import { simulatedGpuSource } from './simulated-gpus.js';

const TINY = resolve(dirname(fileURLToPath(import.meta.url)), '../../examples/workloads/tiny-train.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'agent-'));
const ADMIN = 'admin-token-for-agent-test';
const JOIN = 'join-token-for-agent-test';
let server: ColossusServer;
let admin: ApiClient;
let agent: Agent;
let running: Promise<void>;
const logs: string[] = [];
let fatal: Error | undefined;

async function until<T>(what: string, probe: () => Promise<T | false | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (fatal) throw fatal;
    const v = await probe().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${logs.slice(-20).join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startServer(port = 0): Promise<ColossusServer> {
  const store = await Store.open({ dataDir: join(tmp, 'data') });
  const s = await createServer({ store, bootstrapTokens: { admin: ADMIN, agent: JOIN }, policy: { heartbeatIntervalS: 0.2, nodeTimeoutS: 3, checkpointRoot: join(tmp, 'ckpt') }, tickMs: 100 });
  await s.app.listen({ host: '127.0.0.1', port });
  return s;
}

beforeAll(async () => {
  server = await startServer();
  const url = `http://127.0.0.1:${(server.app.server.address() as { port: number }).port}`;
  admin = new ApiClient({ server: url, token: ADMIN });
  agent = new Agent({
    server: url,
    joinToken: JOIN,
    name: 'node-a',
    topology: { rack: 'r1' },
    workDir: join(tmp, 'work'),
    gpus: simulatedGpuSource({ count: 8, nodeName: 'node-a', gpu: getGpu('h100'), busy: () => agent.attempts.busyGpus() }),
    xidLogPath: join(tmp, 'kernel.log'),
    log: (level, msg) => logs.push(`${level}: ${msg}`),
  });
  appendFileSync(join(tmp, 'kernel.log'), '');
  running = agent.run().catch((e: Error) => void (fatal = e));
});

afterAll(async () => {
  await agent.shutdown(2);
  await running;
  await server.close();
  await server.store.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('Agent with the real server', () => {
  it('registers with 8 GPUs and its rack, and sends telemetry', async () => {
    const node = await until('node-a idle', async () => {
      const n = await admin.showNode('node-a');
      return n.state === 'idle' && n.gpuList.every((g) => g.temperatureC !== null) && n;
    });
    expect(node).toMatchObject({ gpus: 8, rack: 'r1', gpuModel: 'NVIDIA H100-SXM5-80GB (simulated)' });
    expect(node.gpuList[0].powerW).toBe(Math.round(getGpu('h100').tdpW * 0.1));
  });

  it('runs an 8-GPU tiny-train job to success with rank 0’s last line as the result', async () => {
    const job = await admin.submitJob({ name: 'tiny', gpus: 8, command: [process.execPath, TINY, '--steps', '25', '--checkpoint-every', '5'] });
    const done = await until('job success', async () => {
      const j = await admin.showJob(job.id);
      if (j.state === 'failed') throw new Error(j.reason ?? 'failed');
      return j.state === 'succeeded' && j;
    });
    expect(done.result).toMatchObject({ done: true, step: 25 });
    expect(done.lastCheckpointStep).toBe(25);
    expect(done.attempts).toMatchObject([{ number: 1, state: 'succeeded', exitCode: 0, nodes: ['node-a'] }]);
    const logLines = (await admin.jobLogs(job.id)).lines;
    expect(logLines.some((l) => l.text.includes('"start":true'))).toBe(true);
  });

  it('exit 93 from a rank fails the job without a restart', async () => {
    const job = await admin.submitJob({ name: 'no-restart', gpus: 8, maxRestarts: 5, command: [process.execPath, TINY, '--steps', '50', '--step-ms', '10', '--fail-at-step', '3', '--fail-code', '93'] });
    const failed = await until('job failure', async () => {
      const j = await admin.showJob(job.id);
      return j.state === 'failed' && j.attempts.every((a) => a.endedAtMs !== null) && j;
    });
    expect(failed.attempts).toHaveLength(1);
    expect(failed.attempts[0].exitCode).toBe(93);
    expect(failed.restarts).toBe(0);
    await until('node-a idle again', async () => (await admin.showNode('node-a')).state === 'idle');
  });

  it('fails an attempt whose checkpoint dir cannot be made (/proc/1/x) as the job’s fault; the node stays healthy (defect 1)', async () => {
    // Past the server's edge checks on purpose (the agent defends itself): straight into the controller.
    const job = server.controller.submitJob({ name: 'proc', gpus: 8, priority: 0, team: 'default', maxRestarts: 0, command: [process.execPath, '-e', ''], cwd: null, env: {}, gracePeriodS: 1, checkpointDir: '/proc/1/x' });
    server.kick();
    const failed = await until('the attempt to fail', async () => {
      const j = await admin.showJob(job.id);
      return j.state === 'failed' && j.attempts.every((a) => a.endedAtMs !== null) && j;
    });
    expect(failed.attempts[0]).toMatchObject({ exitCode: 127, reason: expect.stringContaining('cannot create the checkpoint dir /proc/1/x') });
    const node = await admin.showNode('node-a');
    expect(node).toMatchObject({ state: 'idle', hold: null, recentFailures: 0 });
  });

  it('fails an attempt whose command holds a NUL byte as the job’s fault, without quarantining the node (defect 2)', async () => {
    const job = server.controller.submitJob({ name: 'nul', gpus: 8, priority: 0, team: 'default', maxRestarts: 5, command: ['sleep', '1\u0000'], cwd: null, env: { OK: 'a\u0000b' }, gracePeriodS: 1 });
    server.kick();
    const failed = await until('the job to stop restarting', async () => {
      const j = await admin.showJob(job.id);
      return j.state === 'failed' && j.attempts.every((a) => a.endedAtMs !== null) && j;
    }, 60_000);
    expect(failed.reason).toMatch(/crash-looping/);
    expect(failed.attempts[0].reason).toMatch(/invalid spec: command\.1: must not contain a NUL byte/);
    expect(await admin.showNode('node-a')).toMatchObject({ state: 'idle', hold: null, recentFailures: 0 });
  });

  it('drops a 20,000-deep and a 2 MiB progress line, counts them, and keeps the last valid line as the result (defect 3)', async () => {
    const script = [
      'const w = (s) => process.stdout.write(s + "\\n");',
      'w(JSON.stringify({ step: 1, checkpoint: 1 }));',
      'w(`{"step":2,"x":${"[".repeat(20000)}${"]".repeat(20000)}}`);',
      'w(JSON.stringify({ step: 3, pad: "x".repeat(2 * 1024 * 1024) }));',
      'w("plain log line after them");',
      'w(JSON.stringify({ step: 4, done: true }));',
    ].join('\n');
    const job = await admin.submitJob({ name: 'noisy', gpus: 8, maxRestarts: 0, command: [process.execPath, '-e', script] });
    const done = await until('job success', async () => {
      const j = await admin.showJob(job.id);
      if (j.state === 'failed') throw new Error(j.reason ?? 'failed');
      return j.state === 'succeeded' && j;
    });
    // Dropped: the deep line (rank 0 reports progress) and the 2 MiB line, over-long on each of the 8 ranks.
    expect(done).toMatchObject({ result: { step: 4, done: true }, droppedLines: 1 + 8, lastStep: 4, lastCheckpointStep: 1 });
    expect((await admin.jobLogs(job.id)).lines.map((l) => l.text)).toContain('plain log line after them');
    expect(await admin.showNode('node-a')).toMatchObject({ state: 'idle', hold: null });
  });

  it('registers again after the server restarts on the same data dir and port', async () => {
    const before = logs.filter((l) => l.includes('registered as node-a')).length;
    const port = (server.app.server.address() as { port: number }).port;
    await server.close();
    await server.store.close();
    await new Promise((r) => setTimeout(r, 500));
    server = await startServer(port);
    await until('a second registration', async () => logs.filter((l) => l.includes('registered as node-a')).length > before);
    expect((await admin.showNode('node-a')).state).toBe('idle');
  });

  it('a critical XID in the kernel log drains the node', async () => {
    appendFileSync(join(tmp, 'kernel.log'), 'NVRM: Xid (PCI:0000:18:00): 48, pid=7, Double Bit ECC Error\n');
    await until('node-a drained', async () => (await admin.showNode('node-a')).state === 'drained');
    const events = (await admin.events({ node: 'node-a' })).events;
    expect(events.find((e) => e.kind === 'xid')).toMatchObject({ data: { code: 48, gpuIndex: 0, severity: 'critical' } });
  });
});
