/**
 * Store backends for tests: a temp SQLite dir, and PostgreSQL at
 * postgres://postgres@127.0.0.1:5432/test (or COLOSSUS_TEST_PG_URL) in a fresh
 * schema per store. When PostgreSQL is unreachable its tests are skipped with a
 * plain message, unless CI=true, where that is a failure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Store } from '../store/store.js';

export const PG_URL = process.env.COLOSSUS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let pgUp: Promise<boolean> | undefined;
/** True when PostgreSQL answers within 2 s. */
export function postgresAvailable(): Promise<boolean> {
  pgUp ??= (async () => {
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      if (process.env.CI === 'true') throw new Error(`PostgreSQL is required under CI=true but ${PG_URL} is unreachable`);
      console.warn(`PostgreSQL at ${PG_URL} is unreachable: skipping the PostgreSQL store tests`);
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return pgUp;
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** Opens a store; the same `key` reopens the same database (restart tests). */
  open(key?: string): Promise<Store>;
  /** Where a server started in another process finds the same database. */
  location(key?: string): { dataDir: string; databaseUrl?: string; pgSchema?: string };
  cleanup(): Promise<void>;
}

export function sqliteBackend(): Backend {
  const dirs = new Map<string, string>();
  const dirOf = (key = 'default') => {
    if (!dirs.has(key)) dirs.set(key, mkdtempSync(join(tmpdir(), 'colossus-store-')));
    return dirs.get(key)!;
  };
  return {
    name: 'sqlite',
    open: (key) => Store.open({ dataDir: dirOf(key) }),
    location: (key) => ({ dataDir: dirOf(key) }),
    cleanup: async () => {
      for (const d of dirs.values()) rmSync(d, { recursive: true, force: true });
    },
  };
}

export function postgresBackend(): Backend {
  const schemas = new Map<string, string>();
  const dirs: string[] = [];
  const schemaOf = (key = 'default') => {
    if (!schemas.has(key)) schemas.set(key, `t_${randomBytes(6).toString('hex')}`);
    return schemas.get(key)!;
  };
  return {
    name: 'postgres',
    open: (key) => Store.open({ databaseUrl: PG_URL, pgSchema: schemaOf(key) }),
    location: (key) => {
      const d = mkdtempSync(join(tmpdir(), 'colossus-pgdata-'));
      dirs.push(d);
      return { dataDir: d, databaseUrl: PG_URL, pgSchema: schemaOf(key) };
    },
    cleanup: async () => {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      for (const s of schemas.values()) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
      await client.end();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}
