/**
 * The durable store: SQLite (better-sqlite3, WAL) in the data dir, or PostgreSQL
 * when a postgres:// URL is given. One `write()` is one transaction; the server
 * answers a request only after the write that holds its changes has committed,
 * so `kill -9` loses no accepted job and no transition.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations.js';
import type { AttemptPart, AttemptRec, ControlEvent, JobRec, NodeRec } from '../../core/control/types.js';
import type { Changes, Snapshot } from '../../core/control/controller.js';
import { HISTORY_EVENT_KINDS, countHistory } from '../../core/control/fleet-history.js';
import { Slicer, yieldTurn } from '../slices.js';

export interface TokenRow {
  hash: string;
  role: 'admin' | 'operator' | 'user' | 'viewer' | 'agent' | 'node';
  name: string;
  node: string | null;
  createdAtMs: number;
  /** The team of a user or viewer token (users cancel only their team's jobs); null otherwise. */
  team?: string | null;
  /**
   * Set only on dashboard sessions (src/server/login.ts): when the session ends, epoch ms
   * (wall clock). A row with an expiry is a session: it authenticates only as the cookie.
   */
  expiresAtMs?: number | null;
}

/** A one-time login code (stored hashed): `role` is the role of the session it opens. */
export interface LoginCodeRow {
  hash: string;
  role: 'viewer' | 'operator';
  createdAtMs: number;
  expiresAtMs: number;
}

/** What exchanging a login code gave: the session row, or why not. */
export type LoginCodeOutcome = { ok: true; role: LoginCodeRow['role'] } | { ok: false; why: 'unknown' | 'used' | 'expired'; usedAtMs?: number; expiresAtMs?: number };

export interface LogRow {
  seq: number;
  jobId: string;
  attempt: number;
  node: string;
  rank: number | null;
  stream: 'stdout' | 'stderr';
  text: string;
  atMs: number;
}

/** Everything one transaction writes. */
export interface WriteBatch {
  changes?: Changes;
  tokensPut?: TokenRow[];
  /** Token rows to delete, by node (a node's previous credential). */
  nodeTokensDelete?: string[];
  /** Token rows to delete, by hash (a session that logged out). */
  tokensDelete?: string[];
  logs?: LogRow[];
}

export interface StoreOptions {
  /** SQLite file lives at <dataDir>/colossus.db. */
  dataDir?: string;
  /** postgres://… selects PostgreSQL. */
  databaseUrl?: string;
  /** PostgreSQL schema to use (tests isolate themselves this way). */
  pgSchema?: string;
}

const CHUNK = 500;

/** A write refused because another replica leads now (its fencing epoch is not ours). */
export class LeaseLostError extends Error {
  constructor(readonly mine: number, readonly current: number | null) {
    super(`this server no longer leads: the lease's fencing epoch is ${current ?? 'gone'}, ours was ${mine}`);
  }
}

export class Store {
  /** SQLite only: the better-sqlite3 handle under Kysely, for prepared row statements in big writes. */
  private raw: SqliteDatabase.Database | null = null;

  private constructor(
    readonly db: Kysely<Database>,
    readonly kind: 'sqlite' | 'postgres',
    private readonly onClose: () => Promise<void>,
  ) {}

