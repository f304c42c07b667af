/**
 * Leadership among replicas sharing one PostgreSQL database: a lease row
 * (`leader_lease`, id 1) with a holder, its URL, an expiry in database time and a
 * fencing epoch that grows by one at every change of holder. The leader renews
 * it every `renewMs`; a standby takes it once it has expired. Every write
 * transaction of the leader first reads the epoch `FOR SHARE` (Store.write) and
 * aborts when it is not its own, so a deposed leader — paused, partitioned, slow
 * — cannot commit anything after a standby took over: the takeover's UPDATE waits
 * for transactions holding that share lock, and later ones see the new epoch.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { sql } from 'kysely';
import type { Store } from './store/store.js';

export interface LeaseView {
  holder: string;
  url: string;
  epoch: number;
  /** Milliseconds until it expires (negative: expired), by the database clock. */
  remainingMs: number;
}

export interface LeaseOptions {
  /** This replica's URL, given to standbys for redirects. */
  url: string;
  /** Lease duration, ms (default 5 000). */
  ttlMs?: number;
}

const DB_NOW_MS = sql<number>`(extract(epoch from clock_timestamp()) * 1000)::bigint`;

export class LeaderLease {
  readonly holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  epoch: number | null = null;
  readonly ttlMs: number;

  constructor(
    private readonly store: Store,
    private readonly o: LeaseOptions,
  ) {
    this.ttlMs = o.ttlMs ?? 5_000;
  }

  /** Takes the lease when it is free or expired; returns the new epoch, or null when another replica holds it. */
  async tryAcquire(): Promise<number | null> {
    const db = this.store.db;
    await sql`insert into leader_lease (id, epoch, holder, url, expires_at_ms) values (1, 0, '', '', 0) on conflict (id) do nothing`.execute(db);
    const r = await sql<{ epoch: string | number }>`
      update leader_lease set epoch = epoch + 1, holder = ${this.holder}, url = ${this.o.url}, expires_at_ms = ${DB_NOW_MS} + ${this.ttlMs}
      where id = 1 and expires_at_ms < ${DB_NOW_MS} returning epoch`.execute(db);
    if (r.rows.length === 0) return null;
    this.epoch = Number(r.rows[0].epoch);
    return this.epoch;
  }

  /** Extends the lease; false when it is no longer ours (another replica took it). Throws when the database does not answer. */
  async renew(): Promise<boolean> {
    if (this.epoch === null) return false;
    const r = await sql`update leader_lease set expires_at_ms = ${DB_NOW_MS} + ${this.ttlMs} where id = 1 and epoch = ${this.epoch} and holder = ${this.holder}`.execute(this.store.db);
    return Number(r.numAffectedRows ?? 0) === 1;
  }

  /** Gives the lease up at once (graceful shutdown), so a standby need not wait for it to expire. */
  async release(): Promise<void> {
    if (this.epoch === null) return;
    await sql`update leader_lease set expires_at_ms = 0 where id = 1 and epoch = ${this.epoch} and holder = ${this.holder}`.execute(this.store.db);
  }

  async current(): Promise<LeaseView | null> {
    const r = await sql<{ holder: string; url: string; epoch: string | number; remaining: string | number }>`
      select holder, url, epoch, expires_at_ms - ${DB_NOW_MS} as remaining from leader_lease where id = 1`.execute(this.store.db);
    const row = r.rows[0];
    return row ? { holder: row.holder, url: row.url, epoch: Number(row.epoch), remainingMs: Number(row.remaining) } : null;
  }
}
