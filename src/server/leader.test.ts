/**
 * The leader lease on the real PostgreSQL: one holder at a time, a standby takes an
 * expired lease with a higher epoch, and a deposed leader cannot commit (its write
 * is refused inside the transaction and nothing of it is stored). Skipped with a
 * message when PostgreSQL is unreachable (a failure under CI=true).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Controller } from '../core/control/controller.js';
import { DEFAULT_POLICY } from '../core/control/types.js';
import { LeaderLease } from './leader.js';
import { LeaseLostError } from './store/store.js';
import { postgresAvailable, postgresBackend } from './testing/backends.js';

const pgOk = await postgresAvailable();
const backend = postgresBackend();
afterAll(() => (pgOk ? backend.cleanup() : undefined));

const submit = (ctl: Controller, name: string) => ctl.submitJob({ name, gpus: 8, priority: 0, team: 't', maxRestarts: 1, command: ['x'], cwd: null, env: {}, gracePeriodS: 1 });

describe.skipIf(!pgOk)('leader lease on PostgreSQL', () => {
  it('one holder; an expired lease goes to the standby with a higher epoch; the deposed leader cannot commit', async () => {
    const a = await backend.open('lease');
    const b = await backend.open('lease');
    try {
      const la = new LeaderLease(a, { url: 'http://a', ttlMs: 400 });
      const lb = new LeaderLease(b, { url: 'http://b', ttlMs: 400 });
      const e1 = await la.tryAcquire();
      expect(e1).not.toBeNull();
      expect(await lb.tryAcquire()).toBeNull();
      expect(await lb.current()).toMatchObject({ url: 'http://a', epoch: e1 });
      a.fencingEpoch = e1;
      const fenced: LeaseLostError[] = [];
      a.onFenced = (e) => fenced.push(e);
      const ctlA = new Controller({ nowMs: () => 1 }, DEFAULT_POLICY);
      submit(ctlA, 'while-leading');
      await a.write({ changes: ctlA.takeChanges() });
      expect(await la.renew()).toBe(true);

      // a stops renewing (paused, partitioned): once the lease has expired, b takes it
      await new Promise((r) => setTimeout(r, 600));
      const e2 = await lb.tryAcquire();
      expect(e2).toBe(e1! + 1);
      expect(await la.renew()).toBe(false);
      submit(ctlA, 'after-deposed');
      await expect(a.write({ changes: ctlA.takeChanges() })).rejects.toThrow(LeaseLostError);
      await expect(a.probe()).rejects.toThrow(/no longer leads/);
      expect(fenced[0].message).toBe(`this server no longer leads: the lease's fencing epoch is ${e2}, ours was ${e1}`);
      const names = (await b.loadSnapshot()).jobs.map((j) => j.spec.name);
      expect(names).toEqual(['while-leading']);
      // the new leader writes under its own epoch
      b.fencingEpoch = e2;
      const ctlB = new Controller({ nowMs: () => 2 }, DEFAULT_POLICY);
      ctlB.restore(await b.loadSnapshot());
      submit(ctlB, 'new-leader');
      await b.write({ changes: ctlB.takeChanges() });
      expect((await b.loadSnapshot()).jobs.map((j) => j.spec.name)).toEqual(['while-leading', 'new-leader']);
      // a graceful release lets a standby take over at once
      await lb.release();
      expect(await la.tryAcquire()).toBe(e2! + 1);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