  static async open(opts: StoreOptions): Promise<Store> {
    if (opts.databaseUrl && /^postgres(ql)?:\/\//.test(opts.databaseUrl)) {
      const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 4, ...(opts.pgSchema ? { options: `-c search_path=${opts.pgSchema}` } : {}) });
      if (opts.pgSchema) await pool.query(`CREATE SCHEMA IF NOT EXISTS "${opts.pgSchema}"`);
      const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
      return Store.migrated(new Store(db, 'postgres', () => db.destroy()), opts.pgSchema);
    }
    const dir = opts.dataDir ?? '.colossus';
    mkdirSync(dir, { recursive: true });
    const file = new SqliteDatabase(join(dir, 'colossus.db'));
    file.pragma('journal_mode = WAL');
    file.pragma('synchronous = NORMAL'); // durable across process crashes (kill -9); WAL fsyncs at checkpoints
    file.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: file }) });
    const store = new Store(db, 'sqlite', () => db.destroy());
    store.raw = file;
    return Store.migrated(store);
  }

  private static async migrated(store: Store, schema?: string): Promise<Store> {
    const migrator = new Migrator({ db: store.db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error;
    return store;
  }

  /**
   * The leader's fencing epoch (PostgreSQL replicas, src/server/leader.ts): when set,
   * every write transaction first reads the lease row FOR SHARE and aborts unless
   * the epoch is still this one.
   */
  fencingEpoch: number | null = null;
  /** Called when a write was refused because another replica leads. */
  onFenced: ((e: LeaseLostError) => void) | null = null;

  close(): Promise<void> {
    return this.onClose();
  }

  private async checkEpoch(tx: Transaction<Database>): Promise<void> {
    if (this.fencingEpoch === null) return;
    const r = await sql<{ epoch: string | number }>`select epoch from leader_lease where id = 1 for share`.execute(tx);
    const current = r.rows[0] ? Number(r.rows[0].epoch) : null;
    if (current === this.fencingEpoch) return;
    const e = new LeaseLostError(this.fencingEpoch, current);
    this.onFenced?.(e);
    throw e;
  }

  /** Cheap round trip for /readyz. */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  /** A value of the meta table; null when absent. */
  async getMeta(key: string): Promise<string | null> {
    const r = await this.db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
    return r?.value ?? null;
  }

  /** Sets `key` unless it is set already (first writer wins); returns the value that holds. */
  async initMeta(key: string, value: string): Promise<string> {
    await this.db.insertInto('meta').values({ key, value }).onConflict((oc) => oc.column('key').doNothing()).execute();
    return (await this.getMeta(key)) ?? value;
  }

  /** One small real write (the storage-fault probe): rejects while the store cannot commit. */
  async probe(): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await this.checkEpoch(tx);
      await upsert(tx, 'meta', 'key', [{ key: 'probe', value: String(Date.now()) }], (r) => r);
    });
  }

  async loadSnapshot(): Promise<Snapshot & { tokens: TokenRow[]; lastLogSeq: number }> {
    const [nodes, jobs, attempts, parts, teams, tokens, ev, lg, hist] = await Promise.all([
      this.db.selectFrom('nodes').select('data').execute(),
      this.db.selectFrom('jobs').select('data').orderBy('seq').execute(),
      this.db.selectFrom('attempts').select('data').execute(),
      this.db.selectFrom('attempt_parts').select(['attempt_id', 'idx', 'data']).orderBy('attempt_id').orderBy('idx').execute(),
      this.db.selectFrom('teams').selectAll().execute(),
      this.db.selectFrom('tokens').selectAll().execute(),
      this.db.selectFrom('events').select((e) => e.fn.max('seq').as('m')).executeTakeFirst(),
      this.db.selectFrom('logs').select((e) => e.fn.max('seq').as('m')).executeTakeFirst(),
      // the interruptions behind the fleet's failure-rate estimate (counted once here, then by the controller)
      this.db.selectFrom('events').select(['kind', 'data']).where('kind', 'in', [...HISTORY_EVENT_KINDS]).execute(),
    ]);
    return {
      nodes: nodes.map((r) => ({ ...(JSON.parse(r.data) as NodeRec), busy: [], telemetry: {} })),
      jobs: jobs.map((r) => JSON.parse(r.data) as JobRec),
      attempts: withParts(attempts.map((r) => JSON.parse(r.data) as AttemptRec), parts),
      quotas: teams.map((t) => [t.name, Number(t.gpu_quota)]),
      lastEventSeq: Number(ev?.m ?? 0),
      history: countHistory(hist.map((r) => ({ kind: r.kind, data: r.data ? (JSON.parse(r.data) as Record<string, unknown>) : null }))),
      tokens: tokens.map((t) => ({ hash: t.hash, role: t.role as TokenRow['role'], name: t.name, node: t.node, createdAtMs: Number(t.created_at_ms), team: t.team ?? null, expiresAtMs: t.expires_at_ms === null ? null : Number(t.expires_at_ms) })),
      lastLogSeq: Number(lg?.m ?? 0),
    };
  }

  /** Writes a batch in one transaction. */
  async write(batch: WriteBatch): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await this.checkEpoch(tx);
      const c = batch.changes;
      if (c) {
        await upsert(tx, 'nodes', 'name', c.nodes, (n) => ({ name: n.name, state: n.state, data: JSON.stringify({ ...n, busy: undefined, telemetry: undefined }) }), this.raw);
        await upsert(tx, 'jobs', 'id', c.jobs, (j) => ({ id: j.id, seq: j.seq, state: j.state, data: JSON.stringify(j) }), this.raw);
        await upsert(tx, 'attempts', 'id', c.attempts, (a) => ({ id: a.id, job_id: a.jobId, data: JSON.stringify({ ...a, parts: undefined }) }), this.raw);
        await upsert(tx, 'attempt_parts', 'id', placementRows(c.placements ?? []), (r) => ({ id: r.id, attempt_id: r.attemptId, idx: r.idx, data: JSON.stringify(r.parts) }), this.raw);
        await upsert(tx, 'attempt_parts', 'id', c.parts, (p) => ({ id: `${p.attemptId}#${p.index}`, attempt_id: p.attemptId, idx: p.index, data: JSON.stringify(p.part) }), this.raw);
        const eventRow = (e: ControlEvent) => ({ seq: e.seq, at_ms: e.atMs, kind: e.kind, job_id: e.jobId, node: e.node, reason: e.reason, data: e.data ? JSON.stringify(e.data) : null });
        if (this.raw) await insertRows(this.raw, 'events', null, c.events, eventRow);
        else {
          for (const [i, part] of chunks(c.events).entries()) {
            if (i > 0) await yieldTurn();
            await tx.insertInto('events').values(part.map(eventRow)).execute();
          }
        }
        for (const [team, q] of c.quotas) {
          if (q === null) await tx.deleteFrom('teams').where('name', '=', team).execute();
          else await upsert(tx, 'teams', 'name', [{ name: team, gpu_quota: q }], (r) => r);
        }
      }
      if (batch.nodeTokensDelete?.length) await tx.deleteFrom('tokens').where('role', '=', 'node').where('node', 'in', batch.nodeTokensDelete).execute();
      if (batch.tokensDelete?.length) await tx.deleteFrom('tokens').where('hash', 'in', batch.tokensDelete).execute();
      if (batch.tokensPut?.length) {
        await upsert(tx, 'tokens', 'hash', batch.tokensPut, (t) => ({ hash: t.hash, role: t.role, name: t.name, node: t.node, created_at_ms: t.createdAtMs, team: t.team ?? null, expires_at_ms: t.expiresAtMs ?? null }));
      }
      for (const part of chunks(batch.logs ?? [])) {
        await tx.insertInto('logs').values(part.map((l) => ({ seq: l.seq, job_id: l.jobId, attempt: l.attempt, node: l.node, rank: l.rank, stream: l.stream, text: l.text, at_ms: l.atMs }))).execute();
      }
    });
  }

  /**
   * Stores a new login code (its own transaction, fenced on a leader). A standby may call
   * it too (its `colossus server` prints a link at start): the row is independent of the
   * leader's memory, which reads codes from the store when one is exchanged. Codes that
   * expired a day ago are deleted on the way.
   */
  async putLoginCode(row: LoginCodeRow): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await this.checkEpoch(tx);
      await tx.deleteFrom('login_codes').where('expires_at_ms', '<', row.createdAtMs - 86_400_000).execute();
      await tx.insertInto('login_codes').values({ hash: row.hash, role: row.role, created_at_ms: row.createdAtMs, expires_at_ms: row.expiresAtMs, used_at_ms: null }).execute();
    });
  }

  /**
   * Exchanges a login code for a session, in one transaction: the code is marked used only
   * if it was unused and unexpired (a conditional update, so two requests — or two
   * replicas — cannot both use it), and the session row is written with it. Expired
   * sessions are deleted on the way.
   */
  async consumeLoginCode(hash: string, nowMs: number, session: (role: LoginCodeRow['role']) => TokenRow): Promise<LoginCodeOutcome & { session?: TokenRow }> {
    return this.db.transaction().execute(async (tx) => {
      await this.checkEpoch(tx);
      const row = await tx.selectFrom('login_codes').selectAll().where('hash', '=', hash).executeTakeFirst();
      if (!row) return { ok: false, why: 'unknown' } as const;
      if (row.used_at_ms !== null) return { ok: false, why: 'used', usedAtMs: Number(row.used_at_ms) } as const;
      if (Number(row.expires_at_ms) <= nowMs) return { ok: false, why: 'expired', expiresAtMs: Number(row.expires_at_ms) } as const;
      const r = await tx.updateTable('login_codes').set({ used_at_ms: nowMs }).where('hash', '=', hash).where('used_at_ms', 'is', null).executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return { ok: false, why: 'used' } as const;
      const role = row.role as LoginCodeRow['role'];
      const s = session(role);
      await tx.deleteFrom('tokens').where('expires_at_ms', '<', nowMs).execute();
      await tx.insertInto('tokens').values({ hash: s.hash, role: s.role, name: s.name, node: null, created_at_ms: s.createdAtMs, team: s.team ?? null, expires_at_ms: s.expiresAtMs ?? null }).execute();
      return { ok: true, role, session: s } as const;
    });
  }

  async events(q: { since: number; jobId?: string; node?: string; kind?: string; limit: number; newest?: boolean }): Promise<ControlEvent[]> {
    let query = this.db.selectFrom('events').selectAll().where('seq', '>', q.since);
    if (q.jobId) query = query.where('job_id', '=', q.jobId);
    if (q.node) query = query.where('node', '=', q.node);
    if (q.kind) query = query.where('kind', '=', q.kind);
    const rows = await query.orderBy('seq', q.newest ? 'desc' : 'asc').limit(q.limit).execute();
    if (q.newest) rows.reverse();
    return rows.map((r) => ({ seq: Number(r.seq), atMs: Number(r.at_ms), kind: r.kind, jobId: r.job_id, node: r.node, reason: r.reason, data: r.data ? JSON.parse(r.data) : null }));
  }

  /** Deletes log lines with seq ≤ `upToSeq` (the server keeps the newest lines only). */
  async trimLogs(upToSeq: number): Promise<void> {
    if (upToSeq > 0) await this.db.deleteFrom('logs').where('seq', '<=', upToSeq).execute();
  }

  /** The last `tail` log lines of a job (one attempt, or all). */
  async logs(jobId: string, attempt: number | undefined, tail: number): Promise<LogRow[]> {
    let query = this.db.selectFrom('logs').selectAll().where('job_id', '=', jobId);
    if (attempt !== undefined) query = query.where('attempt', '=', attempt);
    const rows = await query.orderBy('seq', 'desc').limit(tail).execute();
    return rows.reverse().map((r) => ({ seq: Number(r.seq), jobId: r.job_id, attempt: r.attempt, node: r.node, rank: r.rank, stream: r.stream as LogRow['stream'], text: r.text, atMs: Number(r.at_ms) }));
  }
}

