/**
 * One writer per store: a second `colossus server` on the same SQLite data dir
 * refuses to start (exit 1, naming the pid that holds the lock); once the first is
 * killed with -9 the lock is gone and a new server starts on the same data.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteBackend } from './testing/backends.js';
import { spawnServer } from './testing/spawn-server.js';

const backend = sqliteBackend();
afterAll(() => backend.cleanup());

describe('single writer on SQLite', () => {
  it('a second server on the same data dir exits 1 naming the holder; after kill -9 of the first, a new one starts', async () => {
    const { dataDir } = backend.location('lock');
    const env = { COLOSSUS_ADMIN_TOKEN: 'cla_lock-admin', COLOSSUS_AGENT_TOKEN: 'clj_lock-join', DATABASE_URL: '' };
    const first = await spawnServer(['--data-dir', dataDir], env);
    try {
      const submitted = await fetch(`${first.url}/api/v1/jobs`, { method: 'POST', headers: { authorization: 'Bearer cla_lock-admin', 'content-type': 'application/json' }, body: JSON.stringify({ name: 'kept', gpus: 8, command: ['true'] }) });
      expect(submitted.status).toBe(201);
      const second = await spawnServer(['--data-dir', dataDir], env).then(
        (s) => (s.child.kill('SIGKILL'), 'started'),
        (e: Error) => e.message,
      );
      expect(second).toMatch(/exited with 1 before starting/);
      expect(second).toContain(`is locked by another colossus server (pid ${first.child.pid})`);
      expect(second).not.toMatch(/\n\s+at /); // a message, not a stack trace
      // the first is unharmed
      expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    } finally {
      first.child.kill('SIGKILL');
      await first.exited;
    }
    const third = await spawnServer(['--data-dir', dataDir], env);
    try {
      const jobs = (await (await fetch(`${third.url}/api/v1/jobs`, { headers: { authorization: 'Bearer cla_lock-admin' } })).json()) as { name: string }[];
      expect(jobs.map((j) => j.name)).toEqual(['kept']);
    } finally {
      third.child.kill('SIGTERM');
      expect((await third.exited).code).toBe(0);
    }
  });
});
