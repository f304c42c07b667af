import { afterAll, describe, expect, it } from 'vitest';
import { dashboardQueries, familyOf, metricsOfQuery, parseExposition } from '../../test/helpers/prometheus.js';
import { createServer, type ColossusServer } from './app.js';
import { PER_GPU_SERIES_MAX_GPUS } from './metrics.js';
import { sqliteBackend } from './testing/backends.js';

const ADMIN = 'cla_metrics-admin';
const JOIN = 'clj_metrics-join';
const auth = (t: string) => ({ authorization: `Bearer ${t}` });
const gpus = (node: string, n: number) => Array.from({ length: n }, (_, i) => ({ index: i, uuid: `GPU-${node}-${i}`, model: 'NVIDIA H100 80GB HBM3' }));
const backend = sqliteBackend();
afterAll(() => backend.cleanup());

async function scrape(s: ColossusServer) {
  const res = await s.app.inject({ url: '/metrics' });
  expect(res.statusCode).toBe(200);
  return parseExposition(res.body);
}

/** A server with two 8-GPU nodes reporting telemetry and a 16-GPU job with a plan that has made progress. */
let stores = 0;
async function running(): Promise<{ s: ColossusServer; clock: { t: number }; jobId: string }> {
  const clock = { t: Date.UTC(2026, 0, 1), nowMs() { return this.t; } };
  const s = await createServer({ store: await backend.open(`metrics-${++stores}`), clock, bootstrapTokens: { admin: ADMIN, agent: JOIN }, tickMs: 0 });
  const tokens: Record<string, string> = {};
  for (const name of ['node-a', 'node-b']) {
    const reg = await s.app.inject({ method: 'POST', url: '/api/v1/agents/register', headers: auth(JOIN), payload: { name, gpus: gpus(name, 8), topology: { rack: 'r1' } } });
    tokens[name] = reg.json().nodeToken;
  }
  const plan = { model: 'llama3-8b', precision: 'bf16', tokensPerStep: 1_048_576, flopsPerToken: 5.1e10, peakFlopsPerGpu: 989e12, stepTimeS: 2, tokenBudget: 1e12 };
  const sub = await s.app.inject({ method: 'POST', url: '/api/v1/jobs', headers: auth(ADMIN), payload: { name: 'pretrain', team: 'research', gpus: 16, command: ['train'], plan } });
  expect(sub.statusCode).toBe(201);
  const jobId = sub.json().id as string;
  await s.tick();
  const att = s.controller.attempts.get(`${jobId}.a1`)!;
  for (const name of ['node-a', 'node-b']) {
    const telemetry = { gpus: gpus(name, 8).map((g) => ({ index: g.index, utilizationPct: 97, powerW: 650, temperatureC: 70, memUsedBytes: 60e9 })), ...(name === 'node-b' ? { xids: [{ code: 31, gpuIndex: 3 }] } : {}) };
    const hb = await s.app.inject({ method: 'POST', url: `/api/v1/agents/${name}/heartbeat`, headers: auth(tokens[name]), payload: { seq: 1, attempts: [], telemetry } });
    expect(hb.statusCode).toBe(200);
  }
  const rank0 = att.parts[0].node;
  for (let step = 1; step <= 11; step++) {
    clock.t += 2_500;
    const r = await s.app.inject({ method: 'POST', url: `/api/v1/agents/${rank0}/attempts/${att.id}/events`, headers: auth(tokens[rank0]), payload: { events: [{ type: 'progress', rank: 0, step, line: { step } }] } });
    expect(r.statusCode).toBe(200);
  }
  return { s, clock, jobId };
}