/** Puts each attempt's part rows (ordered by index) back into it. */
function withParts(attempts: AttemptRec[], rows: { attempt_id: string; idx: number; data: string }[]): AttemptRec[] {
  const byId = new Map(attempts.map((a) => [a.id, a]));
  for (const a of attempts) a.parts ??= [];
  for (const r of rows) {
    const parts = byId.get(r.attempt_id)?.parts;
    if (!parts) continue;
    const idx = Number(r.idx);
    if (idx < 0) for (const p of JSON.parse(r.data) as AttemptPart[]) parts.push(p); // a placement row (they come first, in order)
    else parts.splice(idx, 1, JSON.parse(r.data) as AttemptPart); // a part changed since
  }
  return attempts;
}

/** Parts per placement row. */
const PLACEMENT_PARTS = 1024;
/** Placement rows have idx PLACEMENT_IDX + k (k = 0, 1, …): negative, before every part row, in order. */
const PLACEMENT_IDX = -1_000_000;

/**
 * A new attempt's parts as placed, PLACEMENT_PARTS to a row (`<attempt>#p<k>`) in the
 * attempt_parts table, instead of a row per part: a 23,000-node gang's placement is 23 rows.
 * A part that changes later gets its own row (index ≥ 0), which wins on load.
 */
function placementRows(placements: readonly { attemptId: string; parts: readonly AttemptPart[] }[]): { id: string; attemptId: string; idx: number; parts: readonly AttemptPart[] }[] {
  const rows: { id: string; attemptId: string; idx: number; parts: readonly AttemptPart[] }[] = [];
  for (const { attemptId, parts } of placements) {
    for (let k = 0; k * PLACEMENT_PARTS < parts.length; k++) rows.push({ id: `${attemptId}#p${k}`, attemptId, idx: PLACEMENT_IDX + k, parts: parts.slice(k * PLACEMENT_PARTS, (k + 1) * PLACEMENT_PARTS) });
  }
  return rows;
}

