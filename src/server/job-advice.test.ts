/**
 * Goodput advice through the real server (both stores) on an injected clock: a fleet whose
 * recorded history fails 4× as often as the hopper preset; a 16-GPU job's first attempt gets
 * COLOSSUS_CHECKPOINT_INTERVAL_S = the Daly interval at the fleet's posterior rate (the same as
 * `colossus simulate`'s for those inputs, within 2%), GET /jobs/:id measures the checkpoint cost
 * and interval from rank 0's progress lines and warns at 3× the optimum; after a failure the
 * restart time is measured and the next attempt's interval uses the measured cost; the
 * interruption counts survive a server restart.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createServer, type ColossusServer } from './app.js';
import { postgresAvailable, postgresBackend, sqliteBackend, type Backend } from './testing/backends.js';
import type { FleetReliabilityView } from '../protocol/reliability.js';
import type { JobDetail } from '../protocol/jobs.js';
import type { HeartbeatResponse } from '../protocol/agent.js';
import { dalyIntervalS } from '../core/reliability/checkpoint-theory.js';
import { roundIntervalS } from '../core/control/advice.js';
import { DEFAULT_CHECKPOINT_COST_S } from '../core/control/job-advice.js';
import { buildScenario } from '../core/sim/scenario.js';
import { failurePreset } from '../core/reliability/presets.js';
import type { FailureModel } from '../core/reliability/types.js';

const pgOk = await postgresAvailable();
const ADMIN = 'cla_test-admin-token';
const JOIN = 'clj_test-join-token';
const auth = (t: string) => ({ authorization: `Bearer ${t}` });
const gpus = (n: number) => Array.from({ length: n }, (_, i) => ({ index: i, uuid: `GPU-${i}`, model: 'NVIDIA H100 80GB HBM3' }));
const HOUR_MS = 3.6e6;

/** `colossus simulate`'s Daly interval for one cause at `ratePerGpuHour` and a blocking checkpoint of `costS`. */
function simulatorDalyS(ratePerGpuHour: number, gpuCount: number, costS: number): number {
  const base = failurePreset('hopper');
  const fleet: FailureModel = { ...base, causes: [{ ...base.causes.find((c) => c.scope === 'gpu')!, id: 'fleet', rate: ratePerGpuHour, ageHazard: undefined, group: undefined }], lemons: undefined, correlated: undefined };
  return buildScenario({ job: { gpus: gpuCount, gpusPerNode: 8, nodesPerRack: 4 }, days: 10, failures: fleet, checkpoint: { interval: 'auto', blockingS: costS, persistS: 0, loadS: 0 } }).info.dalyIntervalS;
}

