/**
 * Clocks (issue 9, defect 6): a ±1 h step of the server's wall clock changes no node's
 * state. The real server process runs with a preload that skews Date.now() on SIGUSR2
 * (test/helpers/skew-clock.mjs); heartbeats keep coming; then, after the backwards
 * step, a node that stops heartbeating still goes down by the node timeout.
 */
import { resolve } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from './testing/spawn-server.js';

const ADMIN = 'cla_clock-admin';
const JOIN = 'clj_clock-join';
const PRELOAD = resolve(import.meta.dirname, '../../test/helpers/skew-clock.mjs');
const dir = mkdtempSync(join(tmpdir(), 'colossus-clock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function call(url: string, path: string, body?: unknown, token = ADMIN) {
  const res = await fetch(url + path, { method: body === undefined ? 'GET' : 'POST', headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a wall-clock step in the server process', () => {
  it('+1 h then −1 h: no node changes state while heartbeats come; timeouts still work after the step back', async () => {
    let stop = false;
    const s: SpawnedServer = await spawnServer(['--data-dir', join(dir, 'data'), '--heartbeat-interval-s', '1', '--node-timeout-s', '3'], {
      COLOSSUS_ADMIN_TOKEN: ADMIN, COLOSSUS_AGENT_TOKEN: JOIN, NODE_OPTIONS: `--import ${PRELOAD}`, SKEW_STEPS_MS: '3600000,-7200000',
    });
    try {
      const tokens: Record<string, string> = {};
      for (const name of ['clk-a', 'clk-b']) {
        const r = await call(s.url, '/api/v1/agents/register', { name, gpus: [{ index: 0, uuid: `U-${name}`, model: 'H100' }] }, JOIN);
        tokens[name] = r.json.nodeToken;
      }
      const job = (await call(s.url, '/api/v1/jobs', { name: 'steady', gpus: 1, command: ['train'] })).json;
      const beating = new Set(['clk-a', 'clk-b']);
      const held = new Map<string, string[]>();
      let seq = 0;
      stop = false;
      const beats = (async () => {
        while (!stop) {
          for (const n of beating) {
            const attempts = (held.get(n) ?? []).map((attemptId) => ({ attemptId, state: 'running' as const }));
            const r = await call(s.url, `/api/v1/agents/${n}/heartbeat`, { seq: ++seq, attempts }, tokens[n]).catch(() => undefined);
            if (r?.status === 200) held.set(n, [...r.json.run.map((x: { attemptId: string }) => x.attemptId), ...r.json.keep]);
          }
          await sleep(250);
        }
      })();
      const deadline = Date.now() + 30_000;
      while ((await call(s.url, `/api/v1/jobs/${job.id}`)).json.state !== 'running' || ![...held.values()].some((a) => a.length)) {
        if (Date.now() > deadline) throw new Error('the job did not start');
        await sleep(100);
      }
      const seqBefore = (await call(s.url, '/api/v1/events?limit=10000')).json.events.at(-1).seq;
      s.child.kill('SIGUSR2'); // +1 h
      await sleep(5_000); // longer than the node timeout, several ticks
      s.child.kill('SIGUSR2'); // −2 h: now 1 h behind
      await sleep(5_000);
      const after = (await call(s.url, `/api/v1/events?since=${seqBefore}&limit=10000`)).json.events;
      expect(after.filter((e: { kind: string }) => e.kind === 'node.state' || e.kind === 'attempt.failed')).toEqual([]);
      const nodes = (await call(s.url, '/api/v1/nodes')).json.map((n: { name: string; state: string }) => [n.name, n.state]).sort();
      expect(nodes.map((n: string[]) => n[1]).sort()).toEqual(['allocated', 'idle']);
      expect((await call(s.url, `/api/v1/jobs/${job.id}`)).json).toMatchObject({ state: 'running', restarts: 0 });
      // the idle node stops heartbeating: with the wall clock an hour behind it still goes down by the timeout
      const idle = nodes.find((n: string[]) => n[1] === 'idle')[0];
      beating.delete(idle);
      const downBy = Date.now() + 20_000;
      while ((await call(s.url, `/api/v1/nodes/${idle}`)).json.state !== 'down') {
        if (Date.now() > downBy) throw new Error(`${idle} did not go down within 20 s of its last heartbeat`);
        await sleep(200);
      }
      stop = true;
      await beats;
      expect(s.stderr()).toContain('wall clock offset now -3600000 ms');
    } finally {
      stop = true;
      s.child.kill('SIGTERM');
      await s.exited;
    }
  }, 90_000);
});
