import { afterAll, describe, expect, it } from 'vitest';
import { Controller } from '../../core/control/controller.js';
import { DEFAULT_POLICY } from '../../core/control/types.js';
import { Persister } from '../persister.js';
import { postgresAvailable, postgresBackend, sqliteBackend, type Backend } from '../testing/backends.js';

const pgOk = await postgresAvailable();

describe.each([
  { backend: sqliteBackend(), enabled: true },
  { backend: postgresBackend(), enabled: pgOk },
])('store on $backend.name', ({ backend, enabled }: { backend: Backend; enabled: boolean }) => {
  afterAll(() => (enabled ? backend.cleanup() : undefined));

  it.skipIf(!enabled)('persists controller changes and restores the same state after reopening', async () => {
    const clock = { nowMs: () => 1_700_000_000_000 };
    const ctl = new Controller(clock, DEFAULT_POLICY);
    const store = await backend.open('a');
    const persister = new Persister(store);
    ctl.registerNode({ name: 'n1', gpus: [0, 1, 2, 3].map((i) => ({ index: i, uuid: `U${i}`, model: 'H100' })), topology: { rack: 'r1' }, address: '127.0.0.1', attempts: [] });
    const job = ctl.submitJob({ name: 'train', gpus: 4, priority: 1, team: 't', maxRestarts: 2, command: ['x'], cwd: null, env: { A: 'b' }, gracePeriodS: 3 });
    ctl.setQuota('t', 64);
    ctl.tick();
    ctl.attemptEvents('n1', job.attemptIds[0], [{ type: 'progress', rank: 0, step: 7, checkpoint: 5, line: { step: 7 } }]);
    // two batches written concurrently are committed together and both resolve
    await Promise.all([
      persister.write({ changes: ctl.takeChanges(), tokensPut: [{ hash: 'h1', role: 'node', name: 'n1', node: 'n1', createdAtMs: 1 }] }),
      persister.write({ logs: [{ seq: 1, jobId: job.id, attempt: 1, node: 'n1', rank: 0, stream: 'stdout', text: 'hello', atMs: 2 }] }),
    ]);
    await store.close();

    const again = await backend.open('a');
    const snap = await again.loadSnapshot();
    const ctl2 = new Controller(clock, DEFAULT_POLICY);
    ctl2.restore(snap);
    const j2 = ctl2.jobs.get(job.id)!;
    expect(j2.state).toBe('running');
    expect(j2.lastCheckpointStep).toBe(5);
    expect(j2.spec.env).toEqual({ A: 'b' });
    expect(ctl2.nodes.get('n1')!.busy.filter((b) => b === job.attemptIds[0])).toHaveLength(4);
    expect(ctl2.nodes.get('n1')!.state).toBe('allocated');
    expect(snap.quotas).toEqual([['t', 64]]);
    expect(snap.tokens.map((t) => t.hash)).toEqual(['h1']);
    expect(snap.lastLogSeq).toBe(1);
    const events = await again.events({ since: 0, jobId: job.id, limit: 100 });
    expect(events.map((e) => e.kind)).toContain('attempt.placed');
    expect(snap.lastEventSeq).toBeGreaterThanOrEqual(events[events.length - 1].seq);
    expect((await again.logs(job.id, undefined, 10)).map((l) => l.text)).toEqual(['hello']);
    // a second node credential for n1 replaces the first
    await again.write({ nodeTokensDelete: ['n1'], tokensPut: [{ hash: 'h2', role: 'node', name: 'n1', node: 'n1', createdAtMs: 3 }] });
    expect((await again.loadSnapshot()).tokens.map((t) => t.hash)).toEqual(['h2']);
    await again.close();
  });

  it.skipIf(!enabled)('a 2,500-node gang: placement in a few rows, stopped parts without rows; restores the same parts, exits and node states', async () => {
    const clock = { t: 1_700_000_000_000, nowMs() { return this.t; } };
    const ctl = new Controller(clock, DEFAULT_POLICY);
    const gpus = [0, 1].map((i) => ({ index: i, uuid: `U${i}`, model: 'H100' }));
    for (let i = 0; i < 2600; i++) ctl.registerNode({ name: `n${String(i).padStart(4, '0')}`, gpus, topology: { rack: `r${i >> 4}` }, address: null, attempts: [] });
    const store = await backend.open('gang');
    await store.write({ changes: ctl.takeChanges() });
    const job = ctl.submitJob({ name: 'gang', gpus: 5000, priority: 0, team: 't', maxRestarts: 0, command: ['x'], cwd: null, env: {}, gracePeriodS: 3 });
    ctl.tick();
    const att = ctl.attempts.get(job.attemptIds[0])!;
    expect(att.parts).toHaveLength(2500);
    const placed = ctl.takeChanges();
    expect(placed.parts).toEqual([]); // no row per part …
    expect(placed.placements?.map((p) => p.parts.length)).toEqual([2500]); // … one placement
    await store.write({ changes: placed });
    // a live attempt restores part by part, in rank order
    const live = await store.loadSnapshot();
    expect(live.attempts[0].parts).toEqual(att.parts);
    // rank 0's node fails the attempt (a row); the other parts stop (no rows), then it ends
    const [first, second, ...rest] = att.parts.map((p) => p.node);
    ctl.partExited(att, first, 3, null);
    ctl.partExited(att, second, null, 'SIGTERM');
    const failed = ctl.takeChanges();
    expect(failed.parts.map((p) => p.index)).toEqual([0]);
    await store.write({ changes: failed });
    // restored while stopping: the stopped part's exit was not written, so its GPUs count as busy until its agent reports
    const ctlMid = new Controller(clock, DEFAULT_POLICY);
    ctlMid.restore(await store.loadSnapshot());
    expect(ctlMid.nodes.get(first)!.state).toBe('idle');
    expect(ctlMid.nodes.get(second)!.state).toBe('allocated');
    for (const n of rest) ctl.partExited(att, n, null, 'SIGTERM');
    expect(att.endedAtMs).not.toBeNull();
    const ended = ctl.takeChanges();
    expect(ended.parts).toEqual([]);
    await store.write({ changes: ended });
    await store.close();

    const again = await backend.open('gang');
    const ctl2 = new Controller(clock, DEFAULT_POLICY);
    ctl2.restore(await again.loadSnapshot());
    const att2 = ctl2.attempts.get(att.id)!;
    expect(att2.state).toBe('failed');
    expect(att2.parts.map((p) => p.node)).toEqual(att.parts.map((p) => p.node));
    expect(att2.parts.map((p) => p.firstRank)).toEqual(att.parts.map((p) => p.firstRank));
    expect(att2.parts[0]).toMatchObject({ exited: true, exitCode: 3 });
    expect(att2.parts.every((p) => p.exited)).toBe(true);
    expect([...ctl2.nodes.values()].every((n) => n.state === 'idle')).toBe(true);
    await again.close();
  });

  it.skipIf(!enabled)('upserts many rows in chunks within one transaction', async () => {
    const ctl = new Controller({ nowMs: () => 5 }, DEFAULT_POLICY);
    for (let i = 0; i < 1200; i++) ctl.registerNode({ name: `n${i}`, gpus: [{ index: 0, uuid: 'u', model: 'm' }], topology: {}, address: null, attempts: [] });
    const store = await backend.open('b');
    await store.write({ changes: ctl.takeChanges() });
    await store.write({ changes: ctl.takeChanges() });
    const snap = await store.loadSnapshot();
    expect(snap.nodes).toHaveLength(1200);
    expect(snap.lastEventSeq).toBe(2400);
    await store.close();
  });
});
