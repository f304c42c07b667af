/**
 * The Simulate face in a web worker: ETTR of a training run against the
 * checkpoint interval, for a few spare-pool sizes, with 5th–95th percentile bands.
 */
import { clusterByName } from '../../../src/core/cluster/catalog';
import { failurePreset } from '../../../src/core/reliability/presets';
import { BYTECHECKPOINT_405B } from '../../../src/core/reliability/recovery-catalog';
import { buildScenario } from '../../../src/core/sim/scenario';
import { simulateRuns } from '../../../src/core/sim/monte-carlo';
import { summarizeRuns } from '../../../src/core/sim/summary';
import { priorRates } from '../../../src/core/reliability/fleet-estimate';

export interface ReliabilityRequest {
  cluster: string;
  gpus: number;
  days: number;
  runs: number;
  failures: string;
  intervalsMin: number[];
  spares: (number | 'auto')[];
  seed: number;
}

export interface ReliabilityPoint {
  intervalMin: number;
  spares: number | 'auto';
  ettr: { mean: number; p5: number; p95: number };
  interruptions: number;
}

self.onmessage = (e: MessageEvent<ReliabilityRequest>) => {
  const r = e.data;
  try {
    const cluster = clusterByName(r.cluster, r.gpus);
    const failures = failurePreset(r.failures);
    const nodesPerRack = cluster.levels.find((l) => l.name === 'rack')?.childrenPer ?? 8;
    // The simulator's failure rates grouped as the control plane observes them (for the fleet's posterior beside them).
    (self as unknown as Worker).postMessage({ type: 'rates', failures: r.failures, perGpuHour: priorRates(failures, cluster.gpusPerNode) });
    // The interval the simulator calls optimal (`--checkpoint-interval-min auto`: Daly's, at least the persist time);
    // the sweep always brackets it, so the chart's x axis covers the optimum it reports.
    const job = { gpus: cluster.gpus, gpusPerNode: cluster.gpusPerNode, nodesPerRack };
    const optimumMin = buildScenario({ job, days: r.days, failures, checkpoint: { interval: 'auto', ...BYTECHECKPOINT_405B }, spares: 0 }).config.intervalS / 60;
    const round = (m: number) => Math.round(m * 10) / 10;
    const intervals = [...new Set([...r.intervalsMin, round(optimumMin / 2), round(optimumMin), round(optimumMin * 2)])].filter((m) => m > 0).sort((a, b) => a - b);
    (self as unknown as Worker).postMessage({ type: 'intervals', intervalsMin: intervals, optimumMin: round(optimumMin) });
    const total = intervals.length * r.spares.length;
    let done = 0;
    for (const spares of r.spares) {
      for (const intervalMin of intervals) {
        const { config } = buildScenario({
          job,
          days: r.days,
          failures,
          checkpoint: { interval: intervalMin * 60, ...BYTECHECKPOINT_405B },
          spares,
        });
        const stats = summarizeRuns(config, simulateRuns(config, r.seed, 0, r.runs));
        done++;
        const point: ReliabilityPoint = { intervalMin, spares, ettr: stats.ettr, interruptions: stats.interruptions.mean };
        (self as unknown as Worker).postMessage({ type: 'point', point, done, total });
      }
    }
    (self as unknown as Worker).postMessage({ type: 'done' });
  } catch (err) {
    (self as unknown as Worker).postMessage({ type: 'error', message: (err as Error).message });
  }
};
