/**
 * Launches one attempt's local ranks: one process group per rank (detached), led by the
 * rank supervisor (lib/rank-supervisor.mjs) which runs the rank's command in that group
 * with the workload contract in its env, and kills the group when the agent dies.
 * Captures stdout/stderr into a bounded tail, turns progress JSON lines into events, and
 * stops the attempt: optional warn signal (SIGUSR1, preemption) → SIGTERM → SIGKILL of
 * the group after a grace period. Like torchrun, one failing rank stops its local peers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createLineSplitter, createTailBuffer, type TailBuffer } from './tail-buffer.js';
import { isDropped, parseProgressLine } from './progress-line.js';
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
  /** SIGTERM → SIGKILL grace the rank supervisor gives a rank once the agent is gone, seconds (default 5). */
  orphanGraceS?: number;
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
  /** 'running' once every rank's command was started (the `started` event). */
  readonly state: 'starting' | 'running' | 'exited';
  /** Rank supervisor pids, one per local rank: each is also the id of the rank's process group. */
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
/** Default `orphanGraceS`. */
const ORPHAN_GRACE_S = 5;
/** The same path from src/agent (tsx) and from dist/agent (the built CLI). */
export const RANK_SUPERVISOR = fileURLToPath(new URL('../../lib/rank-supervisor.mjs', import.meta.url));

interface Proc {
  spec: LaunchProcess;
  /** The rank supervisor (leader of the rank's process group). */
  child: ChildProcess;
  /** The rank command runs (the supervisor said so on fd 3). */
  started: boolean;
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

  // Output of ranks that started before their peers waits for `started` (or `exited`), so `started` comes first.
  let early: AttemptEvent[] | undefined = [];
  const emit = (e: AttemptEvent) => (early && e.type !== 'started' && e.type !== 'exited' ? early.push(e) : options.onEvent(e));
  const flushEarly = () => {
    const queued = early ?? [];
    early = undefined;
    for (const e of queued) options.onEvent(e);
  };
  // Workload output is untrusted: over-long lines and progress lines too big or too deep are dropped and counted, never sent.
  const onLine = (rank: number, stream: 'stdout' | 'stderr') => (text: string, cut?: boolean) => {
    tail.push(`[${rank}] ${stream === 'stderr' ? 'E ' : ''}${text.slice(0, 1024)}`);
    if (cut) {
      emit({ type: 'log', rank, stream, text: `${text.slice(0, 200)}… [colossus agent: line longer than ${text.length} characters dropped]` });
      return emit({ type: 'dropped', rank, lines: 1, why: `${stream} line longer than ${text.length} characters` });
    }
    const progress = stream === 'stdout' ? parseProgressLine(text) : undefined;
    if (isDropped(progress)) { if (wantProgress(rank)) emit({ type: 'dropped', rank, lines: 1, why: progress.dropped }); }
    else if (!progress) emit({ type: 'log', rank, stream, text });
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
      flushEarly();
      emit({ type: 'exited', exitCode: exit.exitCode, signal: exit.signal });
      resolveExited(exit);
    }
  };

  const pids: number[] = [];
  const startedOne = () => {
    if (state !== 'starting' || !procs.every((p) => p.started)) return;
    state = 'running';
    emit({ type: 'started', pids });
    flushEarly();
  };
  for (const p of spec.processes) procs.push(spawnRank(spec, p, { onLine, started: startedOne, finish: finishOne }));
  for (const p of procs) if (p.child.pid !== undefined) pids.push(p.child.pid);

  async function stopAll(req: StopRequest): Promise<AttemptExit> {
    const live = () => procs.filter((p) => !p.done);
    const waitAll = (ms: number) => Promise.race([exited, delay(ms)]);
    if (req.warnSignal && live().length) {
      for (const p of live()) signalRank(p.child, req.warnSignal);
      await waitAll((req.warnGraceS ?? 0) * 1000);
    }
    if (live().length) {
      for (const p of live()) signalRank(p.child, 'SIGTERM');
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

/**
 * A soft signal (SIGUSR1, SIGTERM) goes to the supervisor, which relays it to its whole
 * group once; when the supervisor has exited but its group lingers, to the group.
 */
function signalRank(supervisor: ChildProcess, signal: NodeJS.Signals): void {
  if (supervisor.exitCode === null && supervisor.signalCode === null) supervisor.kill(signal);
  else signalGroup(supervisor.pid, signal);
}

interface RankHooks {
  onLine: (rank: number, stream: 'stdout' | 'stderr') => (text: string) => void;
  started: () => void;
  finish: (proc: Proc, code: number | null, signal: NodeJS.Signals | null) => void;
}

function spawnRank(spec: LaunchSpec, p: LaunchProcess, hooks: RankHooks): Proc {
  const orphanGraceMs = Math.round((spec.orphanGraceS ?? ORPHAN_GRACE_S) * 1000);
  const child = spawn(process.execPath, [RANK_SUPERVISOR, String(process.pid), String(orphanGraceMs), ...spec.command], {
    cwd: spec.cwd,
    env: { ...process.env, ...p.env },
    detached: true, // own process group (setsid), so stop() can signal the whole tree
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  const proc: Proc = { spec: p, child, started: false, done: false };
  const out = createLineSplitter(hooks.onLine(p.rank, 'stdout'));
  const err = createLineSplitter(hooks.onLine(p.rank, 'stderr'));
  child.stdout!.setEncoding('utf8').on('data', (d: string) => out.write(d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => err.write(d));
  readStartReport(child, (report) => {
    if (report.pid !== undefined) {
      proc.started = true;
      hooks.started();
    } else hooks.onLine(p.rank, 'stderr')(`colossus agent: cannot start ${spec.command[0]}: ${report.error}`);
  });
  let drainTimer: NodeJS.Timeout | undefined;
  child.on('exit', () => {
    // Whatever the rank left behind in its group must not outlive it or hold the pipes open.
    drainTimer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), DRAIN_MS);
  });
  child.on('close', (code, signal) => {
    clearTimeout(drainTimer);
    out.flush();
    err.flush();
    hooks.finish(proc, code, signal);
  });
  child.on('error', (e) => {
    const why = existsSync(spec.cwd) ? e.message : `working directory ${spec.cwd} does not exist`;
    hooks.onLine(p.rank, 'stderr')(`colossus agent: cannot start ${spec.command[0]}: ${why}`);
    if (child.pid === undefined) hooks.finish(proc, 127, null);
  });
  return proc;
}

/** The supervisor's one line on fd 3: {"pid": n} once the command runs, or {"error": "..."}. */
function readStartReport(child: ChildProcess, onReport: (r: { pid?: number; error?: string }) => void): void {
  const fd3 = child.stdio[3] as Readable | null;
  if (!fd3) return;
  let text = '';
  fd3.setEncoding('utf8');
  fd3.on('error', () => {}); // the supervisor died; its exit is reported through 'close'
  fd3.on('data', (d: string) => {
    const nl = (text += d).indexOf('\n');
    if (nl < 0) return;
    fd3.removeAllListeners('data');
    try {
      onReport(JSON.parse(text.slice(0, nl)) as { pid?: number; error?: string });
    } catch {
      onReport({ error: `rank supervisor said ${JSON.stringify(text.slice(0, nl))}` });
    }
  });
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
