/**
 * Prometheus metrics on a private registry (several servers may share a process).
 * prom-client's series have bounded labels (route templates, methods, status
 * classes, node and job states); per-job series cover live jobs only, and the
 * per-GPU DCGM series become per-node above PER_GPU_SERIES_MAX_GPUS.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Controller } from '../core/control/controller.js';
import { freeGpus } from '../core/control/node-state.js';
import { spareReserveView } from '../core/control/reserve-view.js';
import type { Persister } from './persister.js';
import { DcgmWriter, type NodeGpuMetrics } from '../protocol/prometheus.js';
import { Slicer } from './slices.js';
import { jobMetricsText } from './job-metrics.js';

/** Where per-GPU readings come from: agents' heartbeat telemetry by default; the twin plugs in its simulated GPUs. */
export type GpuMetricsSource = () => Iterable<NodeGpuMetrics>;

/** Fleets up to this many GPUs get one DCGM series per GPU on /metrics; larger ones one per node (see docs/metrics.md). */
export const PER_GPU_SERIES_MAX_GPUS = 4096;

/** The controller's view of each live node's GPUs: the last telemetry its agent sent, the last XID per GPU. */
export function telemetryGpuSource(ctl: Controller): GpuMetricsSource {
  return function* () {
    for (const n of ctl.nodes.values()) {
      if (n.down) continue;
      yield {
        hostname: n.name,
        gpus: n.gpus.map((g) => {
          const t = n.telemetry[g.index] ?? {};
          const v = (k: string) => (typeof t[k] === 'number' ? (t[k] as number) : undefined);
          return { index: g.index, uuid: g.uuid, model: g.model, utilizationPct: v('utilizationPct'), powerW: v('powerW'), temperatureC: v('temperatureC'), memUsedBytes: v('memUsedBytes'), lastXid: v('lastXid') ?? 0 };
        }),
      };
    }
  };
}

export function createMetrics(ctl: Controller, persister: Persister) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'colossus_' });
  const requests = new Counter({ name: 'colossus_http_requests_total', help: 'HTTP requests', labelNames: ['route', 'method', 'status'], registers: [registry] });
  const latency = new Histogram({ name: 'colossus_http_request_duration_seconds', help: 'HTTP request latency', labelNames: ['route'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [registry] });
  const heartbeats = new Counter({ name: 'colossus_heartbeats_total', help: 'Heartbeats accepted', registers: [registry] });
  new Gauge({
    name: 'colossus_nodes', help: 'Nodes by state', labelNames: ['state'], registers: [registry],
    collect() {
      this.reset();
      for (const n of ctl.nodes.values()) this.inc({ state: n.state });
    },
  });
  new Gauge({
    name: 'colossus_jobs', help: 'Jobs by state', labelNames: ['state'], registers: [registry],
    collect() {
      this.reset();
      for (const j of ctl.jobs.values()) this.inc({ state: j.state });
    },
  });
  new Gauge({
    name: 'colossus_gpus', help: 'GPUs on live nodes, used or free', labelNames: ['use'], registers: [registry],
    collect() {
      let free = 0, total = 0;
      for (const n of ctl.nodes.values()) if (!n.down) { total += n.gpus.length; free += freeGpus(n); }
      this.set({ use: 'free' }, free);
      this.set({ use: 'used' }, total - free);
    },
  });
  new Gauge({
    name: 'colossus_spare_reserve_nodes', help: 'Spare reserve (--spare-reserve): nodes it should hold (target) and idle nodes it holds (held)', labelNames: ['kind'], registers: [registry],
    collect() {
      const r = spareReserveView(ctl);
      this.set({ kind: 'target' }, r.targetNodes);
      this.set({ kind: 'held' }, r.heldNodes);
    },
  });
  new Gauge({ name: 'colossus_store_transactions', help: 'Store transactions committed (group commit)', registers: [registry], collect() { this.set(persister.stats.transactions); } });
  let gpuSource = telemetryGpuSource(ctl);
  return {
    registry,
    heartbeats,
    /** Replaces the per-GPU readings (the twin's simulated GPUs). */
    setGpuSource(source: GpuMetricsSource) {
      gpuSource = source;
    },
    /** The whole exposition: prom-client's registry, then per-job and DCGM series. */
    async render(): Promise<string> {
      return (await this.renderParts()).join('');
    },
    /**
     * The exposition as parts to stream: the DCGM series (a line or more per node) are
     * built a slice of nodes at a time, yielding to the event loop in between.
     */
    async renderParts(): Promise<string[]> {
      let gpus = 0;
      for (const n of ctl.nodes.values()) gpus += n.gpus.length;
      const head = (await registry.metrics()) + jobMetricsText(ctl);
      const w = new DcgmWriter(gpus <= PER_GPU_SERIES_MAX_GPUS);
      const slicer = new Slicer(16);
      for (const n of gpuSource()) {
        w.add(n);
        if (slicer.due()) {
          w.cut();
          await slicer.yield();
        }
      }
      return [head, ...w.parts()];
    },
    observe(route: string, method: string, status: number, seconds: number) {
      requests.inc({ route, method, status: `${Math.floor(status / 100)}xx` });
      latency.observe({ route }, seconds);
    },
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
