/**
 * Reliability: the fleet's own failure rate (GET /api/v1/fleet/reliability: the control plane's
 * posterior per cause) beside the Simulate face, run in a web worker — ETTR against checkpoint
 * interval and spare pool, with bands — and the simulator's rates for the same causes.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import { UPlotChart, axes } from '../components/uplot-chart';
import { useParam } from '../lib/router';
import { api } from '../lib/api';
import type { FleetReliability } from '../lib/types';
import type { ReliabilityPoint, ReliabilityRequest } from '../workers/reliability.worker';

const INTERVALS = [5, 10, 15, 20, 30, 45, 60, 90, 120, 180];
const SPARES: (number | 'auto')[] = [16, 64, 'auto'];
const COLORS = ['#ef4444', '#f59e0b', '#3b82f6'];

const sci = (x: number) => x.toExponential(2);

/** The control plane's posterior per observable cause, with the simulator's rate for the same cause beside it. */
function FleetCard({ tick, sim }: { tick: number; sim: { failures: string; perGpuHour: Record<string, number> } | null }) {
  const [r, setR] = useState<FleetReliability | null>(null);
  const [error, setError] = useState<string | null>(null);
  const slow = Math.floor(tick / 10);
  useEffect(() => {
    api<FleetReliability>('/api/v1/fleet/reliability').then((v) => (setR(v), setError(null)), (e) => setError(e.message));
  }, [slow]);
  return (
    <div className="card wide" data-testid="fleet-reliability">
      <h2>The fleet's own failure rate</h2>
      {error && <p className="error">{error}</p>}
      {r && (
        <>
          <p className="muted" data-testid="fleet-reliability-head">
            {r.nodes.toLocaleString('en-US')} nodes × {r.gpusPerNode} GPUs ({r.gpuModel ?? 'unknown GPU'}), {Math.round(r.exposureGpuHours).toLocaleString('en-US')} GPU-hours of history; prior: the '{r.preset}' preset.
            Gamma–Poisson per cause: posterior mean and 90% interval per GPU-hour; all causes {sci(r.totalPerGpuHour)} per GPU-hour.
          </p>
          <table data-testid="fleet-reliability-table">
            <thead>
              <tr><th>cause</th><th>events</th><th>GPU-hours</th><th>prior</th><th>posterior</th><th>90% interval</th><th>simulator{sim ? ` (${sim.failures})` : ''}</th></tr>
            </thead>
            <tbody>
              {r.causes.map((c) => (
                <tr key={c.cause}>
                  <td>{c.cause}</td>
                  <td>{c.events.toLocaleString('en-US')}</td>
                  <td>{Math.round(c.exposureGpuHours).toLocaleString('en-US')}</td>
                  <td>{sci(c.priorPerGpuHour)}</td>
                  <td>{sci(c.posteriorMeanPerGpuHour)}</td>
                  <td>{sci(c.p5PerGpuHour)}–{sci(c.p95PerGpuHour)}</td>
                  <td>{sim ? sci(sim.perGpuHour[c.cause] ?? 0) : '…'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

export function Reliability({ tick = 0 }: { tick?: number }) {
  const [cluster, setCluster] = useParam('cluster', 'colossus-100k');
  const [gpus, setGpus] = useParam('gpus', '98304');
  const [days, setDays] = useParam('days', '30');
  const [runs, setRuns] = useParam('runs', '40');
  const [points, setPoints] = useState<ReliabilityPoint[]>([]);
  const [sweep, setSweep] = useState<{ intervalsMin: number[]; optimumMin: number | null }>({ intervalsMin: INTERVALS, optimumMin: null });
  const [progress, setProgress] = useState<string>('');
  const [simRates, setSimRates] = useState<{ failures: string; perGpuHour: Record<string, number> } | null>(null);
  const worker = useRef<Worker | null>(null);
  const run = () => {
    worker.current?.terminate();
    const w = new Worker(new URL('../workers/reliability.worker.ts', import.meta.url), { type: 'module' });
    worker.current = w;
    setPoints([]);
    setProgress('starting…');
    w.onmessage = (e) => {
      const m = e.data;
      if (m.type === 'rates') setSimRates({ failures: m.failures, perGpuHour: m.perGpuHour });
      else if (m.type === 'intervals') setSweep({ intervalsMin: m.intervalsMin, optimumMin: m.optimumMin });
      else if (m.type === 'point') {
        setPoints((p) => [...p, m.point]);
        setProgress(`${m.done} / ${m.total} scenarios`);
      } else if (m.type === 'done') setProgress('done');
      else if (m.type === 'error') setProgress(`error: ${m.message}`);
    };
    const req: ReliabilityRequest = { cluster, gpus: Number(gpus), days: Number(days), runs: Number(runs), failures: 'llama3-h100', intervalsMin: INTERVALS, spares: SPARES, seed: 1 };
    w.postMessage(req);
  };
  useEffect(() => (run(), () => worker.current?.terminate()), []);
  const { data, options } = useMemo(() => {
    const xs = sweep.intervalsMin;
    const series: uPlot.Series[] = [{}];
    const data: (number | null)[][] = [xs];
    const bands: uPlot.Band[] = [];
    SPARES.forEach((s, k) => {
      const at = (f: (p: ReliabilityPoint) => number) => xs.map((x) => {
        const p = points.find((q) => q.intervalMin === x && q.spares === s);
        return p ? f(p) : null;
      });
      const base = data.length;
      data.push(at((p) => p.ettr.p95 * 100), at((p) => p.ettr.mean * 100), at((p) => p.ettr.p5 * 100));
      series.push({ label: `p95 (${s} spares)`, stroke: 'transparent', show: true }, { label: `ETTR, ${s} spares`, stroke: COLORS[k], width: 2 }, { label: `p5 (${s} spares)`, stroke: 'transparent' });
      bands.push({ series: [base, base + 2], fill: COLORS[k] + '33' });
    });
    // Log x: the sweep spans the optimum (often a minute or two at 100k GPUs) to hours.
    const [ax, ay] = axes('checkpoint interval (min, log scale)', 'ETTR (%)');
    return { data: data as uPlot.AlignedData, options: { height: 320, series, bands, scales: { x: { time: false, distr: 3 } }, axes: [{ ...ax, values: (_u: uPlot, v: (number | null)[]) => v.map((x) => (x === null ? '' : x >= 1 ? String(+x.toPrecision(2)) : x.toPrecision(1))) }, ay] } };
  }, [points, sweep]);
  return (
    <div className="grid">
      <div className="card wide">
        <h1>Reliability</h1>
        <div className="toolbar">
          <select value={cluster} onChange={(e) => setCluster(e.target.value)}>
            {['colossus-100k', 'colossus-200k', 'meta-24k-roce'].map((c) => <option key={c}>{c}</option>)}
          </select>
          <label>GPUs <input value={gpus} onChange={(e) => setGpus(e.target.value)} size={7} /></label>
          <label>days <input value={days} onChange={(e) => setDays(e.target.value)} size={3} /></label>
          <label>runs <input value={runs} onChange={(e) => setRuns(e.target.value)} size={3} /></label>
          <button onClick={run}>Simulate</button>
          <span className="muted" data-testid="reliability-progress">{progress}</span>
        </div>
        <p className="muted">Failures: llama3-h100 (Llama 3 Table 5 rates). Checkpoint cost: ByteCheckpoint 405B (0.59 s blocking, 51 s to persist, 130 s to load). Bands: 5th–95th percentile over runs.</p>
        <p data-testid="reliability-optimum">
          {sweep.optimumMin === null ? '' : `Optimal interval (Daly, as \`colossus simulate --checkpoint-interval-min auto\`): ${sweep.optimumMin} min — the sweep includes it, half and twice it.`}
        </p>
        <UPlotChart testId="reliability-chart" data={data} options={options} />
      </div>
      <FleetCard tick={tick} sim={simRates} />
    </div>
  );
}
