/**
 * The event queue of the discrete-event engine: a binary min-heap ordered by
 * (time, insertion sequence), so events at equal times pop in the order they
 * were scheduled, identically on every run.
 *
 * Storage is structure-of-arrays in typed arrays that grow by doubling; the
 * heap itself holds slot indices. Push and pop allocate nothing once the
 * arrays have grown to the working size, which keeps the simulator's hot loop
 * free of garbage.
 */
export class EventHeap {
  private timeS: Float64Array;
  private seq: Float64Array;
  private kind: Int32Array;
  private data: Int32Array;
  /** heap[i] = slot of the i-th heap element. */
  private heap: Int32Array;
  /** Free slots, used as a stack. */
  private free: Int32Array;
  private freeTop = 0;
  private count = 0;
  private nextSeq = 0;

  /** Time, kind and data of the event last returned by `pop`. */
  poppedTimeS = 0;
  poppedKind = 0;
  poppedData = 0;

  constructor(initialCapacity = 64) {
    const n = Math.max(4, initialCapacity);
    this.timeS = new Float64Array(n);
    this.seq = new Float64Array(n);
    this.kind = new Int32Array(n);
    this.data = new Int32Array(n);
    this.heap = new Int32Array(n);
    this.free = new Int32Array(n);
    for (let i = 0; i < n; i++) this.free[i] = n - 1 - i;
    this.freeTop = n;
  }

  get size(): number {
    return this.count;
  }

  /** Drops every event and restarts the sequence counter (storage is kept). */
  clear(): void {
    const n = this.timeS.length;
    for (let i = 0; i < n; i++) this.free[i] = n - 1 - i;
    this.freeTop = n;
    this.count = 0;
    this.nextSeq = 0;
  }

  /** Time of the earliest event; Infinity when empty. */
  peekTimeS(): number {
    return this.count === 0 ? Infinity : this.timeS[this.heap[0]];
  }

  /** Schedules an event. `kind` and `data` are 32-bit integers the caller interprets. */
  push(timeS: number, kind: number, data: number): void {
    if (this.freeTop === 0) this.grow();
    const slot = this.free[--this.freeTop];
    this.timeS[slot] = timeS;
    this.seq[slot] = this.nextSeq++;
    this.kind[slot] = kind;
    this.data[slot] = data;
    this.siftUp(this.count++, slot);
  }

  /** Removes the earliest event into `popped*`; returns false when empty. */
  pop(): boolean {
    if (this.count === 0) return false;
    const top = this.heap[0];
    this.poppedTimeS = this.timeS[top];
    this.poppedKind = this.kind[top];
    this.poppedData = this.data[top];
    this.free[this.freeTop++] = top;
    const last = this.heap[--this.count];
    if (this.count > 0) this.siftDown(0, last);
    return true;
  }

  private siftUp(pos: number, slot: number): void {
    const heap = this.heap;
    const times = this.timeS;
    const seqs = this.seq;
    const t = times[slot];
    const q = seqs[slot];
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      const p = heap[parent];
      const tp = times[p];
      if (t > tp || (t === tp && q > seqs[p])) break;
      heap[pos] = p;
      pos = parent;
    }
    heap[pos] = slot;
  }

  private siftDown(pos: number, slot: number): void {
    const heap = this.heap;
    const times = this.timeS;
    const seqs = this.seq;
    const n = this.count;
    const t = times[slot];
    const q = seqs[slot];
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= n) break;
      let c = heap[child];
      let tc = times[c];
      if (child + 1 < n) {
        const d = heap[child + 1];
        const td = times[d];
        if (td < tc || (td === tc && seqs[d] < seqs[c])) {
          child++;
          c = d;
          tc = td;
        }
      }
      if (tc > t || (tc === t && seqs[c] > q)) break;
      heap[pos] = c;
      pos = child;
    }
    heap[pos] = slot;
  }

  private grow(): void {
    const old = this.timeS.length;
    const n = old * 2;
    const grown = <T extends Float64Array | Int32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.timeS = grown(this.timeS);
    this.seq = grown(this.seq);
    this.kind = grown(this.kind);
    this.data = grown(this.data);
    this.heap = grown(this.heap);
    this.free = new Int32Array(n);
    for (let i = 0; i < n - old; i++) this.free[i] = n - 1 - i;
    this.freeTop = n - old;
  }
}
