/**
 * SVG charts for `colossus plan --svg`: tokens/s and MFU against GPU count for a sweep, or
 * tokens/s/GPU of the top layouts. Plain SVG text, no dependencies.
 */
import type { PerfResult } from '../core/perf/types.js';
import { layoutLabel } from './plan-format.js';

const W = 720;
const H = 360;
const PAD = 60;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function frame(title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">
<rect width="${W}" height="${H}" fill="white"/>
<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>
<line x1="${PAD}" y1="${H - PAD}" x2="${W - PAD}" y2="${H - PAD}" stroke="black"/>
<line x1="${PAD}" y1="${PAD}" x2="${PAD}" y2="${H - PAD}" stroke="black"/>
${body}
</svg>
`;
}

/** The smallest 1, 2 or 5 × 10^k at or above `v` (an axis maximum with round ticks). */
export function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].find((m) => m * p >= v * (1 - 1e-12)) ?? 10) * p;
}

const si = (v: number) => (v >= 1e9 ? `${+(v / 1e9).toPrecision(3)} G` : v >= 1e6 ? `${+(v / 1e6).toPrecision(3)} M` : v >= 1e3 ? `${+(v / 1e3).toPrecision(3)} k` : `${+v.toPrecision(3)}`);

/**
 * Tokens/s (left axis, ticks at quarters of a round maximum) and MFU (right axis, 0–100 %
 * in steps of 20) against GPU count on a log scale (sweeps usually double the GPUs).
 */
export function sweepSvg(title: string, points: readonly { gpus: number; best: PerfResult | null }[]): string {
  const pts = points.filter((p) => p.best) as { gpus: number; best: PerfResult }[];
  if (pts.length === 0) return frame(title, `<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no feasible layout</text>`);
  const maxT = niceCeil(Math.max(...pts.map((p) => p.best.tokensPerS)));
  const lo = Math.log(Math.min(...pts.map((p) => p.gpus)));
  const hi = Math.log(Math.max(...pts.map((p) => p.gpus)));
  const lx = (gpus: number) => PAD + (hi === lo ? (W - 2 * PAD) / 2 : ((W - 2 * PAD) * (Math.log(gpus) - lo)) / (hi - lo));
  const ty = (v: number) => H - PAD - ((H - 2 * PAD) * v) / maxT;
  const my = (v: number) => H - PAD - (H - 2 * PAD) * v;
  const tLine = pts.map((p) => `${lx(p.gpus)},${ty(p.best.tokensPerS)}`).join(' ');
  const mLine = pts.map((p) => `${lx(p.gpus)},${my(p.best.mfu)}`).join(' ');
  const labels = pts.map((p) => `<text x="${lx(p.gpus)}" y="${H - PAD + 16}" text-anchor="middle">${p.gpus}</text>`).join('\n');
  const yTicks = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => `<line x1="${PAD}" y1="${ty(f * maxT)}" x2="${W - PAD}" y2="${ty(f * maxT)}" stroke="#ddd"/><text x="${PAD - 4}" y="${ty(f * maxT) + 4}" text-anchor="end" fill="#1f77b4">${si(f * maxT)}</text>`)
    .join('\n');
  const mTicks = [0, 0.2, 0.4, 0.6, 0.8, 1].map((f) => `<text x="${W - PAD + 4}" y="${my(f) + 4}" fill="#d62728">${f * 100}%</text>`).join('\n');
  const dots = pts
    .map((p) => `<circle cx="${lx(p.gpus)}" cy="${ty(p.best.tokensPerS)}" r="3" fill="#1f77b4"/><circle cx="${lx(p.gpus)}" cy="${my(p.best.mfu)}" r="3" fill="#d62728"/>`)
    .join('\n');
  return frame(title, `${yTicks}
${mTicks}
<polyline points="${tLine}" fill="none" stroke="#1f77b4" stroke-width="2"/>
<polyline points="${mLine}" fill="none" stroke="#d62728" stroke-width="2"/>
${dots}
${labels}
<text x="${W / 2}" y="${H - 20}" text-anchor="middle">GPUs (log scale)</text>
<text x="${PAD}" y="${PAD - 8}" fill="#1f77b4">tokens/s</text>
<text x="${W - PAD}" y="${PAD - 8}" text-anchor="end" fill="#d62728">MFU</text>`);
}

/** Horizontal bars of tokens/s/GPU for the top layouts. */
export function topSvg(title: string, top: readonly PerfResult[]): string {
  if (top.length === 0) return frame(title, '');
  const max = Math.max(...top.map((r) => r.tokensPerSPerGpu));
  const rowH = (H - 2 * PAD) / top.length;
  const bars = top
    .map((r, i) => {
      const w = ((W - 2 * PAD - 260) * r.tokensPerSPerGpu) / max;
      const y = PAD + i * rowH;
      return `<rect x="${PAD + 250}" y="${y + 2}" width="${w}" height="${rowH - 4}" fill="#1f77b4"/>
<text x="${PAD + 245}" y="${y + rowH / 2 + 4}" text-anchor="end">${esc(layoutLabel(r.layout))}</text>
<text x="${PAD + 255 + w}" y="${y + rowH / 2 + 4}">${r.tokensPerSPerGpu.toFixed(0)} tok/s/GPU, MFU ${(r.mfu * 100).toFixed(1)}%</text>`;
    })
    .join('\n');
  return frame(title, bars);
}
