/**
 * `--svg FILE`: a dependency-free SVG chart. With --optimize, ETTR against the
 * checkpoint interval (one line per spare-pool size); otherwise the mean
 * interruptions per day of the run.
 */
import type { GridPoint } from '../core/sim/optimize.js';

const W = 720;
const H = 400;
const M = { l: 60, r: 150, t: 40, b: 50 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function frame(title: string, xLabel: string, yLabel: string, body: string, ticks: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2 - M.r / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>`,
    `<line x1="${M.l}" y1="${H - M.b}" x2="${W - M.r}" y2="${H - M.b}" stroke="black"/>`,
    `<line x1="${M.l}" y1="${M.t}" x2="${M.l}" y2="${H - M.b}" stroke="black"/>`,
    ticks,
    `<text x="${(M.l + W - M.r) / 2}" y="${H - 12}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text transform="translate(16 ${(M.t + H - M.b) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
    body,
    '</svg>',
  ].join('\n');
}

function scale(min: number, max: number, from: number, to: number) {
  const span = max - min || 1;
  return (v: number) => from + ((v - min) / span) * (to - from);
}

function yTicks(min: number, max: number, y: (v: number) => number, digits: number): string {
  return Array.from({ length: 6 }, (_, i) => {
    const v = min + ((max - min) * i) / 5;
    return `<text x="${M.l - 6}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(digits)}</text><line x1="${M.l}" x2="${W - M.r}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`;
  }).join('\n');
}

/** ETTR against checkpoint interval (log x axis), one polyline per spare count. */
export function ettrVsIntervalSvg(all: readonly GridPoint[], title: string): string {
  // Spare pools too small to keep up with repairs collapse to ETTR ≈ 0; drawing them would flatten the rest.
  const top = Math.max(...all.map((p) => p.ettr));
  const keep = new Set(all.filter((p) => p.ettr >= top / 2).map((p) => String(p.spares)));
  const grid = all.filter((p) => keep.has(String(p.spares)));
  const dropped = [...new Set(all.filter((p) => !keep.has(String(p.spares))).map((p) => String(p.spares)))];
  const note = dropped.length ? `<text x="${W - M.r + 10}" y="${H - M.b}" fill="#666">not shown: spares ${esc(dropped.join(', '))}</text><text x="${W - M.r + 10}" y="${H - M.b + 14}" fill="#666">(ETTR &lt; ${(top / 2).toFixed(2)})</text>` : '';
  const xs = grid.map((p) => Math.log10(p.intervalMin));
  const ys = grid.map((p) => p.ettr);
  const yMin = Math.floor(Math.min(...ys) * 50) / 50;
  const yMax = Math.ceil(Math.max(...ys) * 50) / 50;
  const x = scale(Math.min(...xs), Math.max(...xs), M.l, W - M.r);
  const y = scale(yMin, yMax, H - M.b, M.t);
  const groups = [...new Set(grid.map((p) => String(p.spares)))];
  const lines = groups.map((g, i) => {
    const pts = grid.filter((p) => String(p.spares) === g);
    const c = COLORS[i % COLORS.length];
    const poly = pts.map((p) => `${x(Math.log10(p.intervalMin)).toFixed(1)},${y(p.ettr).toFixed(1)}`).join(' ');
    return `<polyline fill="none" stroke="${c}" stroke-width="2" points="${poly}"/>` + `<text x="${W - M.r + 10}" y="${M.t + 16 * i + 10}" fill="${c}">spares ${esc(g)}</text>`;
  });
  const xt = [...new Set(grid.map((p) => p.intervalMin))]
    .map((m) => `<text x="${x(Math.log10(m))}" y="${H - M.b + 16}" text-anchor="middle">${Number(m.toPrecision(2))}</text>`)
    .join('\n');
  return frame(title, 'checkpoint interval, min (log scale)', 'ETTR', lines.join('\n') + note, xt + yTicks(yMin, yMax, y, 3));
}

/** Mean interruptions per day as bars. */
export function interruptionsPerDaySvg(perDay: readonly number[], title: string): string {
  const yMax = Math.max(1, ...perDay) * 1.1;
  const y = scale(0, yMax, H - M.b, M.t);
  const bw = (W - M.l - M.r) / perDay.length;
  const bars = perDay
    .map((v, d) => `<rect x="${(M.l + d * bw + 0.5).toFixed(1)}" y="${y(v).toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${(H - M.b - y(v)).toFixed(1)}" fill="#1f77b4"/>`)
    .join('\n');
  const step = Math.max(1, Math.ceil(perDay.length / 10));
  const xt = perDay
    .map((_, d) => (d % step === 0 ? `<text x="${M.l + (d + 0.5) * bw}" y="${H - M.b + 16}" text-anchor="middle">${d + 1}</text>` : ''))
    .join('');
  return frame(title, 'day of the run', 'mean interruptions per day', bars, xt + yTicks(0, yMax, y, 1));
}
