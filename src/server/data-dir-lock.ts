/**
 * One server per data dir. The lock is an SQLite file (`server.lock`) held in
 * exclusive locking mode: an fcntl lock the kernel drops when the process dies,
 * `kill -9` included, so a stale lock never blocks a restart and pid reuse
 * cannot fake one. `server.pid` next to it says who holds it (for the message).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { ColossusError } from '../core/errors.js';

export interface DataDirLock {
  release(): void;
}

export function lockDataDir(dataDir: string, pid = process.pid): DataDirLock {
  const file = join(dataDir, 'server.lock');
  const pidFile = join(dataDir, 'server.pid');
  const db = new SqliteDatabase(file, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT;'); // takes the exclusive lock and, in this mode, keeps it
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
    const holder = readHolder(pidFile);
    throw new ColossusError('failure', `the data dir ${dataDir} is locked by another colossus server${holder ? ` (pid ${holder})` : ''}`, {
      where: '--data-dir',
      hint: 'stop that server first, or give this one its own --data-dir (PostgreSQL replicas share DATABASE_URL, never a data dir)',
      details: { pid: holder },
    });
  }
  writeFileSync(pidFile, `${pid}\n`, { mode: 0o600 });
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      rmSync(pidFile, { force: true });
      db.close();
    },
  };
}

function readHolder(pidFile: string): number | null {
  try {
    const n = Number(readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}
