/**
 * Output helpers for commands: JSON on stdout, tables for people, progress on stderr.
 *
 * `-o json|wide|name` (kubectl's habit) is every command's: main() sets the format before the
 * action runs. `json` and `name` arrive at commands as `--json` (they call `printJson`, which
 * prints names instead of JSON under `-o name`); `wide` is read with `outputFormat()` by the
 * commands that have more columns to show, and is the plain text view elsewhere.
 */
import { ColossusError } from '../core/errors.js';

export type OutputFormat = 'text' | 'json' | 'wide' | 'name';
export const OUTPUT_FORMATS = ['json', 'wide', 'name'] as const;

let format: OutputFormat = 'text';
let jsonDocuments = 0;

/** The format of this run (set by main() from --json / -o). */
export const outputFormat = (): OutputFormat => format;
export function setOutputFormat(f: OutputFormat): void {
  format = f;
}
/** Starts a run: text format, no document printed yet (main() may run several times in one process). */
export function resetOutput(): void {
  format = 'text';
  jsonDocuments = 0;
}
/** How many JSON documents this run has printed on stdout (main prints an error document only if none). */
export const jsonDocumentsPrinted = (): number => jsonDocuments;

/** Prints one JSON document on stdout (the `--json` contract); under `-o name`, the names in it. */
export function printJson(value: unknown): void {
  if (format === 'name') {
    process.stdout.write(namesIn(value).map((n) => n + '\n').join(''));
    return;
  }
  jsonDocuments++;
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

const nameOf = (v: unknown): string | undefined => {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const n = o.id ?? o.name; // the id when there is one: it is what `show` takes (jobs have both)
  return typeof n === 'string' || typeof n === 'number' ? String(n) : undefined;
};

/**
 * The names `-o name` prints for a JSON document: the id (else name) of each object of a list,
 * of a list wrapped as `{ items | jobs | nodes | events: [...] }`, or of a single object.
 */
export function namesIn(value: unknown): string[] {
  const wrapped = typeof value === 'object' && value !== null && !Array.isArray(value) && nameOf(value) === undefined
    ? ['items', 'jobs', 'nodes', 'events'].map((k) => (value as Record<string, unknown>)[k]).find(Array.isArray)
    : undefined;
  const list = Array.isArray(value) ? value : wrapped ?? [value];
  const names = list.map(nameOf);
  if (names.some((n) => n === undefined)) {
    throw new ColossusError('usage', 'this command prints no named objects', { where: '-o name', hint: 'use -o json (or --json) for its full output, or -o wide' });
  }
  return names as string[];
}

export interface Column<T> {
  header: string;
  value: (row: T) => string | number;
  align?: 'left' | 'right';
}

/** Renders rows as an aligned plain-text table. Numbers align right by default. */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((r) => columns.map((c) => String(c.value(r))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i].length)));
  const alignOf = (i: number): 'left' | 'right' => {
    const c = columns[i];
    if (c.align) return c.align;
    return rows.length > 0 && typeof c.value(rows[0]) === 'number' ? 'right' : 'left';
  };
  const fmt = (vals: string[]) =>
    vals
      .map((v, i) => (alignOf(i) === 'right' ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const lines = [fmt(columns.map((c) => c.header)), fmt(widths.map((w) => '-'.repeat(w)))];
  for (const row of cells) lines.push(fmt(row));
  return lines.join('\n');
}

/** Renders `key: value` pairs, keys aligned. */
export function renderPairs(pairs: readonly [string, string | number][]): string {
  const w = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}

export interface Progress {
  update(done: number): void;
  done(): void;
}

/** A progress bar on stderr, drawn only when stderr is a terminal. */
export function progressBar(label: string, total: number): Progress {
  const tty = Boolean(process.stderr.isTTY);
  let last = -1;
  const draw = (done: number) => {
    const pct = total > 0 ? Math.min(1, done / total) : 1;
    const tick = Math.floor(pct * 100);
    if (tick === last) return;
    last = tick;
    const width = 30;
    const fill = Math.round(pct * width);
    process.stderr.write(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${tick}%`);
  };
  return {
    update: (done) => tty && draw(done),
    done: () => {
      if (!tty) return;
      draw(total);
      process.stderr.write('\n');
    },
  };
}
