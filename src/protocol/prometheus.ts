/**
 * Prometheus text exposition (format 0.0.4) for the series whose label sets grow
 * with the fleet: per GPU under DCGM exporter's names and labels (so Grafana
 * dashboards and alerts written for dcgm-exporter work unchanged), and per job.
 * Written by hand rather than through prom-client's label maps: at 100k GPUs the
 * server renders tens of thousands of lines per scrape.
 *
 * DCGM exporter's metrics (github.com/NVIDIA/dcgm-exporter, default-counters.csv):
 * DCGM_FI_DEV_GPU_UTIL (%), DCGM_FI_DEV_POWER_USAGE (W), DCGM_FI_DEV_GPU_TEMP (°C),
 * DCGM_FI_DEV_FB_USED (MiB), DCGM_FI_DEV_XID_ERRORS (value of the last XID error);
 * labels gpu, UUID, device, modelName, Hostname.
 */

/** One GPU's latest readings (absent = not reported). */
export interface GpuMetricsRow {
  index: number;
  uuid: string;
  model: string;
  utilizationPct?: number;
  powerW?: number;
  temperatureC?: number;
  memUsedBytes?: number;
  /** Code of the last XID seen on the GPU (0 = none). */
  lastXid?: number;
}

export interface NodeGpuMetrics {
  hostname: string;
  gpus: GpuMetricsRow[];
}

type Stat = 'mean' | 'max' | 'sum';
interface DcgmMetric {
  name: string;
  help: string;
  value: (g: GpuMetricsRow) => number | undefined;
  /** How a node's GPUs combine when the server aggregates per node. */
  perNode: Stat;
}

const MIB = 1024 * 1024;

export const DCGM_METRICS: readonly DcgmMetric[] = [
  { name: 'DCGM_FI_DEV_GPU_UTIL', help: 'GPU utilization (in %).', value: (g) => g.utilizationPct, perNode: 'mean' },
  { name: 'DCGM_FI_DEV_POWER_USAGE', help: 'Power draw (in W).', value: (g) => g.powerW, perNode: 'sum' },
  { name: 'DCGM_FI_DEV_GPU_TEMP', help: 'GPU temperature (in C).', value: (g) => g.temperatureC, perNode: 'max' },
  { name: 'DCGM_FI_DEV_FB_USED', help: 'Framebuffer memory used (in MiB).', value: (g) => (g.memUsedBytes === undefined ? undefined : Math.round(g.memUsedBytes / MIB)), perNode: 'sum' },
  { name: 'DCGM_FI_DEV_XID_ERRORS', help: 'Value of the last XID error encountered.', value: (g) => g.lastXid ?? 0, perNode: 'max' },
];

/** Escapes a label value (backslash, double quote, newline). */
export function labelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function labels(pairs: Record<string, string>): string {
  return `{${Object.entries(pairs).map(([k, v]) => `${k}="${labelValue(v)}"`).join(',')}}`;
}

function num(v: number): string {
  return Number.isFinite(v) ? String(Math.round(v * 1e6) / 1e6) : v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN';
}

function combine(stat: Stat, values: number[]): number {
  if (stat === 'max') return values.reduce((m, v) => (v > m ? v : m), -Infinity); // not Math.max(...): 10^5 GPUs overflow the stack
  const sum = values.reduce((s, v) => s + v, 0);
  return stat === 'sum' ? sum : sum / values.length;
}

/**
 * DCGM series: one per GPU (`perGpu`), or one per node (`gpu="all"`, utilization the
 * mean of its GPUs, power and memory the sum, temperature and XID the maximum) —
 * so `avg(UTIL)`, `sum(POWER)`, `max(TEMP)`, `sum(FB_USED)` and `count(XID > 0)`
 * read the same fleet figures either way (the last counts nodes, not GPUs, per node).
 */
export function dcgmText(nodes: Iterable<NodeGpuMetrics>, perGpu: boolean): string {
  const w = new DcgmWriter(perGpu);
  for (const n of nodes) w.add(n);
  return w.parts().join('');
}

/**
 * dcgmText a node at a time, for a caller that yields between nodes (a 25,000-node
 * scrape): lines are kept per metric and joined into one part per `cut()`, so the
 * text is never one giant join and can be streamed part by part.
 */
export class DcgmWriter {
  private readonly done: string[][] = DCGM_METRICS.map((m) => [`# HELP ${m.name} ${m.help}\n# TYPE ${m.name} gauge\n`]);
  private readonly lines: string[][] = DCGM_METRICS.map(() => []);

  constructor(private readonly perGpu: boolean) {}

  add(n: NodeGpuMetrics): void {
    if (n.gpus.length === 0) return;
    const host = labelValue(n.hostname);
    const model = labelValue(n.gpus[0].model);
    DCGM_METRICS.forEach((m, k) => {
      if (this.perGpu) {
        for (const g of n.gpus) {
          const v = m.value(g);
          if (v !== undefined) this.lines[k].push(`${m.name}{gpu="${g.index}",UUID="${labelValue(g.uuid)}",device="nvidia${g.index}",modelName="${model}",Hostname="${host}"} ${num(v)}\n`);
        }
        return;
      }
      const vs = n.gpus.map(m.value).filter((v): v is number => v !== undefined);
      if (vs.length) this.lines[k].push(`${m.name}{gpu="all",modelName="${model}",Hostname="${host}"} ${num(combine(m.perNode, vs))}\n`);
    });
  }

  /** Closes a part per metric (call between slices). */
  cut(): void {
    this.lines.forEach((l, k) => {
      if (l.length) this.done[k].push(l.join(''));
      l.length = 0;
    });
  }

  /** The exposition text in order, as parts. */
  parts(): string[] {
    this.cut();
    return this.done.flat();
  }
}

/** A family of series written by hand: name, type, help and (labels, value) samples. */
export function familyText(name: string, type: 'gauge' | 'counter', help: string, samples: [Record<string, string>, number][]): string {
  const out = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  for (const [l, v] of samples) out.push(`${name}${labels(l)} ${num(v)}`);
  return out.join('\n') + '\n';
}
