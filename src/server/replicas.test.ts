/**
 * Two `colossus server` processes on one PostgreSQL database (each with its own data
 * dir): one leads, the other stands by (/readyz 503, API calls 307 to the leader);
 * both write the same bootstrap tokens from the database into their token files; a
 * client given both URLs works whichever comes first; after kill -9 of the leader
 * the standby leads within 15 s with every acknowledged job (defect 4 on PostgreSQL:
 * two servers no longer both write); dashboard login codes and sessions work whichever
 * replica leads. Skipped when PostgreSQL is unreachable.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../protocol/client.js';
import { postgresAvailable, postgresBackend } from './testing/backends.js';
import { spawnServer, type SpawnedServer } from './testing/spawn-server.js';

const pgOk = await postgresAvailable();
const backend = postgresBackend();
const procs: SpawnedServer[] = [];
afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
  if (pgOk) await backend.cleanup();
});

async function replica(): Promise<SpawnedServer> {
  const loc = backend.location('replicas');
  const env = { DATABASE_URL: loc.databaseUrl, COLOSSUS_PG_SCHEMA: loc.pgSchema, COLOSSUS_ADMIN_TOKEN: '', COLOSSUS_AGENT_TOKEN: '' };
  const s = await spawnServer(['--data-dir', loc.dataDir, '--heartbeat-interval-s', '1', '--node-timeout-s', '30'], env);
  procs.push(s);
  return s;
}

const readyz = async (url: string) => {
  const r = await fetch(`${url}/readyz`).catch(() => null);
  return r ? { status: r.status, body: (await r.json()) as { type?: string; detail?: string } } : null;
};

describe.skipIf(!pgOk)('replicas on PostgreSQL', () => {
  it('one leads, one stands by and redirects; shared tokens; kill -9 of the leader → the standby leads within 15 s with every acknowledged job', async () => {
    const first = await replica();
    expect(first.info).toMatchObject({ store: 'postgres', role: 'leader' });
    const second = await replica();
    expect(second.info).toMatchObject({ store: 'postgres', role: 'standby' });
    const token = readFileSync(first.info.adminTokenFile!, 'utf8').trim();
    expect(readFileSync(second.info.adminTokenFile!, 'utf8').trim()).toBe(token);
    expect(readFileSync(second.info.agentTokenFile!, 'utf8').trim()).toBe(readFileSync(first.info.agentTokenFile!, 'utf8').trim());

    expect((await readyz(first.url))!.status).toBe(200);
    const standby = (await readyz(second.url))!;
    expect(standby.status).toBe(503);
    expect(standby.body).toMatchObject({ type: '/problems/standby', detail: expect.stringContaining(`the leader is ${first.url}`) });
    const redirected = await fetch(`${second.url}/api/v1/jobs?state=queued`, { redirect: 'manual', headers: { authorization: `Bearer ${token}` } });
    expect([redirected.status, redirected.headers.get('location')]).toEqual([307, `${first.url}/api/v1/jobs?state=queued`]);

    // Login codes and sessions live in the database: the standby's start-up link sends the
    // browser to the leader, which honours it; the leader's link is kept for after the failover.
    const viaStandby = await fetch(second.info.login!.url, { redirect: 'manual' });
    expect([viaStandby.status, viaStandby.headers.get('location')]).toEqual([307, second.info.login!.url.replace(second.url, first.url)]);
    const onLeader = await fetch(viaStandby.headers.get('location')!, { redirect: 'manual' });
    expect(onLeader.status).toBe(303);
    const cookie = onLeader.headers.get('set-cookie')!.split(';')[0];

    // a client listing the standby first still submits (following the 307 with its token)
    const client = new ApiClient({ server: `${second.url},${first.url}`, token });
    const acked: string[] = [];
    for (let i = 0; i < 5; i++) acked.push((await client.submitJob({ name: `acked-${i}`, gpus: 8, command: ['true'] })).id);

    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    await (async () => {
      for (;;) {
        if ((await readyz(second.url))?.status === 200) return;
        if (Date.now() - killedAt > 30_000) throw new Error(`the standby did not lead within 30 s:\n${second.stderr().slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const failoverMs = Date.now() - killedAt;
    console.log(`failover: the standby led ${(failoverMs / 1000).toFixed(1)} s after kill -9 of the leader`);
    expect(failoverMs).toBeLessThan(15_000);
    const jobs = await client.listJobs();
    expect(jobs.map((j) => j.id)).toEqual(acked);
    expect((await client.submitJob({ name: 'after', gpus: 8, command: ['true'] })).id).toBe('job-000006');
    // The new leader honours the old leader's session and its unused login code.
    expect(await (await fetch(`${second.url}/api/v1/session`, { headers: { cookie } })).json()).toMatchObject({ role: 'viewer', via: 'cookie' });
    expect((await fetch(first.info.login!.url.replace(first.url, second.url), { redirect: 'manual' })).status).toBe(303);
  });
});