describe.each([
  { backend: sqliteBackend(), enabled: true },
  { backend: postgresBackend(), enabled: pgOk },
])('job advice on $backend.name', ({ backend, enabled }: { backend: Backend; enabled: boolean }) => {
  afterAll(() => (enabled ? backend.cleanup() : undefined));

  it.skipIf(!enabled)('advises the Daly interval at the posterior rate, hands it to new attempts and measures what the job does', async () => {
    const clock = { t: Date.UTC(2026, 0, 1), nowMs: () => clock.t, monotonicMs: () => performance.now() };
    let s: ColossusServer = await createServer({ store: await backend.open('advice'), bootstrapTokens: { admin: ADMIN, agent: JOIN }, tickMs: 0, clock });
    const tokens = new Map<string, string>();
    const seqs = new Map<string, number>();
    for (let i = 0; i < 4; i++) {
      const reg = await s.app.inject({ method: 'POST', url: '/api/v1/agents/register', headers: auth(JOIN), payload: { name: `node-${i}`, gpus: gpus(8), topology: { rack: 'r1' } } });
      expect(reg.statusCode, reg.body).toBe(200);
      tokens.set(`node-${i}`, reg.json().nodeToken as string);
    }
    const get = async <T>(url: string) => (await s.app.inject({ url: `/api/v1${url}`, headers: auth(ADMIN) })).json() as T;
    const post = async (url: string, payload: unknown, token = ADMIN) => {
      const r = await s.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: auth(token), payload: payload as object });
      expect(r.statusCode, r.body).toBeLessThan(300);
      return r.json();
    };
    const heartbeat = async (node: string, attempts: unknown[] = [], telemetry?: unknown) => {
      seqs.set(node, (seqs.get(node) ?? 0) + 1);
      return (await post(`/agents/${node}/heartbeat`, { seq: seqs.get(node), attempts, ...(telemetry ? { telemetry } : {}) }, tokens.get(node))) as HeartbeatResponse;
    };

    // History: XID 79 drains at 4× the preset's GPU-hardware rate over 32 GPUs; the nodes come back each time.
    const prior = (await get<FleetReliabilityView>('/fleet/reliability')).causes.find((c) => c.cause === 'gpu-hardware')!.priorPerGpuHour;
    const everyMs = Math.round(HOUR_MS / (4 * prior * 32));
    for (let k = 1; k <= 120; k++) {
      clock.t += everyMs;
      const node = `node-${k % 4}`;
      await heartbeat(node, [], { xids: [{ code: 79, gpuIndex: k % 8 }] });
      await post(`/nodes/${node}/uncordon`, {});
    }
    const fleet = await get<FleetReliabilityView>('/fleet/reliability');
    expect(fleet.causes.find((c) => c.cause === 'gpu-hardware')!.events).toBe(120);

    // A 16-GPU job: its first attempt gets the Daly interval at the posterior rate and the default cost.
    const job = (await post('/jobs', { name: 'advised', gpus: 16, command: ['train', '--checkpoint-every', 'auto'] })) as JobDetail;
    expect(job.advice).toBeNull(); // not run yet
    await s.tick();
    const placed = await get<JobDetail>(`/jobs/${job.id}`);
    const [n0, n1] = placed.attempts[0]!.nodes as [string, string];
    const spec = (await heartbeat(n0)).run.find((r) => r.jobId === job.id)!;
    const mtbiS = 3600 / (fleet.totalPerGpuHour * 16);
    const firstOptimumS = dalyIntervalS(DEFAULT_CHECKPOINT_COST_S, mtbiS);
    expect(spec.processes.every((p) => p.env.COLOSSUS_CHECKPOINT_INTERVAL_S === String(roundIntervalS(firstOptimumS)))).toBe(true);
    expect(placed.advice).toMatchObject({ checkpointCostS: DEFAULT_CHECKPOINT_COST_S, checkpointCostSource: 'default', restartSource: 'preset', actualCheckpointIntervalS: null, achievedGoodput: null, warning: null, attemptIntervalS: roundIntervalS(firstOptimumS) });
    expect(Math.abs(placed.advice!.optimalCheckpointIntervalS - firstOptimumS) / firstOptimumS).toBeLessThan(1e-9);
    // `colossus simulate` gives the same interval for the same rate and checkpoint cost (within 2%).
    const sim = simulatorDalyS(fleet.totalPerGpuHour, 16, DEFAULT_CHECKPOINT_COST_S);
    expect(Math.abs(placed.advice!.optimalCheckpointIntervalS - sim) / sim).toBeLessThan(0.02);

    // Rank 0 checkpoints every 3× the optimum for a 5-s save: measured cost and interval, and a warning.
    const attemptId = placed.attempts[0]!.id;
    const events = (node: string, id: string, evs: unknown[]) => post(`/agents/${node}/attempts/${id}/events`, { events: evs }, tokens.get(node));
    await events(n0, attemptId, [{ type: 'started', pids: [1] }]);
    await events(n1, attemptId, [{ type: 'started', pids: [2] }]);
    const costS = 5;
    const slowS = 3 * dalyIntervalS(costS, mtbiS);
    let step = 0;
    await events(n0, attemptId, [{ type: 'progress', rank: 0, step: ++step, line: { step } }]);
    for (let k = 0; k < 4; k++) {
      clock.t += Math.round((slowS + costS) * 1000);
      step += 100;
      await events(n0, attemptId, [{ type: 'progress', rank: 0, step, checkpoint: step, line: { step, checkpoint: step, checkpointS: costS } }]);
    }
    const measured = (await get<JobDetail>(`/jobs/${job.id}`)).advice!;
    expect(measured.checkpointCostS).toBe(costS);
    expect(measured.checkpointCostSource).toBe('measured');
    expect(measured.actualCheckpointIntervalS!).toBeCloseTo(slowS, 2);
    expect(measured.optimalCheckpointIntervalS).toBeCloseTo(dalyIntervalS(costS, measured.mtbiS), 6);
    expect(measured.achievedGoodput!).toBeLessThan(measured.expectedGoodput);
    expect(measured.warning).toMatch(/3\.\d× longer than the optimum/);

    // Rank 0 exits 1: a software interruption; the next attempt's first line comes 120 s after the last one.
    clock.t += 10_000;
    await events(n0, attemptId, [{ type: 'exited', exitCode: 1, signal: null }]);
    await events(n1, attemptId, [{ type: 'exited', exitCode: null, signal: 'SIGTERM' }]);
    clock.t += 100_000;
    await s.tick();
    const again = await get<JobDetail>(`/jobs/${job.id}`);
    expect(again.attempts).toHaveLength(2);
    const second = again.attempts[1]!;
    const spec2 = (await heartbeat(second.nodes[0]!)).run.find((r) => r.attemptId === second.id)!;
    const now = await get<FleetReliabilityView>('/fleet/reliability');
    expect(now.causes.find((c) => c.cause === 'software')!.events).toBe(1);
    const optimum2 = dalyIntervalS(costS, 3600 / (now.totalPerGpuHour * 16));
    expect(spec2.processes[0]!.env.COLOSSUS_CHECKPOINT_INTERVAL_S).toBe(String(roundIntervalS(optimum2)));
    expect(again.attempts.map((a) => a.checkpointIntervalS)).toEqual([roundIntervalS(firstOptimumS), roundIntervalS(optimum2)]);
    for (const node of second.nodes) await events(node, second.id, [{ type: 'started', pids: [3] }]);
    clock.t += 10_000; // 120 s after the failed attempt's last line
    await events(second.nodes[0]!, second.id, [{ type: 'progress', rank: 0, step: step + 1, line: { step: step + 1 } }]);
    const restarted = (await get<JobDetail>(`/jobs/${job.id}`)).advice!;
    expect(restarted).toMatchObject({ restartS: 120, restartSource: 'measured', attemptIntervalS: roundIntervalS(optimum2) });

    // A restarted server counts the same history from its store.
    await s.close();
    s = await createServer({ store: await backend.open('advice'), bootstrapTokens: { admin: ADMIN, agent: JOIN }, tickMs: 0, clock });
    const reopened = await get<FleetReliabilityView>('/fleet/reliability');
    expect(reopened.causes.map((c) => c.events)).toEqual(now.causes.map((c) => c.events));
    expect((await get<JobDetail>(`/jobs/${job.id}`)).advice).toMatchObject({ restartS: 120, checkpointCostS: costS });
    await s.close();
  });
});
