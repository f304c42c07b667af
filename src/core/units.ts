/**
 * Units: parsing and formatting of bytes, seconds, FLOP and counts.
 * Inside the core every quantity is a plain number in SI base units
 * (bytes, seconds, FLOP, FLOP/s, W); names carry the unit.
 */
import { ColossusError } from './errors.js';

export const KIB = 1024;
export const MIB = 1024 ** 2;
export const GIB = 1024 ** 3;
export const TIB = 1024 ** 4;
export const GB = 1e9;
export const TB = 1e12;
export const PB = 1e15;

const SI_PREFIXES: [number, string][] = [
  [1e18, 'E'],
  [1e15, 'P'],
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** Formats with an SI prefix: 98.9e18 → "98.9 E". */
export function formatSi(value: number, unit = '', digits = 3): string {
  const abs = Math.abs(value);
  for (const [scale, prefix] of SI_PREFIXES) {
    if (abs >= scale) return `${trimNumber(value / scale, digits)} ${prefix}${unit}`;
  }
  return `${trimNumber(value, digits)} ${unit}`.trimEnd();
}

/** Decimal bytes (GB = 1e9) as vendors quote them. */
export const formatBytes = (bytes: number, digits = 3): string => formatSi(bytes, 'B', digits);

/** Binary bytes (GiB = 2^30) as allocators report them. */
export function formatBytesBinary(bytes: number, digits = 3): string {
  const units: [number, string][] = [
    [TIB, 'TiB'],
    [GIB, 'GiB'],
    [MIB, 'MiB'],
    [KIB, 'KiB'],
  ];
  for (const [scale, unit] of units) {
    if (Math.abs(bytes) >= scale) return `${trimNumber(bytes / scale, digits)} ${unit}`;
  }
  return `${bytes} B`;
}

export const formatFlops = (flopsPerS: number, digits = 3): string => formatSi(flopsPerS, 'FLOP/s', digits);

/** Seconds as a human duration: 0.42 s, 12.3 min, 5.1 h, 54.0 d. */
export function formatDuration(durationS: number): string {
  const a = Math.abs(durationS);
  if (a < 1e-3) return `${trimNumber(durationS * 1e6, 3)} µs`;
  if (a < 1) return `${trimNumber(durationS * 1e3, 3)} ms`;
  if (a < 120) return `${trimNumber(durationS, 3)} s`;
  if (a < 7200) return `${trimNumber(durationS / 60, 3)} min`;
  if (a < 3 * 86400) return `${trimNumber(durationS / 3600, 3)} h`;
  return `${trimNumber(durationS / 86400, 3)} d`;
}

/**
 * 12345678 → "12,345,678". Written out rather than `toLocaleString('en-US')`, whose first call
 * initialises ICU (~25 ms of every CLI command that prints a count).
 */
export function formatCount(n: number): string {
  const r = Math.round(n) + 0; // + 0: never "-0"
  if (!Number.isFinite(r) || Math.abs(r) >= 1e21) return r.toLocaleString('en-US');
  return String(r).replace(/\B(?=(\d{3})+$)/g, ',');
}

export const formatPercent = (fraction: number, digits = 1): string => `${(fraction * 100).toFixed(digits)}%`;

/** Rounds to `digits` significant digits and drops trailing zeros. */
export function trimNumber(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const p = Number(value.toPrecision(digits));
  return Math.abs(p) >= 1e21 ? p.toExponential(digits - 1) : String(p);
}

const SIZE_RE = /^\s*([+-]?[0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([kmgtpe]?)(i?)(b?)\s*$/i;

/**
 * Parses "80GB", "141 GiB", "15e12", "2k" into a number.
 * Decimal prefixes are powers of 1000; with "i" (GiB) powers of 1024.
 */
export function parseQuantity(text: string, where = 'value'): number {
  const m = SIZE_RE.exec(text);
  if (!m) {
    throw new ColossusError('usage', `cannot read '${text}' as a number`, {
      where,
      hint: 'write a number with an optional prefix, e.g. 98304, 15e12, 80GB, 141GiB',
    });
  }
  const base = m[3] ? 1024 : 1000;
  const power = ' kmgtpe'.indexOf((m[2] || ' ').toLowerCase());
  return Number(m[1]) * base ** Math.max(0, power);
}