/** Inserts or updates rows by `key`, 500 at a time; each chunk is serialised just before it is written. */
async function upsert<T extends 'nodes' | 'jobs' | 'attempts' | 'attempt_parts' | 'tokens' | 'teams' | 'meta', I>(tx: Transaction<Database>, table: T, key: string, items: readonly I[], toRow: (item: I) => Record<string, unknown>, raw: SqliteDatabase.Database | null = null): Promise<void> {
  if (raw) return insertRows(raw, table, key, items, toRow);
  for (const [i, chunk] of chunks(items).entries()) {
    if (i > 0) await yieldTurn();
    const part = chunk.map(toRow);
    const cols = Object.keys(part[0]).filter((c) => c !== key);
    // The column set is dynamic (one helper for six tables), which Kysely's types cannot follow.
    /* eslint-disable @typescript-eslint/no-explicit-any */
    await (tx as Transaction<any>)
      .insertInto(table)
      .values(part)
      .onConflict((oc: any) => oc.column(key).doUpdateSet(Object.fromEntries(cols.map((c) => [c, (eb: any) => eb.ref(`excluded.${c}`)]))))
      .execute();
    /* eslint-enable @typescript-eslint/no-explicit-any */
  }
}

const statements = new WeakMap<SqliteDatabase.Database, Map<string, SqliteDatabase.Statement>>();

