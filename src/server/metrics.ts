/**
 * Prometheus metrics on a private registry (several servers may share a process).
 * Labels are bounded: route templates, methods, status classes, node and job
 * states — never a node, GPU or job name.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Controller } from '../core/control/controller.js';
import { freeGpus } from '../core/control/node-state.js';
import type { Persister } from './persister.js';

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
  new Gauge({ name: 'colossus_store_transactions', help: 'Store transactions committed (group commit)', registers: [registry], collect() { this.set(persister.stats.transactions); } });
  return {
    registry,
    heartbeats,
    observe(route: string, method: string, status: number, seconds: number) {
      requests.inc({ route, method, status: `${Math.floor(status / 100)}xx` });
      latency.observe({ route }, seconds);
    },
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
