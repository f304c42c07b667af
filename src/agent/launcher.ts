/**
 * Launches one attempt's local ranks: one process per rank, each the leader of its
 * own process group (detached), with the workload contract in its env. Captures
 * stdout/stderr into a bounded tail, turns progress JSON lines into events, and stops
 * the attempt by group: optional warn signal (SIGUSR1, preemption) → SIGTERM → SIGKILL
 * after a grace period. Like torchrun, one failing rank stops its local peers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createLineSplitter, createTailBuffer, type TailBuffer } from './tail-buffer.js';
import { parseProgressLine } from './progress-line.js';
import type { AttemptEvent } from '../protocol/agent.js';

export interface LaunchProcess {
  rank: number;
  localRank: number;
  env: Record<string, string>;
}

export interface LaunchSpec {
  attemptId: string;
  /** argv; command[0] is resolved on PATH, no shell. */
  command: string[];
  cwd: string;
  processes: LaunchProcess[];
  /** SIGTERM → SIGKILL grace when a rank fails and its peers are stopped, seconds. */
  gracePeriodS: number;
}

export interface StopRequest {
  warnSignal?: 'SIGUSR1' | null;
  warnGraceS?: number;
  killGraceS: number;
}

export interface AttemptExit {
  /** First non-zero exit code among local ranks (in the order they failed), else 0; null when that rank died by a signal. */
  exitCode: number | null;
  signal: string | null;
}

export interface RunningAttempt {
  readonly attemptId: string;
  readonly state: 'starting' | 'running' | 'exited';
  readonly pids: number[];
  readonly exit: AttemptExit | undefined;
  readonly stopping: boolean;
  /** Resolves once every local process is gone (and its output drained). */
  readonly exited: Promise<AttemptExit>;
  stop(req: StopRequest): Promise<AttemptExit>;
  /** The newest output lines, prefixed with the rank and stream. */
  tail(): string[];
}

export interface LaunchOptions {
  /** Receives started / progress / log / exited events in order. */
  onEvent(event: AttemptEvent): void;
  /** Send progress events for these global ranks only (default: rank 0). */
  progressRanks?: (rank: number) => boolean;
  tail?: TailBuffer;
}

/** Ms after a rank exits to wait for its pipes to close before killing what is left of its group. */
const DRAIN_MS = 2_000;

interface Proc {
  spec: LaunchProcess;
  child: ChildProcess;
  done: boolean;
}

/** Sends `signal` to a whole process group; a group that is already gone is fine. */
export function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

export function launchAttempt(spec: LaunchSpec, options: LaunchOptions): RunningAttempt {
  const tail = options.tail ?? createTailBuffer();
  const wantProgress = options.progressRanks ?? ((rank: number) => rank === 0);
  const procs: Proc[] = [];
  let state: RunningAttempt['state'] = 'starting';
  let exit: AttemptExit | undefined;
  let firstFailure: AttemptExit | undefined;
  let stopping: Promise<AttemptExit> | undefined;
  let resolveExited!: (e: AttemptExit) => void;
  const exited = new Promise<AttemptExit>((r) => (resolveExited = r));

  const emit = options.onEvent;
  const onLine = (rank: number, stream: 'stdout' | 'stderr') => (text: string) => {
    tail.push(`[${rank}] ${stream === 'stderr' ? 'E ' : ''}${text}`);
    const progress = stream === 'stdout' ? parseProgressLine(text) : undefined;
    if (!progress) emit({ type: 'log', rank, stream, text });
    else if (wantProgress(rank)) emit({ type: 'progress', rank, ...progress });
  };

  const finishOne = (p: Proc, code: number | null, signal: NodeJS.Signals | null) => {
    if (p.done) return;
    p.done = true;
    if ((code !== 0 || signal) && !firstFailure) {
      firstFailure = { exitCode: code, signal: code === null ? signal : null };
      if (!stopping) void stopAll({ killGraceS: spec.gracePeriodS });
    }
    if (procs.every((q) => q.done)) {
      state = 'exited';
      exit = firstFailure ?? { exitCode: 0, signal: null };
      emit({ type: 'exited', exitCode: exit.exitCode, signal: exit.signal });
      resolveExited(exit);
    }
  };

  for (const p of spec.processes) procs.push(spawnRank(spec, p, onLine, finishOne));
  const pids = procs.map((p) => p.child.pid).filter((pid): pid is number => pid !== undefined);
  if (pids.length === procs.length) {
    state = 'running';
    emit({ type: 'started', pids });
  }

  async function stopAll(req: StopRequest): Promise<AttemptExit> {
    const live = () => procs.filter((p) => !p.done);
    const waitAll = (ms: number) => Promise.race([exited, delay(ms)]);
    if (req.warnSignal && live().length) {
      for (const p of live()) signalGroup(p.child.pid, req.warnSignal);
      await waitAll((req.warnGraceS ?? 0) * 1000);
    }
    if (live().length) {
      for (const p of live()) signalGroup(p.child.pid, 'SIGTERM');
      await waitAll(req.killGraceS * 1000);
    }
    for (const p of live()) signalGroup(p.child.pid, 'SIGKILL');
    return exited;
  }

  return {
    attemptId: spec.attemptId,
    get state() {
      return state;
    },
    pids,
    get exit() {
      return exit;
    },
    get stopping() {
      return stopping !== undefined;
    },
    exited,
    stop(req: StopRequest) {
      stopping ??= stopAll(req);
      return stopping;
    },
    tail: () => tail.lines(),
  };
}

function spawnRank(
  spec: LaunchSpec,
  p: LaunchProcess,
  onLine: (rank: number, stream: 'stdout' | 'stderr') => (text: string) => void,
  finish: (proc: Proc, code: number | null, signal: NodeJS.Signals | null) => void,
): Proc {
  const child = spawn(spec.command[0], spec.command.slice(1), {
    cwd: spec.cwd,
    env: { ...process.env, ...p.env },
    detached: true, // own process group (setsid), so stop() can signal the whole tree
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc: Proc = { spec: p, child, done: false };
  const out = createLineSplitter(onLine(p.rank, 'stdout'));
  const err = createLineSplitter(onLine(p.rank, 'stderr'));
  child.stdout!.setEncoding('utf8').on('data', (d: string) => out.write(d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => err.write(d));
  let drainTimer: NodeJS.Timeout | undefined;
  child.on('exit', () => {
    // Whatever the rank left behind in its group must not outlive it or hold the pipes open.
    drainTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), DRAIN_MS);
  });
  child.on('close', (code, signal) => {
    clearTimeout(drainTimer);
    out.flush();
    err.flush();
    finish(proc, code, signal);
  });
  child.on('error', (e) => {
    const why = existsSync(spec.cwd) ? e.message : `working directory ${spec.cwd} does not exist`;
    onLine(p.rank, 'stderr')(`colossus agent: cannot start ${spec.command[0]}: ${why}`);
    if (child.pid === undefined) finish(proc, 127, null);
  });
  return proc;
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