/**
 * SQLite: inserts (or, with `key`, upserts) rows one by one through a cached prepared
 * statement on the connection Kysely's transaction holds, so they are part of it.
 * A big write (a 12,288-node gang's rows) lets the event loop run every SLICE_MS
 * (src/server/slices.ts): requests that need no write (most heartbeats) are answered
 * meanwhile, those that do wait for the next group commit as usual.
 * Kysely's multi-row path compiled and prepared a fresh 500-row statement per chunk:
 * about half the store's CPU in the 200k-GPU twin's profile (docs/twin.md).
 */
async function insertRows<I>(raw: SqliteDatabase.Database, table: string, key: string | null, items: readonly I[], toRow: (item: I) => Record<string, unknown>): Promise<void> {
  let cache = statements.get(raw);
  if (!cache) statements.set(raw, (cache = new Map()));
  let cols: string[] = [];
  let stmt: SqliteDatabase.Statement | null = null;
  const slicer = new Slicer(16);
  for (const item of items) {
    const row = toRow(item);
    if (!stmt) {
      cols = Object.keys(row); // one call writes rows of one shape
      const sqlText = `insert into ${table} (${cols.join(', ')}) values (${cols.map(() => '?').join(', ')})${key ? ` on conflict (${key}) do update set ${cols.filter((c) => c !== key).map((c) => `${c} = excluded.${c}`).join(', ')}` : ''}`;
      stmt = cache.get(sqlText) ?? raw.prepare(sqlText);
      cache.set(sqlText, stmt);
    }
    stmt.run(cols.map((c) => row[c] ?? null));
    if (slicer.due()) await slicer.yield();
  }
}


function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}
