/**
 * Heavy work in time slices, so heartbeats never wait behind it: a big store write,
 * a 25,000-node list or a /metrics scrape runs a few milliseconds at a time and lets
 * the event loop answer requests in between (docs/operate.md, "Heavy work and
 * heartbeats"). A slice is measured in time, not rows: rows differ in cost, and a
 * loaded machine makes every row slower.
 */
import { Readable } from 'node:stream';

/** Longest stretch of heavy work before the event loop gets a turn, ms. */
export const SLICE_MS = 4;

/** Lets the event loop run (I/O callbacks first: requests that arrived meanwhile). */
export const yieldTurn = (): Promise<void> => new Promise<void>((r) => setImmediate(r));

/** Counts work and yields once SLICE_MS have passed since the last turn (checks the clock every `every` calls). */
export class Slicer {
  private start = performance.now();
  private n = 0;

  constructor(private readonly every = 32) {}

  /** True when the caller should `await yieldTurn()` (then the slice restarts). */
  due(): boolean {
    if (++this.n % this.every !== 0) return false;
    if (performance.now() - this.start < SLICE_MS) return false;
    return true;
  }

  /** Yields if due. */
  async tick(): Promise<void> {
    if (this.due()) await this.yield();
  }

  async yield(): Promise<void> {
    await yieldTurn();
    this.start = performance.now();
  }
}

/**
 * A long JSON array answered as a stream: each item's view is built and serialised
 * when its slice is written (so the list's membership and order are fixed when the
 * request is handled, and each item is as of the moment it is written).
 */
export class JsonList<T> {
  constructor(
    readonly items: readonly T[],
    readonly view: (item: T) => unknown,
  ) {}
}

/** Lists up to this long are serialised at once (a stream costs more than it saves). */
export const STREAM_MIN_ITEMS = 500;

/** The JSON text of a JsonList, in slices. */
export function jsonListStream<T>(list: JsonList<T>): Readable {
  return Readable.from(
    (async function* () {
      const slicer = new Slicer(16);
      let text = '[';
      for (let i = 0; i < list.items.length; i++) {
        text += (i ? ',' : '') + JSON.stringify(list.view(list.items[i]));
        if (slicer.due()) {
          yield text;
          text = '';
          await slicer.yield();
        }
      }
      yield text + ']';
    })(),
    { objectMode: false },
  );
}

/** Text parts as a stream, one turn of the event loop per `perTurn` parts. */
export function textStream(parts: readonly string[], perTurn = 8): Readable {
  return Readable.from(
    (async function* () {
      for (let i = 0; i < parts.length; i++) {
        yield parts[i];
        if ((i + 1) % perTurn === 0) await yieldTurn();
      }
    })(),
    { objectMode: false },
  );
}

/** A response already serialised as JSON (sent as is). */
export class RawJson {
  constructor(readonly text: string) {}
}
