/**
 * Storage faults on a real full filesystem: the server's data dir is a small tmpfs
 * (mounted by the test, so it needs root: CI runs as root; elsewhere the test is
 * skipped with a message, and under CI=true without root it fails). While the
 * disk is full, submissions get 503 problem+json and are never listed or run,
 * /readyz answers 503; once space is freed the server recovers by itself, and
 * after kill -9 exactly the acknowledged jobs are there.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from './testing/spawn-server.js';

const isRoot = process.getuid?.() === 0;
if (!isRoot && process.env.CI === 'true') throw new Error('the storage-fault test mounts a tmpfs and needs root under CI=true');
if (!isRoot) console.warn('not root: skipping the storage-fault test (it mounts a small tmpfs as the data dir)');

const ADMIN = 'cla_fault-admin';
const env = { COLOSSUS_ADMIN_TOKEN: ADMIN, COLOSSUS_AGENT_TOKEN: 'clj_fault-join', DATABASE_URL: '' };
const mnt = mkdtempSync(join(tmpdir(), 'colossus-fullfs-'));
let mounted = false;
const servers: SpawnedServer[] = [];

afterAll(async () => {
  for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  await Promise.all(servers.map((s) => s.exited));
  if (mounted) execFileSync('umount', [mnt]);
  rmSync(mnt, { recursive: true, force: true });
});

async function call(url: string, method: string, path: string, body?: unknown) {
  const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${ADMIN}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', json: text ? JSON.parse(text) : null };
}

async function poll<T>(what: string, probe: () => Promise<T | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Fills the filesystem to the last byte; returns the filler's path. */
function fill(dir: string): string {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'w');
  const big = Buffer.alloc(64 * 1024, 1);
  try {
    for (const chunk of [big, big.subarray(0, 4096), big.subarray(0, 1)]) {
      try {
        for (;;) writeSync(fd, chunk);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
      }
    }
  } finally {
    closeSync(fd);
  }
  return file;
}

const job = (name: string) => ({ name, gpus: 8, command: ['true'] });
const names = async (url: string) => ((await call(url, 'GET', '/api/v1/jobs')).json as { name: string }[]).map((j) => j.name).sort();

describe.skipIf(!isRoot)('storage faults (SQLite on a full tmpfs)', () => {
  it('answers 503 and never shows what did not commit; /readyz 503 while full; recovers by itself; kill -9 keeps exactly the acknowledged jobs', async () => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mnt]);
    mounted = true;
    const s = await spawnServer(['--data-dir', mnt], env);
    servers.push(s);
    const acked: string[] = [];
    for (let i = 0; i < 5; i++) {
      expect((await call(s.url, 'POST', '/api/v1/jobs', job(`before-${i}`))).status).toBe(201);
      acked.push(`before-${i}`);
    }
    const filler = fill(mnt);
    const answers: number[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await call(s.url, 'POST', '/api/v1/jobs', job(`full-${i}`));
      answers.push(r.status);
      if (r.status === 201) acked.push(`full-${i}`);
      else {
        expect(r.status).toBe(503);
        expect(r.type).toContain('application/problem+json');
        expect(r.json).toMatchObject({ type: '/problems/store-unavailable', status: 503, detail: expect.stringMatching(/cannot commit/), hint: expect.any(String) });
      }
    }
    expect(answers.filter((a) => a === 503).length).toBeGreaterThanOrEqual(25);
    const ready = await call(s.url, 'GET', '/readyz');
    expect([ready.status, ready.json.type]).toEqual([503, '/problems/store-unavailable']);
    // reads serve the committed state only (once memory is reloaded from the store)
    const listed = await poll('the job list', async () => {
      const r = await call(s.url, 'GET', '/api/v1/jobs');
      return r.status === 200 && (r.json as { name: string }[]).map((j) => j.name).sort();
    });
    expect(listed).toEqual([...acked].sort());

    rmSync(filler);
    await poll('/readyz 200 after freeing space', async () => (await call(s.url, 'GET', '/readyz')).status === 200);
    expect((await call(s.url, 'POST', '/api/v1/jobs', job('after'))).status).toBe(201);
    acked.push('after');
    expect(await names(s.url)).toEqual([...acked].sort());

    s.child.kill('SIGKILL');
    await s.exited;
    const again = await spawnServer(['--data-dir', mnt], env);
    servers.push(again);
    expect(await names(again.url)).toEqual([...acked].sort());
  });
});
