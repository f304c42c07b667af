/** Group commit's merge: later versions win, and batches of any size merge (no spread past the stack). */
import { describe, expect, it } from 'vitest';
import { merge } from './persister.js';
import type { ControlEvent } from '../core/control/types.js';

const ev = (seq: number): ControlEvent => ({ seq, atMs: seq, kind: 'attempt.placed', jobId: 'job-000001', node: null, reason: '', data: null });

describe('merge', () => {
  it('keeps every event in order across batches of 300,000 events (the twin commits that many after a stall)', () => {
    const big = Array.from({ length: 300_000 }, (_, i) => ev(i + 1));
    const m = merge([{ changes: { nodes: [], jobs: [], attempts: [], parts: [], events: big, quotas: [] } }, { changes: { nodes: [], jobs: [], attempts: [], parts: [], events: [ev(300_001)], quotas: [] } }]);
    const events = m.changes!.events;
    expect(events).toHaveLength(300_001);
    expect(events.every((e, i) => e.seq === i + 1)).toBe(true);
  });
});
