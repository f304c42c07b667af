/** The launcher with real child processes: tiny-train ranks, stubborn processes, failing ranks. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { launchAttempt, type LaunchSpec } from './launcher.js';
import type { AttemptEvent } from '../protocol/agent.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TINY = join(repo, 'examples/workloads/tiny-train.mjs');
const tmp = mkdtempSync(join(tmpdir(), 'launcher-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function spec(attemptId: string, command: string[], ranks: number, env: Record<string, string> = {}): LaunchSpec {
  return {
    attemptId,
    command,
    cwd: tmp,
    gracePeriodS: 5,
    processes: Array.from({ length: ranks }, (_, r) => ({
      rank: r,
      localRank: r,
      env: { RANK: String(r), LOCAL_RANK: String(r), WORLD_SIZE: String(ranks), LOCAL_WORLD_SIZE: String(ranks), GROUP_RANK: '0', COLOSSUS_ATTEMPT: '1', ...env },
    })),
  };
}

function collect() {
  const events: AttemptEvent[] = [];
  const waiters: { pred: (e: AttemptEvent) => boolean; resolve: () => void }[] = [];
  return {
    events,
    onEvent(e: AttemptEvent) {
      events.push(e);
      for (const w of waiters) if (w.pred(e)) w.resolve();
    },
    when: (pred: (e: AttemptEvent) => boolean) => new Promise<void>((r) => waiters.push({ pred, resolve: r })),
  };
}

/** Running, not a zombie (an orphan killed here may wait for a PID 1 that does not reap). */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('launchAttempt', () => {
  it('runs 4 tiny-train ranks with the env contract and reports progress of rank 0 only', async () => {
    const ev = collect();
    const run = launchAttempt(spec('job-000001.a1', [process.execPath, TINY, '--steps', '30', '--checkpoint-every', '10'], 4, { COLOSSUS_CHECKPOINT_DIR: join(tmp, 'ck1') }), ev);
    expect(run.pids).toHaveLength(4);
    expect(await run.exited).toEqual({ exitCode: 0, signal: null });
    const types = ev.events.map((e) => e.type);
    expect(types[0]).toBe('started');
    expect(types.at(-1)).toBe('exited');
    const progress = ev.events.filter((e) => e.type === 'progress');
    expect(new Set(progress.map((e) => e.rank))).toEqual(new Set([0]));
    expect(progress.map((e) => e.step)).toEqual([...Array.from({ length: 30 }, (_, i) => i + 1), 30]);
    expect(progress.filter((e) => e.checkpoint !== undefined).map((e) => e.checkpoint)).toEqual([10, 20, 30]);
    expect(progress.at(-1)!.line).toMatchObject({ done: true, step: 30 });
    const hashes = run.tail().filter((l) => l.includes('"done":true')).map((l) => /"weightsSha256":"(\w+)"/.exec(l)![1]);
    expect(hashes).toHaveLength(4);
    expect(new Set(hashes).size).toBe(1);
    expect(ev.events.filter((e) => e.type === 'log').some((e) => e.text.includes('"start":true'))).toBe(true);
  });

  it('stop: SIGTERM lets tiny-train checkpoint and exit 143', async () => {
    const ev = collect();
    const dir = join(tmp, 'ck2');
    const run = launchAttempt(spec('job-000002.a1', [process.execPath, TINY, '--steps', '10000', '--step-ms', '20'], 2, { COLOSSUS_CHECKPOINT_DIR: dir }), ev);
    await ev.when((e) => e.type === 'progress' && (e.step ?? 0) >= 3);
    expect(run.state).toBe('running');
    expect(await run.stop({ killGraceS: 10 })).toEqual({ exitCode: 143, signal: null });
    expect(readdirSync(dir).some((n) => n.startsWith('ckpt-'))).toBe(true);
  });

  it('stop with a warn signal: SIGUSR1 first (preemption), tiny-train exits 138', async () => {
    const ev = collect();
    const run = launchAttempt(spec('job-000003.a1', [process.execPath, TINY, '--steps', '10000', '--step-ms', '20'], 1, { COLOSSUS_CHECKPOINT_DIR: join(tmp, 'ck3') }), ev);
    await ev.when((e) => e.type === 'progress');
    expect(await run.stop({ warnSignal: 'SIGUSR1', warnGraceS: 10, killGraceS: 10 })).toEqual({ exitCode: 138, signal: null });
    expect(ev.events.some((e) => e.type === 'progress' && e.line.stopped === 'SIGUSR1')).toBe(true);
  });

  it('escalates to SIGKILL for a process that ignores SIGTERM, killing its whole group', async () => {
    const ev = collect();
    const script = `sleep 600 & echo "child $!"; exec ${process.execPath} -e "process.on('SIGTERM',()=>console.log('ignored')); console.log('ready'); setInterval(()=>{},1000)"`;
    const run = launchAttempt(spec('job-000004.a1', ['sh', '-c', script], 1), ev);
    await ev.when((e) => e.type === 'log' && e.text === 'ready'); // the SIGTERM handler is installed
    const grandchild = Number((ev.events.find((e) => e.type === 'log' && e.text.startsWith('child ')) as { text: string }).text.split(' ')[1]);
    expect(alive(grandchild)).toBe(true);
    expect(await run.stop({ killGraceS: 0.3 })).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(ev.events.some((e) => e.type === 'log' && e.text === 'ignored')).toBe(true);
    expect(alive(grandchild)).toBe(false);
  });

  it('a failing rank stops its peers; the attempt reports that rank’s exit code (93)', async () => {
    const ev = collect();
    const run = launchAttempt(spec('job-000005.a1', [process.execPath, TINY, '--steps', '10000', '--step-ms', '20', '--fail-at-step', '5', '--fail-code', '93'], 3), ev);
    expect(await run.exited).toEqual({ exitCode: 93, signal: null });
    expect(ev.events.at(-1)).toEqual({ type: 'exited', exitCode: 93, signal: null });
  });

  it('a command that cannot start exits 127 with a log line saying why', async () => {
    const ev = collect();
    const run = launchAttempt(spec('job-000006.a1', [join(tmp, 'no-such-program')], 2), ev);
    expect(await run.exited).toEqual({ exitCode: 127, signal: null });
    expect(ev.events.some((e) => e.type === 'log' && /cannot start .*no-such-program/.test(e.text))).toBe(true);
    expect(ev.events.some((e) => e.type === 'started')).toBe(false);
    expect(existsSync(join(tmp, 'no-such-program'))).toBe(false);
  });
});
