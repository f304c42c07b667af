/**
 * A bounded tail of text lines: keeps the newest lines within `maxLines` and
 * `maxBytes` (UTF-16 length as a proxy), dropping the oldest; counts what it dropped.
 */
export interface TailBuffer {
  push(line: string): void;
  lines(): string[];
  readonly dropped: number;
}

export function createTailBuffer(maxLines = 500, maxBytes = 256 * 1024): TailBuffer {
  const buf: string[] = [];
  let head = 0; // index of the oldest kept line in buf
  let bytes = 0;
  let dropped = 0;
  const dropOldest = () => {
    bytes -= buf[head].length;
    head++;
    dropped++;
    if (head > 1024 && head * 2 > buf.length) {
      buf.splice(0, head);
      head = 0;
    }
  };
  return {
    push(line: string) {
      const text = line.length > maxBytes ? line.slice(0, maxBytes) : line;
      buf.push(text);
      bytes += text.length;
      while (buf.length - head > maxLines || bytes > maxBytes) dropOldest();
    },
    lines: () => buf.slice(head),
    get dropped() {
      return dropped;
    },
  };
}

/**
 * Splits a byte stream into lines; `flush` returns a trailing partial line. A line
 * longer than `maxLineChars` is delivered once, cut to that length, with `cut` set;
 * the rest of it (up to the next newline) is discarded, so no amount of output
 * without a newline grows memory or an event.
 */
export function createLineSplitter(onLine: (line: string, cut?: boolean) => void, maxLineChars = 64 * 1024) {
  let partial = '';
  let discarding = false;
  return {
    write(chunk: string) {
      partial += chunk;
      let nl: number;
      while ((nl = partial.indexOf('\n')) >= 0) {
        if (!discarding) onLine(partial.slice(0, nl).replace(/\r$/, ''));
        discarding = false;
        partial = partial.slice(nl + 1);
      }
      if (discarding) partial = '';
      else if (partial.length > maxLineChars) {
        onLine(partial.slice(0, maxLineChars), true);
        partial = '';
        discarding = true;
      }
    },
    flush() {
      if (partial && !discarding) onLine(partial);
      partial = '';
      discarding = false;
    },
  };
}
