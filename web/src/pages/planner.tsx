/** Planner: the Plan face running in the browser — best layouts of a model on a cluster, and how throughput scales. */
import { useEffect, useState } from 'react';
import { UPlotChart, axes } from '../components/uplot-chart';
import { useParam } from '../lib/router';
import { clusterByName, clusterNames } from '../../../src/core/cluster/catalog';
import { getModelPreset, modelNames } from '../../../src/core/model/catalog';
import { searchLayouts } from '../../../src/core/perf/search-loop';
import type { PerfResult } from '../../../src/core/perf/types';

interface Plan {
  top: PerfResult[];
  searched: number;
  feasible: number;
  ms: number;
  scaling: { gpus: number; tokensPerS: number; mfu: number }[];
  error?: string;
}

function best(model: string, cluster: string, gpus: number, gbs: number, seq: number): PerfResult | null {
  try {
    return searchLayouts(getModelPreset(model), clusterByName(cluster, gpus), { gbs, seq, top: 1 }).top[0] ?? null;
  } catch {
    return null;
  }
}

function plan(model: string, cluster: string, gpus: number, gbs: number, seq: number): Plan {
  const t0 = performance.now();
  try {
    const r = searchLayouts(getModelPreset(model), clusterByName(cluster, gpus), { gbs, seq, top: 5 });
    const ms = performance.now() - t0;
    const scaling = [8, 4, 2, 1]
      .map((d) => Math.floor(gpus / d / 8) * 8)
      .filter((g, i, a) => g >= 8 && a.indexOf(g) === i)
      .map((g) => ({ g, b: g === gpus ? r.top[0] ?? null : best(model, cluster, g, Math.max(16, Math.round((gbs * g) / gpus)), seq) }))
      .filter((x) => x.b)
      .map((x) => ({ gpus: x.g, tokensPerS: x.b!.tokensPerS, mfu: x.b!.mfu }));
    return { top: r.top, searched: r.searched, feasible: r.feasible, ms, scaling };
  } catch (e) {
    return { top: [], searched: 0, feasible: 0, ms: 0, scaling: [], error: (e as Error).message };
  }
}

const L = (r: PerfResult) => `tp${r.layout.tp} pp${r.layout.pp} vpp${r.layout.vpp} cp${r.layout.cp} ep${r.layout.ep} dp${r.layout.dp} zero${r.layout.zero} mbs${r.layout.mbs} ${r.layout.recompute}`;

export function Planner() {
  const [cluster, setCluster] = useParam('cluster', 'colossus-100k');
  const [model, setModel] = useParam('model', 'grok-1');
  const [gpus, setGpus] = useParam('gpus', '8192');
  const [gbs, setGbs] = useParam('gbs', '1024');
  const [seq, setSeq] = useParam('seq', '8192');
  const [result, setResult] = useState<Plan | null>(null);
  const [busy, setBusy] = useState(false);
  const go = () => {
    setBusy(true);
    setTimeout(() => {
      setResult(plan(model, cluster, Number(gpus), Number(gbs), Number(seq)));
      setBusy(false);
    }, 10);
  };
  useEffect(go, []);
  const sc = result?.scaling ?? [];
  return (
    <div className="grid">
      <div className="card wide">
        <h1>Planner</h1>
        <div className="toolbar">
          <select value={cluster} onChange={(e) => setCluster(e.target.value)} data-testid="planner-cluster">{clusterNames().map((c) => <option key={c}>{c}</option>)}</select>
          <select value={model} onChange={(e) => setModel(e.target.value)} data-testid="planner-model">{modelNames().map((m) => <option key={m}>{m}</option>)}</select>
          <label>GPUs <input value={gpus} onChange={(e) => setGpus(e.target.value)} size={7} data-testid="planner-gpus" /></label>
          <label>gbs <input value={gbs} onChange={(e) => setGbs(e.target.value)} size={6} /></label>
          <label>seq <input value={seq} onChange={(e) => setSeq(e.target.value)} size={6} /></label>
          <button onClick={go} disabled={busy} data-testid="planner-go">{busy ? 'planning…' : 'Plan'}</button>
          {result && !result.error && <span className="muted">{result.searched.toLocaleString('en-US')} layouts searched, {result.feasible.toLocaleString('en-US')} fit, {result.ms.toFixed(0)} ms in this browser</span>}
        </div>
        {result?.error && <p className="error">{result.error}</p>}
        {result && !result.error && result.top.length === 0 && <p className="error">No layout fits in memory.</p>}
        <table data-testid="planner-table">
          <thead><tr><th>#</th><th>layout</th><th>step</th><th>tokens/s</th><th>MFU</th><th>memory/GPU</th></tr></thead>
          <tbody>
            {result?.top.map((r, i) => (
              <tr key={i} data-testid="planner-row">
                <td>{i + 1}</td>
                <td>{L(r)}</td>
                <td>{r.stepTimeS.toFixed(2)} s</td>
                <td>{Math.round(r.tokensPerS).toLocaleString('en-US')}</td>
                <td>{(r.mfu * 100).toFixed(1)} %</td>
                <td>{(r.memoryPerGpuBytes / 1e9).toFixed(1)} GB</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="card wide">
        <h2>Scaling (best layout at each size, global batch scaled with GPUs)</h2>
        <UPlotChart
          testId="planner-chart"
          data={[sc.map((s) => s.gpus), sc.map((s) => s.tokensPerS / 1e6), sc.map((s) => s.mfu * 100)]}
          options={{ height: 260, scales: { x: { time: false }, mfu: { range: [0, 100] } }, series: [{}, { label: 'M tokens/s', stroke: '#3b82f6', width: 2 }, { label: 'MFU %', stroke: '#22c55e', scale: 'mfu' }], axes: [axes('GPUs')[0], { ...axes()[1], label: 'M tokens/s' }, { ...axes()[1], scale: 'mfu', side: 1, label: 'MFU %', grid: { show: false } }] }}
        />
      </div>
    </div>
  );
}
