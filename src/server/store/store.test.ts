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
