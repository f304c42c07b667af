/**
 * Cluster map: every GPU as a cell on one canvas, coloured by state or a metric.
 * Per-GPU data lives in typed arrays; React only holds the controls and the tooltip.
 */
import { useEffect, useRef, useState } from 'react';
import { api, bytes } from '../lib/api';
import { navigate, useParam } from '../lib/router';
import { METRICS, STATE_COLORS, STATE_ORDER, hexToRgb, ramp } from '../lib/palette';
import type { Layout } from '../lib/types';
import { computeGeometry, type MapGeometry } from '../map/geometry';
import { makeLut, makePainter, paint, type Lut, type Painter } from '../map/draw';

function lutFor(metric: string, layout: Layout): Lut {
  if (metric === 'state') {
    const byCode: Record<number, string> = Object.fromEntries(Object.entries(layout.states).map(([k, v]) => [v, k]));
    return makeLut((v) => hexToRgb(STATE_COLORS[byCode[v]] ?? '#000000'));
  }
  const m = METRICS[metric];
  return makeLut((v) => (v === 0 ? [60, 60, 60] : ramp(v / m.max)));
}

const nodeName = (l: Layout, node: number) => `${l.nodeNames.prefix}${String(node).padStart(l.nodeNames.pad, '0')}`;

export function ClusterMap({ tick }: { tick: number }) {
  const [metric, setMetric] = useParam('color', 'state');
  const [theme] = useParam('theme', 'dark');
  const [layout, setLayout] = useState<Layout | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tip, setTip] = useState<{ x: number; y: number; text: string } | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const wrap = useRef<HTMLDivElement>(null);
  const geo = useRef<MapGeometry | null>(null);
  const painter = useRef<Painter | null>(null);
  const values = useRef<Uint8Array | null>(null);
  const states = useRef<Uint8Array | null>(null);
  const [frameMs, setFrameMs] = useState(0);

  useEffect(() => {
    api<Layout>('/api/v1/twin/layout').then(setLayout, (e) => setError(String(e.message)));
  }, []);

  // Geometry and painter when the layout or the width changes.
  useEffect(() => {
    if (!layout || !canvas.current || !wrap.current) return;
    const g = computeGeometry(layout, wrap.current.clientWidth - 18);
    const c = canvas.current;
    c.width = g.width;
    c.height = g.height;
    geo.current = g;
    const bg = getComputedStyle(document.documentElement).getPropertyValue('--map-bg').trim() || '#0d1117';
    const ctx = c.getContext('2d')!;
    painter.current = makePainter(ctx, g, hexToRgb(bg.length === 7 ? bg : '#0d1117'));
    c.dataset.cells = String(layout.gpus);
    c.dataset.cellPx = String(g.cellPx);
  }, [layout, theme]);

  // Fetch bytes and paint on every stream tick (about once a second).
  useEffect(() => {
    if (!layout) return;
    let cancelled = false;
    const want = metric === 'state' ? bytes('/api/v1/twin/gpus?metric=state') : Promise.all([bytes(`/api/v1/twin/gpus?metric=${metric}`), bytes('/api/v1/twin/gpus?metric=state')]).then(([v, s]) => ((states.current = s), v));
    want.then((v) => {
      if (cancelled || !canvas.current || !geo.current || !painter.current) return;
      values.current = v;
      if (metric === 'state') states.current = v;
      const label = getComputedStyle(document.documentElement).getPropertyValue('--muted').trim() || '#8b949e';
      const ms = paint(canvas.current.getContext('2d')!, geo.current, painter.current, v, lutFor(metric, layout), label);
      canvas.current.dataset.frameMs = ms.toFixed(2);
      canvas.current.dataset.painted = String((Number(canvas.current.dataset.painted ?? 0) || 0) + 1);
      setFrameMs(ms);
      // Benchmark hook (bench/map.bench.mjs): repaint the current bytes, return ms.
      (window as unknown as { __colossusMapRepaint?: () => number }).__colossusMapRepaint = () =>
        canvas.current && geo.current && painter.current ? paint(canvas.current.getContext('2d')!, geo.current, painter.current, v, lutFor(metric, layout)) : NaN;
    }, (e) => setError(String(e.message)));
    return () => {
      cancelled = true;
    };
  }, [tick, metric, layout, theme]);

  const gpuAt = (e: React.MouseEvent<HTMLCanvasElement>): number => {
    const g = geo.current;
    if (!g) return -1;
    const r = e.currentTarget.getBoundingClientRect();
    const x = Math.floor(((e.clientX - r.left) / r.width) * g.width);
    const y = Math.floor(((e.clientY - r.top) / r.height) * g.height);
    if (x < 0 || y < 0 || x >= g.width || y >= g.height) return -1;
    return nearestGpu(g, x, y);
  };

  const onMove = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const i = gpuAt(e);
    if (i < 0 || !layout) return setTip(null);
    const node = Math.floor(i / layout.gpusPerNode);
    const st = states.current ? Object.entries(layout.states).find(([, v]) => v === states.current![i])?.[0] : '?';
    const nodesPerArray = layout.nodesPerRack * layout.racksPerArray;
    const m = metric !== 'state' && values.current ? ` · ${METRICS[metric].label.toLowerCase()} ${values.current[i] * METRICS[metric].scale} ${METRICS[metric].unit}` : '';
    const text = `${nodeName(layout, node)} GPU ${i % layout.gpusPerNode} · ${st}${m} · rack ${Math.floor(node / layout.nodesPerRack)} · array ${Math.floor(node / nodesPerArray)} · hall ${Math.floor(node / (nodesPerArray * layout.arraysPerHall))}`;
    setTip({ x: e.clientX + 14, y: e.clientY + 14, text });
  };

  const onClick = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const i = gpuAt(e);
    if (i >= 0 && layout) navigate(`/nodes/${nodeName(layout, Math.floor(i / layout.gpusPerNode))}`);
  };

  return (
    <div>
      <div className="toolbar">
        <h1 style={{ margin: 0 }}>Cluster map</h1>
        <span className="muted">{layout ? `${layout.gpus.toLocaleString('en-US')} GPUs · ${layout.nodes.toLocaleString('en-US')} nodes · hall → array → rack → node` : ''}</span>
        <label>
          colour by{' '}
          <select value={metric} onChange={(e) => setMetric(e.target.value)} data-testid="map-metric">
            <option value="state">state</option>
            {Object.entries(METRICS).map(([k, m]) => (
              <option key={k} value={k}>
                {m.label.toLowerCase()}
              </option>
            ))}
          </select>
        </label>
        <span className="muted" data-testid="frame-ms">draw {frameMs.toFixed(1)} ms</span>
      </div>
      {metric === 'state' ? (
        <div className="legend" style={{ marginBottom: 8 }}>
          {STATE_ORDER.map((k) => (
            <span key={k}>
              <i style={{ background: STATE_COLORS[k] }} />
              {k}
            </span>
          ))}
        </div>
      ) : (
        <div className="legend" style={{ marginBottom: 8 }}>
          <span>0 {METRICS[metric].unit}</span>
          <span style={{ width: 160, height: 10, background: `linear-gradient(90deg, ${[0, 0.25, 0.5, 0.75, 1].map((t) => `rgb(${ramp(t).map(Math.round).join(',')})`).join(',')})` }} />
          <span>
            {METRICS[metric].max * METRICS[metric].scale} {METRICS[metric].unit}
          </span>
        </div>
      )}
      {error && <p className="error">{error}</p>}
      <div className="mapwrap" ref={wrap}>
        <canvas ref={canvas} data-testid="map" onMouseMove={onMove} onMouseLeave={() => setTip(null)} onClick={onClick} />
      </div>
      {tip && (
        <div className="tip" style={{ left: tip.x, top: tip.y }}>
          {tip.text}
        </div>
      )}
    </div>
  );
}

/**
 * The GPU under (x, y), or in the gaps between cells, nodes and racks the nearest one
 * within a few pixels (so the tooltip does not flicker off between cells); -1 far from any.
 */
function nearestGpu(g: { width: number; height: number; cellPx: number; hit: Int32Array }, x: number, y: number): number {
  const here = g.hit[y * g.width + x];
  if (here >= 0) return here;
  const reach = Math.max(4, g.cellPx + 2);
  let best = -1;
  let bestD = Infinity;
  for (let dy = -reach; dy <= reach; dy++) {
    const yy = y + dy;
    if (yy < 0 || yy >= g.height) continue;
    for (let dx = -reach; dx <= reach; dx++) {
      const xx = x + dx;
      if (xx < 0 || xx >= g.width) continue;
      const i = g.hit[yy * g.width + xx];
      const d = dx * dx + dy * dy;
      if (i >= 0 && d < bestD) {
        best = i;
        bestD = d;
      }
    }
  }
  return best;
}
