/** Output helpers for commands: JSON on stdout, tables for people, progress on stderr. */

/** Prints one JSON document on stdout (the `--json` contract). */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
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
