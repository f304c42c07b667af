/** Schema migrations, the same for SQLite and PostgreSQL (portable column types only). */
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createTable('nodes').addColumn('name', 'text', (c) => c.primaryKey()).addColumn('state', 'text', (c) => c.notNull()).addColumn('data', 'text', (c) => c.notNull()).execute();
    await db.schema.createTable('jobs').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('seq', 'integer', (c) => c.notNull()).addColumn('state', 'text', (c) => c.notNull()).addColumn('data', 'text', (c) => c.notNull()).execute();
    await db.schema.createTable('attempts').addColumn('id', 'text', (c) => c.primaryKey()).addColumn('job_id', 'text', (c) => c.notNull()).addColumn('data', 'text', (c) => c.notNull()).execute();
    await db.schema
      .createTable('events')
      .addColumn('seq', 'bigint', (c) => c.primaryKey())
      .addColumn('at_ms', 'bigint', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('job_id', 'text')
      .addColumn('node', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('data', 'text')
      .execute();
    await db.schema.createIndex('events_job').on('events').columns(['job_id', 'seq']).execute();
    await db.schema.createIndex('events_node').on('events').columns(['node', 'seq']).execute();
    await db.schema
      .createTable('tokens')
      .addColumn('hash', 'text', (c) => c.primaryKey())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('node', 'text')
      .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('tokens_node').on('tokens').column('node').execute();
    await db.schema.createTable('teams').addColumn('name', 'text', (c) => c.primaryKey()).addColumn('gpu_quota', 'integer', (c) => c.notNull()).execute();
    await db.schema
      .createTable('logs')
      .addColumn('seq', 'bigint', (c) => c.primaryKey())
      .addColumn('job_id', 'text', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('node', 'text', (c) => c.notNull())
      .addColumn('rank', 'integer')
      .addColumn('stream', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('at_ms', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('logs_job').on('logs').columns(['job_id', 'seq']).execute();
  },
};

/** Attempt parts get their own rows: one part starting must not rewrite a 12,288-part attempt. */
const attemptParts: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('attempt_parts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('attempt_id', 'text', (c) => c.notNull())
      .addColumn('idx', 'integer', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('attempt_parts_attempt').on('attempt_parts').columns(['attempt_id', 'idx']).execute();
  },
};

/** A key/value table (the storage-fault probe writes here) and the leader lease of replicated servers. */
const metaAndLease: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createTable('meta').addColumn('key', 'text', (c) => c.primaryKey()).addColumn('value', 'text', (c) => c.notNull()).execute();
    await db.schema
      .createTable('leader_lease')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('epoch', 'bigint', (c) => c.notNull())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('expires_at_ms', 'bigint', (c) => c.notNull())
      .execute();
  },
};

/** A user or viewer token belongs to a team (users cancel only their own team's jobs). */
const tokenTeam: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('tokens').addColumn('team', 'text').execute();
  },
};

/**
 * One-time login codes (the dashboard's login link) and session rows: a session is a token
 * row with an expiry (the browser holds it in an HttpOnly cookie). Both live in the store
 * so that whichever PostgreSQL replica leads can honour them, and they survive a restart.
 */
const loginSessions: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('tokens').addColumn('expires_at_ms', 'bigint').execute();
    await db.schema
      .createTable('login_codes')
      .addColumn('hash', 'text', (c) => c.primaryKey())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
      .addColumn('expires_at_ms', 'bigint', (c) => c.notNull())
      .addColumn('used_at_ms', 'bigint')
      .execute();
  },
};

/**
 * Events by job and by node are indexed only where they have one: most events are a node's
 * (`node.state`, no job), and an index entry per NULL cost every such insert a B-tree write.
 * `job_id = ?` and `node = ?` imply IS NOT NULL, so both stores still use the indexes.
 */
const eventIndexesPartial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('events_job').execute();
    await db.schema.dropIndex('events_node').execute();
    await sql`create index events_job on events (job_id, seq) where job_id is not null`.execute(db);
    await sql`create index events_node on events (node, seq) where node is not null`.execute(db);
  },
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ '0001-initial': initial, '0002-attempt-parts': attemptParts, '0003-meta-lease': metaAndLease, '0004-token-team': tokenTeam, '0005-login-sessions': loginSessions, '0006-event-indexes-partial': eventIndexesPartial }),
};
