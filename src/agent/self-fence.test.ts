/**
 * Self-fencing (defect 8): an agent that reaches no server for longer than the node
 * timeout stops its attempt's ranks itself — SIGTERM, then SIGKILL after the fence
 * grace — so a partitioned node cannot keep ranks running beside the attempt the
 * server places elsewhere. Real server in-process, real agent, real rank processes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { getGpu } from '../core/hardware/catalog.js';
import { ApiClient } from '../protocol/client.js';
import { createServer } from '../server/app.js';
import { Store } from '../server/store/store.js';
import { Agent } from './agent.js';
import { simulatedGpuSource } from './simulated-gpus.js';

const TINY = resolve(dirname(fileURLToPath(import.meta.url)), '../../examples/workloads/tiny-train.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'self-fence-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until<T>(what: string, probe: () => Promise<T | false | undefined> | T | false | undefined, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await Promise.resolve(probe()).catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('agent self-fencing', () => {
  it('stops its ranks once no server has answered for longer than the node timeout', async () => {
    const store = await Store.open({ dataDir: join(tmp, 'data') });
    const server = await createServer({ store, bootstrapTokens: { admin: 'fence-admin', agent: 'fence-join' }, policy: { heartbeatIntervalS: 0.5, nodeTimeoutS: 3, checkpointRoot: join(tmp, 'ckpt') }, tickMs: 100 });
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(server.app.server.address() as { port: number }).port}`;
    const logs: { msg: string; fields?: Record<string, unknown>; atMs: number }[] = [];
    const agent: Agent = new Agent({
      server: url, joinToken: 'fence-join', name: 'node-f', topology: { rack: 'r1' }, workDir: join(tmp, 'work'),
      gpus: simulatedGpuSource({ count: 2, nodeName: 'node-f', gpu: getGpu('h100'), busy: () => agent.attempts.busyGpus() }),
      log: (_level, msg, fields) => logs.push({ msg, fields, atMs: performance.now() }),
    });
    const running = agent.run();
    try {
      const admin = new ApiClient({ server: url, token: 'fence-admin' });
      await until('node-f idle', async () => (await admin.showNode('node-f')).state === 'idle');
      const job = await admin.submitJob({ name: 'long', gpus: 2, command: [process.execPath, TINY, '--steps', '1000000', '--step-ms', '50'] });
      await until('progress', async () => ((await admin.showJob(job.id)).lastStep ?? 0) >= 3);
      const pids = logs.find((l) => l.msg.startsWith('launched attempt'))!.fields!.pids as number[];
      expect(pids.length).toBe(2);
      expect(pids.every(alive)).toBe(true);
      // the server vanishes (as behind a partition): nobody answers the agent any more
      await server.close();
      await store.close();
      const goneAtMs = performance.now();
      await until('the ranks to be gone', () => pids.every((p) => !alive(p)), 30_000);
      const fence = logs.find((l) => l.msg.startsWith('self-fencing'));
      expect(fence?.msg).toMatch(/no server answered for \d+\.\d s \(node timeout 3 s\); stopping every attempt \(SIGKILL after 1 s\)/);
      // not before the node timeout: a short outage (a server restart, a failover) does not touch the workload
      expect(fence!.atMs - goneAtMs).toBeGreaterThan(2_000);
      await until('the exit to be recorded', () => logs.some((l) => l.msg.startsWith(`attempt ${job.id}.a1 exited`)));
    } finally {
      await agent.shutdown(1);
      await running;
    }
  });
});
