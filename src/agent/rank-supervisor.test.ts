/**
 * The rank supervisor (lib/rank-supervisor.mjs) with real processes: ranks die with a
 * SIGKILLed agent, signals reach each rank once, and a rank's exit (code or signal) is
 * reported as if there were no supervisor.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { launchAttempt, RANK_SUPERVISOR, signalGroup, type LaunchSpec } from './launcher.js';
import type { AttemptEvent } from '../protocol/agent.js';

const LAUNCHER = join(dirname(fileURLToPath(import.meta.url)), 'launcher.ts');
const tmp = mkdtempSync(join(tmpdir(), 'rank-supervisor-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Running, not a zombie (an orphan killed here may wait for a PID 1 that does not reap). */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

function spec(command: string[], ranks: number): LaunchSpec {
  const processes = Array.from({ length: ranks }, (_, r) => ({ rank: r, localRank: r, env: { RANK: String(r) } }));
  return { attemptId: 'job-000042.a1', command, cwd: tmp, gracePeriodS: 5, processes };
}

/** Runs one rank command to its end and returns the attempt's exit and log lines. */
async function runOne(command: string[], stopAfter?: { line: string; signal: 'SIGTERM' | 'SIGUSR1' }) {
  const events: AttemptEvent[] = [];
  let run: ReturnType<typeof launchAttempt> | undefined = undefined;
  run = launchAttempt(spec(command, 1), {
    onEvent: (e) => {
      events.push(e);
      if (stopAfter && e.type === 'log' && e.text === stopAfter.line) void run!.stop({ warnSignal: stopAfter.signal === 'SIGUSR1' ? 'SIGUSR1' : null, warnGraceS: 5, killGraceS: 5 });
    },
  });
  const exit = await run.exited;
  return { exit, logs: events.flatMap((e) => (e.type === 'log' ? [e.text] : [])) };
}

describe('rank supervisor', () => {
  it('ships beside the package: lib/rank-supervisor.mjs', () => {
    expect(RANK_SUPERVISOR).toBe(resolve(dirname(LAUNCHER), '../../lib/rank-supervisor.mjs'));
    expect(existsSync(RANK_SUPERVISOR)).toBe(true);
  });

  it('a SIGKILLed agent takes its ranks along: SIGTERM first, SIGKILL after the grace for one that ignores it', async () => {
    // A launcher-like parent (the real launcher, from source), 2 silent ranks: rank 0 ignores
    // SIGTERM and has a grandchild in its group; rank 1 records SIGTERM in a file and exits.
    const marker = join(tmp, 'rank1-got-sigterm');
    const rank = `
      const { spawn } = require('node:child_process');
      const sleeper = spawn('sleep', ['600'], { stdio: 'ignore' });
      process.on('SIGTERM', () => { if (process.env.RANK === '1') { require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'x'); process.exit(143); } });
      console.log('pids ' + process.pid + ' ' + sleeper.pid);
      setInterval(() => {}, 1000);`;
    const parentCode = `
      const { launchAttempt } = await import(${JSON.stringify(LAUNCHER)});
      const processes = [0, 1].map((r) => ({ rank: r, localRank: r, env: { RANK: String(r) } }));
      launchAttempt({ attemptId: 'job-000043.a1', command: [process.execPath, '-e', ${JSON.stringify(rank)}], cwd: ${JSON.stringify(tmp)}, gracePeriodS: 5, orphanGraceS: 1, processes },
        { onEvent: (e) => console.log(JSON.stringify(e)) });
      setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', parentCode], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pids: number[] = [];
    let started = false;
    for await (const line of createInterface({ input: parent.stdout! })) {
      const e = JSON.parse(line) as AttemptEvent;
      if (e.type === 'started') {
        pids.push(...e.pids);
        started = true;
      }
      if (e.type === 'log' && e.text.startsWith('pids ')) pids.push(...e.text.split(' ').slice(1).map(Number));
      if (started && pids.length === 2 + 2 * 2) break;
    }
    try {
      expect(pids.every(alive)).toBe(true);
      parent.kill('SIGKILL');
      const killedAtMs = Date.now();
      while (pids.some(alive) && Date.now() - killedAtMs < 6_000) await delay(100);
      expect(pids.filter(alive)).toEqual([]);
      expect(existsSync(marker)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
      for (const pid of pids.slice(0, 2)) signalGroup(pid, 'SIGKILL'); // the groups, should this test fail
    }
  });

  it('a stop signal reaches the rank once (the supervisor relays it to its group, not twice)', async () => {
    const counter = `let n = 0; process.on('SIGTERM', () => { if (n++ === 0) setTimeout(() => { console.log('sigterms ' + n); process.exit(0); }, 300); }); console.log('ready'); setInterval(() => {}, 1000);`;
    const { exit, logs } = await runOne([process.execPath, '-e', counter], { line: 'ready', signal: 'SIGTERM' });
    expect(exit).toEqual({ exitCode: 0, signal: null });
    expect(logs).toContain('sigterms 1');
  });

  it('a rank killed by a signal is reported killed by that signal; exit codes pass through', async () => {
    expect((await runOne(['sh', '-c', 'kill -TERM $$'])).exit).toEqual({ exitCode: null, signal: 'SIGTERM' });
    expect((await runOne(['sh', '-c', 'kill -SEGV $$'])).exit).toEqual({ exitCode: null, signal: 'SIGSEGV' });
    expect((await runOne(['sh', '-c', 'exit 7'])).exit).toEqual({ exitCode: 7, signal: null });
    // Node starts its inspector on SIGUSR1 instead of dying, so that one becomes 128 + 10.
    expect((await runOne(['sh', '-c', 'kill -USR1 $$'])).exit).toEqual({ exitCode: 138, signal: null });
  });
});
