/**
 * Goodput advice end to end, with real processes on loopback: a `colossus server` whose
 * failure-rate prior is a toy fleet that fails every few seconds
 * (examples/failure-rates/toy-fleet.yaml), two `colossus agent`s with 8 simulated GPUs each,
 * and a 16-GPU tiny-train job run with `--checkpoint-every auto`. The attempt gets
 * COLOSSUS_CHECKPOINT_INTERVAL_S (the Daly interval at the fleet's posterior rate), tiny-train
 * checkpoints at that interval and reports each save's `checkpointS`, and the job's advice
 * measures both: the actual interval is the one handed out. SQLite only (the store plays no
 * part here; src/server/job-advice.test.ts runs the advice on both stores).
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, TINY_TRAIN, sqliteDb, waitFor } from './harness.js';
import { repoRoot } from '../helpers/cli.js';

const TOY_FLEET = resolve(repoRoot, 'examples/failure-rates/toy-fleet.yaml');

describe('goodput advice end to end', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = new Cluster({ db: sqliteDb(), agents: 2, gpusPerAgent: 8, heartbeatIntervalS: 1, nodeTimeoutS: 10, serverArgs: ['--failure-rates', TOY_FLEET] });
    await c.startAll();
  }, 120_000);
  afterAll(async () => c?.destroy());

  it('a job run with --checkpoint-every auto checkpoints at the COLOSSUS_CHECKPOINT_INTERVAL_S it was given', async () => {
    const fleet = await c.admin.fleetReliability();
    expect(fleet.preset).toContain('toy-fleet.yaml');
    const job = await c.admin.submitJob({ name: 'auto', gpus: 16, command: [process.execPath, TINY_TRAIN, '--steps', '100000', '--checkpoint-every', 'auto', '--step-ms', '50'], maxRestarts: 0, gracePeriodS: 5 });
    // Count the checkpoints as they become durable (each is seconds apart; the poll is 200 ms).
    const seen = new Set<number>();
    const done = await waitFor('five checkpoints', async () => {
      const j = await c.admin.showJob(job.id);
      if (j.state !== 'running') throw new Error(`job ${j.state}: ${j.reason}\n${c.logs()}`);
      if (j.lastCheckpointStep !== null) seen.add(j.lastCheckpointStep);
      return seen.size >= 5 && j;
    }, 120_000, 200);
    const a = done.advice!;
    const given = a.attemptIntervalS!;
    expect(given).toBeGreaterThan(0.5);
    expect(given).toBeLessThan(30);
    expect(a.checkpointCostSource).toBe('measured');
    expect(a.checkpointCostS).toBeLessThan(0.5); // tiny-train's save: milliseconds
    // tiny-train checks the clock after each 50-ms step: the interval it keeps is the one given, plus at most a step or two.
    expect(a.actualCheckpointIntervalS!).toBeGreaterThan(given * 0.95);
    expect(a.actualCheckpointIntervalS!).toBeLessThan(given * 1.3 + 0.2);
    expect(a.restartSource).toBe('preset');
    expect(a.restartS).toBe(5); // the toy fleet's restartS
    await c.admin.cancelJob(job.id, 'e2e test over');
  }, 180_000);
});
