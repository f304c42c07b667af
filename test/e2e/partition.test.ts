/**
 * Partition end to end (defect 8): one agent — the one holding rank 0 — reaches the
 * server only through a TCP proxy, which the test cuts for longer than the node
 * timeout. The server declares the node down and, after the fence bound, places the
 * job on the other two nodes; the cut-off agent has stopped its ranks by then
 * (self-fencing). Every rank runs under test/e2e/fixtures/overlap-watch.mjs, which
 * records any moment two attempts' ranks are alive at once: there must be none, and
 * the job ends with the weights of an uninterrupted run. SQLite (the store does not
 * matter here).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';
import { Cluster, TINY_TRAIN, TcpProxy, referenceHash, sqliteDb, waitFor } from './harness.js';

const WATCH = resolve(repoRoot, 'test/e2e/fixtures/overlap-watch.mjs');
const trainArgs = ['--steps', '250', '--checkpoint-every', '10', '--step-ms', '40'];

describe('partition end to end', () => {
  let c: Cluster;
  let proxy: TcpProxy;
  beforeAll(async () => {
    c = new Cluster({ db: sqliteDb(), agents: 0, gpusPerAgent: 8, heartbeatIntervalS: 1, nodeTimeoutS: 6 });
    await c.startServer();
    proxy = new TcpProxy(() => c.port);
    await proxy.start();
    c.startAgent('node-1', 'rack-1', proxy.url);
    c.startAgent('node-2', 'rack-1');
    c.startAgent('node-3', 'rack-2');
    await waitFor('3 idle nodes', async () => (await c.admin.listNodes()).filter((n) => n.state === 'idle').length === 3);
  });
  afterAll(async () => {
    await proxy?.close();
    await c?.destroy();
  });

  it('a node cut off longer than the node timeout fences itself: no two attempts run at once, and the weights match', async () => {
    const watchDir = join(c.dir, 'watch');
    const submitted = await c.admin.submitJob({ name: 'partitioned', gpus: 16, maxRestarts: 5, gracePeriodS: 5, command: [process.execPath, WATCH, watchDir, TINY_TRAIN, ...trainArgs] });
    const running = await waitFor('a checkpoint at step ≥ 20', async () => {
      const j = await c.admin.showJob(submitted.id);
      return (j.lastCheckpointStep ?? 0) >= 20 && j;
    }, 90_000);
    expect(running.attempts[0].nodes[0]).toBe('node-1'); // rank 0 (the checkpoint writer) is behind the proxy
    proxy.partition();
    const cutAtMs = Date.now();
    const moved = await waitFor('the second attempt running without node-1', async () => {
      const j = await c.admin.showJob(submitted.id);
      const last = j.attempts.at(-1)!;
      return j.attempts.length >= 2 && last.state === 'running' && !last.nodes.includes('node-1') && j;
    }, 90_000);
    expect((await c.admin.listNodes()).find((n) => n.name === 'node-1')!.state).toBe('down');
    // keep the cut a little longer than the node timeout plus the fence grace, then heal: node-1 comes back
    await waitFor('the cut to last 9 s', async () => Date.now() - cutAtMs > 9_000, 30_000);
    proxy.heal();
    await waitFor('node-1 back in the pool', async () => (await c.admin.listNodes()).find((n) => n.name === 'node-1')!.state !== 'down', 60_000);
    const done = await waitFor('success', async () => {
      const j = await c.admin.showJob(submitted.id);
      if (j.state === 'failed' || j.state === 'cancelled') throw new Error(`job ${j.state}: ${j.reason}`);
      return j.state === 'succeeded' && j;
    }, 120_000);
    expect(done.result).toMatchObject({ done: true, step: 250, weightsSha256: await referenceHash(trainArgs) });
    expect(done.attempts[0].resumedFromStep ?? 0).toBe(0);
    expect(done.attempts.at(-1)!.resumedFromStep).toBeGreaterThanOrEqual(moved.attempts[0].lastStep === null ? 0 : 20);
    expect(c.agents.get('node-1')!.output()).toMatch(/self-fencing: no server answered for/);
    const overlaps = join(watchDir, 'overlaps');
    expect(existsSync(overlaps) ? readFileSync(overlaps, 'utf8') : '').toBe('');
  }, 400_000); // the waits inside are bounded; a loaded 2-core box needs far more than the 60-s default
});
