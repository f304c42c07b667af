/** Colours of GPU states and the metric scale (shared by the map and the legends). */
export const STATE_COLORS: Record<string, string> = {
  idle: '#5b6577',
  flagship: '#3b82f6',
  job: '#14b8a6',
  starting: '#a5b4fc',
  stalled: '#f59e0b',
  cordoned: '#a855f7',
  suspect: '#f97316',
  down: '#ef4444',
  repair: '#991b1b',
  failed: '#ff2d95',
};

export const STATE_ORDER = ['flagship', 'job', 'starting', 'stalled', 'idle', 'cordoned', 'suspect', 'down', 'repair', 'failed'];

/** A perceptual-ish ramp (viridis stops) for metrics, t in [0, 1]. */
const RAMP = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
export function ramp(t: number): [number, number, number] {
  const x = Math.max(0, Math.min(1, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const a = RAMP[i], b = RAMP[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

export const hexToRgb = (h: string): [number, number, number] => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];

/** Metric scales: value byte → [0, 1]. */
export const METRICS: Record<string, { label: string; unit: string; max: number; scale: number }> = {
  util: { label: 'Utilisation', unit: '%', max: 100, scale: 1 },
  temp: { label: 'Temperature', unit: '°C', max: 90, scale: 1 },
  power: { label: 'Power', unit: 'W', max: 180, scale: 4 },
};

/**
 * `n` distinct colours, one per cause (as long as the cause list, so no two causes
 * share one): hues evenly spaced around the wheel, lightness alternating so
 * neighbours differ twice over.
 */
export function causePalette(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `hsl(${Math.round((i * 360) / Math.max(1, n))}, ${i % 2 ? 65 : 80}%, ${i % 3 === 0 ? 58 : i % 3 === 1 ? 45 : 68}%)`);
}
