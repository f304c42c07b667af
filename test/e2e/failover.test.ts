/**
 * Failover end to end: two `colossus server` replicas (each its own data dir) on a
 * fresh PostgreSQL database, three agents given both URLs, a 16-GPU tiny-train job.
 * kill -9 of the leader mid-run: the standby leads within 15 s, the agents re-attach
 * and the running attempt is adopted, not restarted — the job ends succeeded with
 * restarts 0, one attempt, and the weights of an uninterrupted run; jobs acknowledged
 * just before the kill are all there. Skipped with a message when PostgreSQL is
 * unreachable (a failure under CI=true).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/protocol/client.js';
import { ADMIN_TOKEN, AGENT_TOKEN, TINY_TRAIN, freePort, postgresDb, referenceHash, sleep, spawnCli, waitFor, type Db, type Proc } from './harness.js';

const db = await postgresDb();
if (!db) console.warn('PostgreSQL at 127.0.0.1:5432 is unreachable: skipping the failover end-to-end test (CI=true makes this a failure)');

const trainArgs = ['--steps', '400', '--checkpoint-every', '10', '--step-ms', '50'];
const dir = mkdtempSync(join(tmpdir(), 'colossus-failover-'));

describe.skipIf(!db)('failover end to end (PostgreSQL)', () => {
  const replicas: { url: string; proc: Proc }[] = [];
  const agents: Proc[] = [];
  let admin: ApiClient;

  const startReplica = async (i: number) => {
    const port = await freePort();
    const args = ['server', '--data-dir', join(dir, `replica-${i}`), '--host', '127.0.0.1', '--port', String(port), '--heartbeat-interval-s', '1', '--node-timeout-s', '15'];
    const proc = spawnCli(args, { ...(db as Db).env, COLOSSUS_ADMIN_TOKEN: ADMIN_TOKEN, COLOSSUS_AGENT_TOKEN: AGENT_TOKEN });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(`replica ${i} to listen`, async () => {
      if (proc.child.exitCode !== null) throw new Error(`replica ${i} exited: ${proc.output().slice(-2000)}`);
      return (await fetch(`${url}/healthz`)).ok;
    });
    replicas.push({ url, proc });
  };
  const ready = async (url: string) => (await fetch(`${url}/readyz`).catch(() => null))?.status === 200;

  beforeAll(async () => {
    await startReplica(1);
    await waitFor('replica 1 to lead', () => ready(replicas[0].url));
    await startReplica(2);
    const servers = replicas.map((r) => r.url).join(',');
    admin = new ApiClient({ server: servers, token: ADMIN_TOKEN });
    for (let i = 1; i <= 3; i++) {
      agents.push(spawnCli(['agent', '--server', servers, '--token', AGENT_TOKEN, '--name', `node-${i}`, '--rack', `rack-${Math.ceil(i / 2)}`, '--work-dir', join(dir, 'agents', `node-${i}`), '--simulate-gpus', '8'], {}));
    }
    await waitFor('3 idle nodes', async () => (await admin.listNodes()).filter((n) => n.state === 'idle').length === 3);
  });
  afterAll(async () => {
    for (const p of [...agents, ...replicas.map((r) => r.proc)]) if (p.child.exitCode === null) p.child.kill('SIGTERM');
    await Promise.race([Promise.all([...agents, ...replicas.map((r) => r.proc)].map((p) => p.exited)), sleep(15_000)]);
    for (const p of [...agents, ...replicas.map((r) => r.proc)]) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('kill -9 of the leader mid-run: a standby leads within 15 s, the job keeps running (restarts 0) and ends with the uninterrupted weights', async () => {
    expect(await ready(replicas[1].url)).toBe(false); // the standby
    const submitted = await admin.submitJob({ name: 'through-failover', gpus: 16, maxRestarts: 3, gracePeriodS: 5, command: [process.execPath, TINY_TRAIN, ...trainArgs] });
    await waitFor('a checkpoint at step ≥ 20', async () => ((await admin.showJob(submitted.id)).lastCheckpointStep ?? 0) >= 20, 90_000);
    const acked: string[] = [];
    for (let i = 0; i < 3; i++) acked.push((await admin.submitJob({ name: `acked-${i}`, gpus: 8, command: ['true'] })).id);

    replicas[0].proc.child.kill('SIGKILL');
    const killedAt = Date.now();
    await waitFor('the standby to lead', () => ready(replicas[1].url), 30_000, 100);
    const failoverS = (Date.now() - killedAt) / 1000;
    console.log(`failover: replica 2 ready ${failoverS.toFixed(1)} s after kill -9 of the leader (lease 5 s)`);
    expect(failoverS).toBeLessThan(15);
    // the new leader hears the same attempt progress: the workload kept running through the failover
    const before = (await admin.showJob(submitted.id)).lastStep ?? 0;
    const mid = await waitFor('progress reported to the new leader', async () => {
      const j = await admin.showJob(submitted.id);
      return j.state === 'running' && (j.lastStep ?? 0) > before && j;
    }, 60_000, 100);
    expect(mid.lastStep!).toBeLessThan(400);
    expect(mid.attempts).toHaveLength(1);

    const done = await waitFor('success', async () => {
      const j = await admin.showJob(submitted.id);
      if (j.state === 'failed' || j.state === 'cancelled') throw new Error(`job ${j.state}: ${j.reason}`);
      return j.state === 'succeeded' && j;
    }, 180_000, 250);
    expect(done.restarts).toBe(0);
    expect(done.attempts).toHaveLength(1);
    expect(done.result).toMatchObject({ done: true, step: 400, weightsSha256: await referenceHash(trainArgs) });
    const ids = (await admin.listJobs()).map((j) => j.id);
    for (const id of acked) expect(ids).toContain(id);
    const events = (await admin.events({ jobId: submitted.id })).events.map((e) => e.kind);
    expect(events.filter((k) => k === 'attempt.placed')).toHaveLength(1);
  }, 400_000); // the waits inside are bounded; a loaded 2-core box needs far more than the 60-s default
});
