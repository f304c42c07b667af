/**
 * The fleet's own failure rate from the server's history: four 8-GPU nodes registered at a
 * known time, a recorded history of GPU-hardware failures (XID 79 drains) at a known rate
 * over an injected clock, and GET /api/v1/fleet/reliability: the posterior moves from the
 * hopper preset's prior to the recorded rate, and the 90% interval covers it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from './app.js';
import { postgresAvailable, postgresBackend, sqliteBackend, type Backend } from './testing/backends.js';
import type { FleetReliabilityView } from '../protocol/reliability.js';

const pgOk = await postgresAvailable();
const ADMIN = 'cla_test-admin-token';
const JOIN = 'clj_test-join-token';
const auth = (t: string) => ({ authorization: `Bearer ${t}` });
const gpus = (n: number) => Array.from({ length: n }, (_, i) => ({ index: i, uuid: `GPU-${i}`, model: 'NVIDIA H100 80GB HBM3' }));
const HOUR_MS = 3.6e6;

describe.each([
  { backend: sqliteBackend(), enabled: true },
  { backend: postgresBackend(), enabled: pgOk },
])('fleet reliability on $backend.name', ({ backend, enabled }: { backend: Backend; enabled: boolean }) => {
  afterAll(() => (enabled ? backend.cleanup() : undefined));

  it.skipIf(!enabled)('the posterior converges to the recorded failure rate', async () => {
    const clock = { t: Date.UTC(2026, 0, 1), nowMs: () => clock.t, monotonicMs: () => performance.now() }; // leases and timeouts on real time
    const s = await createServer({ store: await backend.open('fleet-rel'), bootstrapTokens: { admin: ADMIN, agent: JOIN }, tickMs: 0, clock });
    const tokens: string[] = [];
    for (let i = 0; i < 4; i++) {
      const reg = await s.app.inject({ method: 'POST', url: '/api/v1/agents/register', headers: auth(JOIN), payload: { name: `node-${i}`, gpus: gpus(8), topology: { rack: 'r1' } } });
      expect(reg.statusCode, reg.body).toBe(200);
      tokens.push(reg.json().nodeToken as string);
    }
    const read = async () => (await s.app.inject({ url: '/api/v1/fleet/reliability', headers: auth(ADMIN) })).json() as FleetReliabilityView;
    const fresh = await read();
    const prior = fresh.causes.find((c) => c.cause === 'gpu-hardware')!;
    expect(fresh).toMatchObject({ preset: 'hopper', gpusPerNode: 8, nodes: 4, exposureGpuHours: 0 });
    expect(prior.posteriorMeanPerGpuHour).toBeCloseTo(prior.priorPerGpuHour, 15);

    // A fleet that fails 4× as often as the preset: one XID 79 every 1 / (rate × 32 GPUs) hours.
    const trueRate = 4 * prior.priorPerGpuHour;
    const everyMs = Math.round(HOUR_MS / (trueRate * 32)); // whole ms: the store keeps times as integers
    const t0 = clock.t;
    const errors: number[] = [];
    let seq = 0;
    for (let k = 1; k <= 240; k++) {
      clock.t += everyMs;
      const node = k % 4;
      const hb = await s.app.inject({ method: 'POST', url: `/api/v1/agents/node-${node}/heartbeat`, headers: auth(tokens[node]!), payload: { seq: ++seq, attempts: [], telemetry: { xids: [{ code: 79, gpuIndex: k % 8, message: 'GPU has fallen off the bus.' }] } } });
      expect(hb.statusCode, hb.body).toBe(200);
      if (k % 60 === 0) {
        const r = await read();
        const g = r.causes.find((c) => c.cause === 'gpu-hardware')!;
        expect(g.events).toBe(k);
        expect(g.exposureGpuHours).toBeCloseTo((32 * (clock.t - t0)) / HOUR_MS, 6);
        errors.push(Math.abs(g.posteriorMeanPerGpuHour - trueRate) / trueRate);
        expect(g.p5PerGpuHour).toBeLessThan(trueRate);
        expect(g.p95PerGpuHour).toBeGreaterThan(trueRate);
      }
    }
    for (let i = 1; i < errors.length; i++) expect(errors[i]).toBeLessThan(errors[i - 1]!);
    expect(errors.at(-1)).toBeLessThan(0.02);
    const after = await read();
    expect(after.causes.find((c) => c.cause === 'node-lost')!.events).toBe(0);
    await s.close();
  });
});
