/**
 * A discrete-event engine: a virtual clock over an `EventHeap`. Time is
 * simulated seconds; nothing reads a real clock. Callers schedule integer
 * (kind, data) events and drain them in order with `next()`.
 */
import { EventHeap } from './heap.js';

export class Engine {
  /** Virtual time, s: the time of the event being handled. */
  nowS = 0;
  /** Kind and data of the event being handled. */
  kind = 0;
  data = 0;
  /** Events handled since the last reset. */
  events = 0;
  private readonly heap: EventHeap;

  constructor(initialCapacity = 64) {
    this.heap = new EventHeap(initialCapacity);
  }

  /** Empties the queue and rewinds the clock to 0. */
  reset(): void {
    this.heap.clear();
    this.nowS = 0;
    this.events = 0;
  }

  get pending(): number {
    return this.heap.size;
  }

  /** Schedules an event at absolute time `atS` (not before now). */
  at(atS: number, kind: number, data = 0): void {
    this.heap.push(atS < this.nowS ? this.nowS : atS, kind, data);
  }

  /** Schedules an event `delayS` seconds from now. */
  after(delayS: number, kind: number, data = 0): void {
    this.heap.push(this.nowS + (delayS > 0 ? delayS : 0), kind, data);
  }

  /** Advances the clock to the next event; false when none is left. */
  next(): boolean {
    const heap = this.heap;
    if (!heap.pop()) return false;
    this.nowS = heap.poppedTimeS;
    this.kind = heap.poppedKind;
    this.data = heap.poppedData;
    this.events++;
    return true;
  }
}
