/**
 * The twin's simulated GPUs as DCGM readings for the control plane's /metrics:
 * utilisation, temperature and power from the map's model (gpu-state.ts),
 * framebuffer use = the planner's memory per GPU of the job running on it
 * (0 when idle), the last XID from the controller (what the agents reported).
 */
import type { NodeGpuMetrics } from '../protocol/prometheus.js';
import { GPU_STATE, gpuMetric, gpuStates } from './gpu-state.js';
import type { Twin } from './twin.js';

export function twinGpuMetrics(twin: Twin): () => NodeGpuMetrics[] {
  return () => {
    const states = gpuStates(twin);
    const util = gpuMetric(twin, 'util', states);
    const temp = gpuMetric(twin, 'temp', states);
    const power = gpuMetric(twin, 'power', states);
    const out: NodeGpuMetrics[] = [];
    for (const f of twin.fleet.nodes) {
      const n = twin.ctl.nodes.get(f.name);
      if (!n || n.down) continue;
      out.push({
        hostname: f.name,
        gpus: f.gpus.map((g, k) => {
          const i = f.firstGpu + k;
          const busy = states[i] === GPU_STATE.flagship || states[i] === GPU_STATE.job || states[i] === GPU_STATE.stalled;
          const id = n.busy[k];
          const mem = busy && id ? (twin.runOf(id)?.plan.memPerGpuBytes ?? 0) : 0;
          const xid = n.telemetry[k]?.lastXid;
          return { index: g.index, uuid: g.uuid, model: g.model, utilizationPct: util[i], temperatureC: temp[i], powerW: power[i] * 4, memUsedBytes: mem, lastXid: typeof xid === 'number' ? xid : 0 };
        }),
      });
    }
    return out;
  };
}