describe('/metrics', () => {
  it('exports per-job throughput and per-GPU series under DCGM exporter names and labels', async () => {
    const { s, jobId } = await running();
    const samples = await scrape(s);
    const one = (name: string) => samples.filter((x) => x.name === name && x.labels.job === jobId);
    expect(one('colossus_job_step')[0]).toMatchObject({ labels: { job: jobId, team: 'research', name: 'pretrain' }, value: 11 });
    expect(one('colossus_job_step_seconds')[0].value).toBeCloseTo(2.5, 6);
    expect(one('colossus_job_tokens_per_second')[0].value).toBeCloseTo(1_048_576 / 2.5, 3);
    expect(one('colossus_job_mfu_ratio')[0].value).toBeCloseTo((5.1e10 * 1_048_576) / 2.5 / (16 * 989e12), 5);
    expect(one('colossus_job_goodput_ratio')[0].value).toBeGreaterThan(0.8);
    expect(one('colossus_job_restarts_total')[0].value).toBe(0);
    const util = samples.filter((x) => x.name === 'DCGM_FI_DEV_GPU_UTIL');
    expect(util).toHaveLength(16);
    expect(util.find((x) => x.labels.Hostname === 'node-b' && x.labels.gpu === '5')).toMatchObject({ labels: { UUID: 'GPU-node-b-5', modelName: 'NVIDIA H100 80GB HBM3' }, value: 97 });
    expect(samples.find((x) => x.name === 'DCGM_FI_DEV_FB_USED' && x.labels.gpu === '0')!.value).toBe(Math.round(60e9 / 2 ** 20));
    const xids = samples.filter((x) => x.name === 'DCGM_FI_DEV_XID_ERRORS' && x.value > 0);
    expect(xids.map((x) => [x.labels.Hostname, x.labels.gpu, x.value])).toEqual([['node-b', '3', 31]]);
    await s.close();
  });

  it(`aggregates GPUs per node above ${PER_GPU_SERIES_MAX_GPUS} GPUs so fleet-wide sums and means still hold`, async () => {
    const { s } = await running();
    const nodes = PER_GPU_SERIES_MAX_GPUS / 8 + 1;
    for (let i = 0; i < nodes; i++) s.controller.registerNode({ name: `big-${i}`, gpus: gpus(`big-${i}`, 8), topology: {}, address: null, attempts: [] });
    const samples = await scrape(s);
    const power = samples.filter((x) => x.name === 'DCGM_FI_DEV_POWER_USAGE');
    expect(power).toHaveLength(2); // only node-a and node-b report telemetry
    expect(power.every((x) => x.labels.gpu === 'all')).toBe(true);
    expect(power.reduce((sum, x) => sum + x.value, 0)).toBe(16 * 650); // sum(DCGM_FI_DEV_POWER_USAGE) unchanged
    expect(samples.find((x) => x.name === 'DCGM_FI_DEV_GPU_UTIL')!.value).toBe(97); // node mean
    expect(samples.find((x) => x.name === 'DCGM_FI_DEV_XID_ERRORS' && x.labels.Hostname === 'node-b')!.value).toBe(31);
    await s.close();
  });

  it('every query of examples/grafana/colossus-dashboard.json names a metric /metrics exports', async () => {
    const { s } = await running();
    await s.app.inject({ url: '/api/v1/nodes', headers: auth(ADMIN) }); // one request, so the latency histogram has buckets
    const exported = new Set((await scrape(s)).map((x) => familyOf(x.name)).concat((await scrape(s)).map((x) => x.name)));
    const queries = dashboardQueries('examples/grafana/colossus-dashboard.json');
    expect(queries.length).toBeGreaterThan(15);
    const missing = queries.flatMap((q) => metricsOfQuery(q.expr).filter((m) => !exported.has(m)).map((m) => `${q.panel}: ${m}`));
    expect(missing).toEqual([]);
    await s.close();
  });

  it('reads metric names out of PromQL the way the dashboard test relies on', () => {
    expect(metricsOfQuery('histogram_quantile(0.99, sum by (le, route) (rate(colossus_http_request_duration_seconds_bucket{route!=""}[5m])))')).toEqual(['colossus_http_request_duration_seconds_bucket']);
    expect(metricsOfQuery('count(DCGM_FI_DEV_XID_ERRORS > 0) or vector(0)')).toEqual(['DCGM_FI_DEV_XID_ERRORS']);
    expect(metricsOfQuery('sum(colossus_job_gpus{team=~"$team"} * on (job) colossus_job_running)')).toEqual(['colossus_job_gpus', 'colossus_job_running']);
  });
});
