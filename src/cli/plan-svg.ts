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

/** Tokens/s (left axis) and MFU (right axis) against GPU count. */
export function sweepSvg(title: string, points: readonly { gpus: number; best: PerfResult | null }[]): string {
  const pts = points.filter((p) => p.best) as { gpus: number; best: PerfResult }[];
  if (pts.length === 0) return frame(title, `<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no feasible layout</text>`);
  const maxT = Math.max(...pts.map((p) => p.best.tokensPerS));
  const lx = (i: number) => PAD + ((W - 2 * PAD) * (pts.length === 1 ? 0.5 : i / (pts.length - 1)));
  const ty = (v: number) => H - PAD - ((H - 2 * PAD) * v) / maxT;
  const my = (v: number) => H - PAD - (H - 2 * PAD) * v;
  const tLine = pts.map((p, i) => `${lx(i)},${ty(p.best.tokensPerS)}`).join(' ');
  const mLine = pts.map((p, i) => `${lx(i)},${my(p.best.mfu)}`).join(' ');
  const labels = pts.map((p, i) => `<text x="${lx(i)}" y="${H - PAD + 16}" text-anchor="middle">${p.gpus}</text>`).join('\n');
  const dots = pts
    .map((p, i) => `<circle cx="${lx(i)}" cy="${ty(p.best.tokensPerS)}" r="3" fill="#1f77b4"/><circle cx="${lx(i)}" cy="${my(p.best.mfu)}" r="3" fill="#d62728"/>`)
    .join('\n');
  return frame(title, `<polyline points="${tLine}" fill="none" stroke="#1f77b4" stroke-width="2"/>
<polyline points="${mLine}" fill="none" stroke="#d62728" stroke-width="2"/>
${dots}
${labels}
<text x="${W / 2}" y="${H - 20}" text-anchor="middle">GPUs</text>
<text x="${PAD}" y="${PAD - 8}" fill="#1f77b4">tokens/s (max ${(maxT / 1e6).toFixed(2)} M)</text>
<text x="${W - PAD}" y="${PAD - 8}" text-anchor="end" fill="#d62728">MFU (0–100%)</text>`);
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
