/**
 * Scrapes /metrics of a running twin over loopback HTTP and checks that every
 * metric the shipped Grafana dashboard reads is there, with values in range.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterByName } from '../core/cluster/catalog.js';
import { getModelPreset } from '../core/model/catalog.js';
import { failurePreset } from '../core/reliability/presets.js';
import { dashboardQueries, familyOf, metricsOfQuery, parseExposition, type Sample } from '../../test/helpers/prometheus.js';
import { startTwin, type RunningTwin } from './runtime.js';

const GPUS = 512;
const H100_TDP_W = 700;

/** [min, max] of every sample, and what at least one sample must reach. */
const SANE: Record<string, { min: number; max: number; someAbove?: number }> = {
  colossus_job_tokens_per_second: { min: 0, max: 1e9, someAbove: 1e4 },
  colossus_job_mfu_ratio: { min: 0.01, max: 1, someAbove: 0.1 },
  colossus_job_goodput_ratio: { min: 0, max: 1, someAbove: 0.3 },
  colossus_job_step: { min: 0, max: 1e9, someAbove: 10 },
  colossus_job_restarts_total: { min: 0, max: 1e4 },
  colossus_job_step_seconds: { min: 0.01, max: 3600 },
  colossus_job_planned_step_seconds: { min: 0.01, max: 3600 },
  colossus_job_eta_seconds: { min: 0, max: 1e9, someAbove: 60 },
  colossus_job_gpus: { min: 1, max: GPUS },
  colossus_job_running: { min: 0, max: 1, someAbove: 0.5 },
  colossus_gpus: { min: 0, max: GPUS, someAbove: GPUS / 2 },
  colossus_nodes: { min: 0, max: GPUS / 8, someAbove: 1 },
  colossus_jobs: { min: 0, max: 1e5, someAbove: 0.5 },
  DCGM_FI_DEV_GPU_UTIL: { min: 0, max: 100, someAbove: 90 },
  DCGM_FI_DEV_POWER_USAGE: { min: 0, max: H100_TDP_W * 1.1, someAbove: 300 },
  DCGM_FI_DEV_GPU_TEMP: { min: 0, max: 100, someAbove: 50 },
  DCGM_FI_DEV_FB_USED: { min: 0, max: 80 * 1024, someAbove: 1024 },
  DCGM_FI_DEV_XID_ERRORS: { min: 0, max: 200 },
  colossus_http_request_duration_seconds_bucket: { min: 0, max: 1e9, someAbove: 0.5 },
  colossus_heartbeats_total: { min: 0, max: 1e9 },
  colossus_store_transactions: { min: 0, max: 1e9, someAbove: 1 },
};

describe('twin /metrics (real twin on loopback) against the Grafana dashboard', () => {
  let t: RunningTwin;
  let samples: Sample[];

  beforeAll(async () => {
    t = await startTwin({ cluster: clusterByName('colossus-100k', GPUS), model: getModelPreset('grok-1'), failures: failurePreset('llama3-h100'), seed: 11, speed: 0, untilS: 6 * 3600, host: '127.0.0.1', port: 0, env: {} });
    await t.pacer.done();
    await fetch(`${t.url}/api/v1/nodes`, { headers: { authorization: `Bearer ${t.adminToken}` } });
    const res = await fetch(`${t.url}/metrics`);
    expect(res.status).toBe(200);
    samples = parseExposition(await res.text());
  }, 120_000);

  afterAll(() => t?.stop());

  it('has every metric the dashboard uses, with values in range', () => {
    const used = new Set(dashboardQueries('examples/grafana/colossus-dashboard.json').flatMap((q) => metricsOfQuery(q.expr)));
    expect(used.size).toBeGreaterThan(15);
    for (const name of used) {
      const got = samples.filter((s) => s.name === name || familyOf(s.name) === name);
      expect(got.length, `${name} is exported`).toBeGreaterThan(0);
      const sane = SANE[name];
      expect(sane, `a sane range for ${name} is defined in this test`).toBeDefined();
      for (const s of got) {
        expect(Number.isFinite(s.value) || s.labels.le === '+Inf', `${name} ${JSON.stringify(s.labels)} = ${s.value}`).toBe(true);
        expect(s.value, `${name} ${JSON.stringify(s.labels)}`).toBeGreaterThanOrEqual(sane.min);
        expect(s.value, `${name} ${JSON.stringify(s.labels)}`).toBeLessThanOrEqual(sane.max);
      }
      if (sane.someAbove !== undefined) expect(Math.max(...got.map((s) => s.value)), `some ${name} above ${sane.someAbove}`).toBeGreaterThan(sane.someAbove);
    }
  });

  it('per GPU at this size: one DCGM series per GPU of every live node, labelled like dcgm-exporter', () => {
    const live = [...t.server.controller.nodes.values()].filter((n) => !n.down);
    const util = samples.filter((s) => s.name === 'DCGM_FI_DEV_GPU_UTIL');
    expect(util).toHaveLength(live.reduce((s, n) => s + n.gpus.length, 0));
    const first = live[0];
    expect(util.find((s) => s.labels.Hostname === first.name && s.labels.gpu === '0')!.labels.UUID).toBe(first.gpus[0].uuid);
  });

  it('the flagship’s series agree with the control plane’s job view', async () => {
    const id = t.twin.mix.flagshipId!;
    const job = await (await fetch(`${t.url}/api/v1/jobs/${id}`, { headers: { authorization: `Bearer ${t.adminToken}` } })).json();
    const mfu = samples.find((s) => s.name === 'colossus_job_mfu_ratio' && s.labels.job === id)!;
    expect(mfu.labels.team).toBe('pretrain');
    expect(mfu.value).toBeCloseTo(job.throughput.mfu, 6);
    // The achieved MFU is the plan's, slowed by checkpoint stalls only.
    expect(job.throughput.mfu).toBeLessThanOrEqual(job.throughput.plannedMfu * 1.0001);
    expect(job.throughput.mfu).toBeGreaterThan(job.throughput.plannedMfu * 0.8);
  });
});
