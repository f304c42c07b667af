import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventHeap } from './heap.js';
import { Engine } from './engine.js';

/** A reference: stable sort by time keeps insertion order for ties. */
function reference(times: number[]): number[] {
  return times
    .map((t, i) => ({ t, i }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map((e) => e.i);
}

describe('EventHeap', () => {
  it('pops in (time, insertion) order, whatever the pushes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 300 }), (times) => {
        const heap = new EventHeap(4);
        times.forEach((t, i) => heap.push(t, 7, i));
        const order: number[] = [];
        while (heap.pop()) {
          expect(heap.poppedKind).toBe(7);
          order.push(heap.poppedData);
        }
        expect(order).toEqual(reference(times));
      }),
    );
  });

  it('stays ordered when pushes and pops interleave', () => {
    const op = fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constant(-1));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const heap = new EventHeap(2);
        const live: { t: number; id: number }[] = [];
        let id = 0;
        for (const o of ops) {
          if (o >= 0) {
            heap.push(o, 0, id);
            live.push({ t: o, id: id++ });
          } else if (live.length > 0) {
            live.sort((a, b) => a.t - b.t || a.id - b.id);
            const want = live.shift()!;
            expect(heap.pop()).toBe(true);
            expect([heap.poppedTimeS, heap.poppedData]).toEqual([want.t, want.id]);
          } else expect(heap.pop()).toBe(false);
        }
        expect(heap.size).toBe(live.length);
      }),
    );
  });

  it('reports the earliest time and empties on clear', () => {
    const heap = new EventHeap();
    expect(heap.peekTimeS()).toBe(Infinity);
    heap.push(5, 0, 0);
    heap.push(2, 0, 1);
    expect(heap.peekTimeS()).toBe(2);
    heap.clear();
    expect(heap.size).toBe(0);
    expect(heap.pop()).toBe(false);
  });
});

describe('Engine', () => {
  it('advances a monotone virtual clock and never schedules into the past', () => {
    const engine = new Engine();
    engine.at(10, 1, 100);
    engine.at(3, 2, 200);
    expect(engine.next()).toBe(true);
    expect([engine.nowS, engine.kind, engine.data]).toEqual([3, 2, 200]);
    engine.at(1, 3, 300); // in the past: clamped to now
    engine.after(4, 4, 400);
    const seen: number[][] = [];
    while (engine.next()) seen.push([engine.nowS, engine.kind]);
    expect(seen).toEqual([
      [3, 3],
      [7, 4],
      [10, 1],
    ]);
    expect(engine.events).toBe(4);
  });
});
