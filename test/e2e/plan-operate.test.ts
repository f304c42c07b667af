/**
 * Plan → operate end to end, with real processes on loopback: a `colossus server`, one
 * `colossus agent` with 8 simulated H100s, and `colossus job submit --model llama3-8b`
 * run as a user would (a child process). The job's ranks see the planner's layout in
 * their environment (each rank prints it, then runs tiny-train), the job records the plan,
 * and `job show` reports the achieved step time against the planned one as an efficiency.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobDetail } from '../../src/protocol/jobs.js';
import { runCli } from '../helpers/cli.js';
import { ADMIN_TOKEN, Cluster, TINY_TRAIN, sqliteDb, waitFor } from './harness.js';

const KEYS = ['COLOSSUS_TP', 'COLOSSUS_PP', 'COLOSSUS_VPP', 'COLOSSUS_CP', 'COLOSSUS_EP', 'COLOSSUS_DP', 'COLOSSUS_MBS', 'COLOSSUS_GBS', 'COLOSSUS_EXPECTED_STEP_S'];

describe('plan → operate end to end (server, agent, tiny-train)', () => {
  let c: Cluster;
  beforeAll(async () => {
    c = new Cluster({ db: sqliteDb(), agents: 1, gpusPerAgent: 8, heartbeatIntervalS: 1, nodeTimeoutS: 10 });
    await c.startAll();
  }, 120_000);
  afterAll(async () => c?.destroy());

  it('the ranks get the layout as environment and job show compares achieved with planned', async () => {
    const printEnv = KEYS.map((k) => `${k}=$${k}`).join(' ');
    const script = `echo "plan-env RANK=$RANK ${printEnv}"; exec "${process.execPath}" "${TINY_TRAIN}" --steps 40 --checkpoint-every 10 --step-ms 40`;
    const client = ['--server', c.url, '--token', ADMIN_TOKEN];
    const sub = await runCli(['job', 'submit', '--name', 'planned', '--gpus', '8', '--model', 'llama3-8b', '--gbs', '32', '--json', ...client, '--', 'sh', '-c', script], { timeoutMs: 120_000 });
    expect(sub.code, sub.stderr).toBe(0);
    const submitted = JSON.parse(sub.stdout) as JobDetail;
    expect(submitted.plan).toMatchObject({ model: 'llama3-8b', precision: 'bf16', tokensPerStep: 32 * 8192, software: expect.any(String) });
    const done = await waitFor('the planned job to succeed', async () => {
      const j = await c.admin.showJob(submitted.id);
      if (j.state === 'failed' || j.state === 'cancelled') throw new Error(`job ${j.state}: ${j.reason}\n${c.logs()}`);
      return j.state === 'succeeded' && j;
    }, 120_000, 300);

    // every rank printed the plan's layout: the values the planner chose, the same on all 8
    const { lines } = await c.admin.jobLogs(submitted.id, { tail: 1000 });
    const envLines = lines.map((l) => l.text).filter((t) => t.startsWith('plan-env '));
    expect(envLines).toHaveLength(8);
    const seen = envLines.map((t) => Object.fromEntries(t.slice('plan-env '.length).trim().split(' ').map((kv) => kv.split('=') as [string, string])));
    expect(new Set(seen.map((s) => s.RANK))).toEqual(new Set(['0', '1', '2', '3', '4', '5', '6', '7']));
    const layout = done.plan!.layout!;
    for (const s of seen) {
      for (const k of ['TP', 'PP', 'VPP', 'CP', 'EP', 'DP', 'MBS', 'GBS']) expect(layout.split(' '), `${k} in ${layout}`).toContain(`${k.toLowerCase()}${s[`COLOSSUS_${k}`]}`);
      expect(Number(s.COLOSSUS_EXPECTED_STEP_S)).toBeCloseTo(done.plan!.stepTimeS, 4);
      expect(Number(s.COLOSSUS_TP) * Number(s.COLOSSUS_PP) * Number(s.COLOSSUS_CP) * Number(s.COLOSSUS_DP)).toBe(8);
    }

    // job show: the achieved step time from the progress lines against the plan's, as a ratio
    const t = done.throughput;
    expect(t.plannedStepS).toBe(done.plan!.stepTimeS);
    expect(t.achievedStepS).toBeGreaterThan(0.03); // tiny-train's 40 ms steps
    expect(t.efficiency).toBeCloseTo(t.plannedStepS! / t.achievedStepS!, 9);
    const show = await runCli(['job', 'show', submitted.id, ...client]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/efficiency\s+\d+\.\d\d \(planned ÷ achieved step time/);
    expect(show.stdout).toMatch(/plan\s+llama3-8b bf16, tp\d+ pp\d+/);
  }, 300_000);
});
