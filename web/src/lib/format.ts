/** Number and time formatting for the dashboard. */
export const int = (n: number): string => Math.round(n).toLocaleString('en-US');
export const pct = (x: number, digits = 1): string => `${(x * 100).toFixed(digits)} %`;
export function watts(w: number): string {
  if (w >= 1e6) return `${(w / 1e6).toFixed(1)} MW`;
  if (w >= 1e3) return `${(w / 1e3).toFixed(1)} kW`;
  return `${w.toFixed(0)} W`;
}
export function duration(s: number): string {
  if (s < 90) return `${s.toFixed(0)} s`;
  if (s < 5400) return `${(s / 60).toFixed(0)} min`;
  if (s < 172800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} d`;
}
export const when = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
export const virtualDay = (s: number): string => `day ${Math.floor(s / 86400) + 1}, ${new Date(s * 1000).toISOString().slice(11, 19)}`;
/** 1234567 → "1.23 M" (tokens/s and other rates). */
export function si(n: number): string {
  const a = Math.abs(n);
  for (const [scale, p] of [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']] as const) if (a >= scale) return `${(n / scale).toPrecision(3)} ${p}`;
  return n.toPrecision(3);
}
