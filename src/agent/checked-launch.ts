/**
 * Defence in the agent: the server validates every spec, but the agent does not
 * trust that. Before launching it checks the spec against the protocol schema,
 * creates the checkpoint dir and checks the working directory — asynchronously,
 * component by component and under a deadline, so no path (`/proc/1/x`, where
 * Node's recursive mkdir spins forever; a hung NFS mount) can block the agent's
 * event loop and stop its heartbeats. A spec it cannot run ends the attempt as the
 * job's fault (exit 127 with the reason); the node stays healthy.
 */
import { mkdir, stat } from 'node:fs/promises';
import { attemptSpecSchema, type AttemptEvent, type AttemptSpec } from '../protocol/agent.js';
import { launchAttempt, type AttemptExit, type RunningAttempt, type StopRequest } from './launcher.js';

/** Exit code reported for a spec the agent cannot run (as a shell does for a command it cannot execute). */
export const CANNOT_RUN_EXIT_CODE = 127;
/** Longest the agent waits on the file system for one spec, ms. */
export const FS_DEADLINE_MS = 5_000;

export interface CheckedLaunchOptions {
  workDir: string;
  onEvent(event: AttemptEvent): void;
  /** Called once the processes are spawned (to record their pids). */
  onLaunched(run: RunningAttempt): void;
}

/** Launches `spec` once it passed the checks; the returned handle is valid at once (state 'starting' meanwhile). */
export function launchChecked(spec: AttemptSpec, opt: CheckedLaunchOptions): RunningAttempt {
  let inner: RunningAttempt | undefined;
  let own: AttemptExit | undefined;
  let stopReq: StopRequest | undefined;
  let resolveExited!: (e: AttemptExit) => void;
  const exited = new Promise<AttemptExit>((r) => (resolveExited = r));
  const end = (exit: AttemptExit, reason?: string) => {
    own = exit;
    if (reason) opt.onEvent({ type: 'log', stream: 'stderr', text: `colossus agent: ${reason}` });
    opt.onEvent({ type: 'exited', exitCode: exit.exitCode, signal: exit.signal, ...(reason ? { reason, fault: 'job' as const } : {}) });
    resolveExited(exit);
  };

  void (async () => {
    const problem = await specProblem(spec, opt.workDir);
    if (problem) return end({ exitCode: CANNOT_RUN_EXIT_CODE, signal: null }, `cannot run attempt ${spec.attemptId}: ${problem}`);
    if (stopReq) return end({ exitCode: null, signal: 'SIGTERM' }); // stopped before it started
    inner = launchAttempt(
      { attemptId: spec.attemptId, command: spec.launch === 'per-node' ? perNodeCommand(spec.command) : spec.command, cwd: spec.cwd ?? opt.workDir, processes: spec.processes, gracePeriodS: spec.gracePeriodS },
      { onEvent: opt.onEvent },
    );
    opt.onLaunched(inner);
    void inner.exited.then(resolveExited);
  })();

  return {
    attemptId: spec.attemptId,
    get state() {
      return inner?.state ?? (own ? 'exited' : 'starting');
    },
    get pids() {
      return inner?.pids ?? [];
    },
    get exit() {
      return inner?.exit ?? own;
    },
    get stopping() {
      return inner?.stopping ?? stopReq !== undefined;
    },
    exited,
    stop(req: StopRequest) {
      if (inner) return inner.stop(req);
      stopReq ??= req;
      return exited;
    },
    tail: () => inner?.tail() ?? [],
  };
}

/** Why the spec cannot run here, or undefined when it can. */
async function specProblem(spec: AttemptSpec, workDir: string): Promise<string | undefined> {
  const parsed = attemptSpecSchema.safeParse(spec);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    return `invalid spec: ${i.path.join('.') || 'spec'}: ${i.message}`;
  }
  try {
    await withDeadline(mkdirs(spec.checkpointDir), `creating ${spec.checkpointDir}`);
  } catch (e) {
    return `cannot create the checkpoint dir ${spec.checkpointDir}: ${(e as Error).message}`;
  }
  const cwd = spec.cwd ?? workDir;
  try {
    const st = await withDeadline(stat(cwd), `reading ${cwd}`);
    if (!st.isDirectory()) return `the working directory ${cwd} is not a directory`;
  } catch (e) {
    return `the working directory ${cwd} is not usable: ${(e as Error).message}`;
  }
  return undefined;
}

/** `mkdir -p` one component at a time (never `recursive: true`, which spins on some /proc paths). */
async function mkdirs(dir: string): Promise<void> {
  const parts = dir.split('/').filter(Boolean);
  let path = '';
  for (const part of parts) {
    path += `/${part}`;
    try {
      await mkdir(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
      if (!(await stat(path)).isDirectory()) throw new Error(`${path} exists and is not a directory`, { cause: e });
    }
  }
}

function withDeadline<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${FS_DEADLINE_MS / 1000} s`)), FS_DEADLINE_MS);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

/**
 * A per-node launcher (torchrun) would die of SIGUSR1 (Python's default action), taking its
 * workers with it before they checkpoint. The preemption warning goes to the whole process
 * group, so the workers still get it; the launcher starts with SIGUSR1 ignored (an ignored
 * signal stays ignored across exec, and a worker that installs a handler gets it back).
 */
export const perNodeCommand = (command: string[]): string[] => ['/bin/sh', '-c', 'trap "" USR1; exec "$@"', 'colossus-per-node', ...command];
