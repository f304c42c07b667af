/**
 * The attempts one agent holds, and how the server's desired state (heartbeat
 * response: run / stop / ack) is applied to them. Idempotent: an attemptId is
 * launched at most once per agent process, stop orders repeat harmlessly, and an
 * attempt the server no longer mentions is stopped.
 */
import type { AttemptSpec, HeartbeatResponse, LocalAttempt } from '../protocol/agent.js';
import type { AttemptReporter } from './attempt-reporter.js';
import { launchChecked } from './checked-launch.js';
import type { RunningAttempt, StopRequest } from './launcher.js';
import { forgetPids, recordPids } from './orphans.js';

/** Grace for attempts stopped without an order (server no longer wants them), seconds. */
export const UNASSIGNED_KILL_GRACE_S = 10;

interface Held {
  spec: AttemptSpec;
  run: RunningAttempt;
}

export interface AttemptManagerOptions {
  workDir: string;
  reporter: AttemptReporter;
  log(level: 'info' | 'warn', msg: string, fields?: Record<string, unknown>): void;
}

export class AttemptManager {
  private readonly held = new Map<string, Held>();
  private readonly launched = new Set<string>();

  constructor(private readonly opt: AttemptManagerOptions) {}

  /** What the heartbeat and registration report. An exit counts once its event reached the server. */
  local(): LocalAttempt[] {
    return [...this.held.values()].map(({ spec, run }) => {
      const exit = run.exit;
      if (run.state === 'exited' && exit && this.opt.reporter.exitDelivered(spec.attemptId)) {
        return { attemptId: spec.attemptId, state: 'exited', exitCode: exit.exitCode, signal: exit.signal };
      }
      return { attemptId: spec.attemptId, state: run.state === 'starting' ? 'starting' : 'running' };
    });
  }

  /** Local GPU indices (= LOCAL_RANK, torchrun's convention) of attempts still running. */
  busyGpus(): Set<number> {
    const busy = new Set<number>();
    for (const { spec, run } of this.held.values()) if (run.state !== 'exited') for (const p of spec.processes) for (const i of p.gpus ?? [p.localRank]) busy.add(i);
    return busy;
  }

  apply(res: Pick<HeartbeatResponse, 'run' | 'stop' | 'ack'> & { keep?: string[] }): void {
    for (const spec of res.run) if (!this.launched.has(spec.attemptId)) this.launch(spec);
    for (const order of res.stop) {
      this.stop(order.attemptId, { warnSignal: order.warnSignal, warnGraceS: order.warnGraceS, killGraceS: order.killGraceS }, order.reason);
    }
    const mentioned = new Set([...res.run, ...res.stop].map((a) => a.attemptId));
    for (const id of res.keep ?? []) mentioned.add(id);
    for (const id of this.held.keys()) {
      if (!mentioned.has(id)) this.stop(id, { killGraceS: UNASSIGNED_KILL_GRACE_S }, 'not-assigned');
    }
    for (const id of res.ack) {
      const h = this.held.get(id);
      if (h && h.run.state === 'exited' && this.opt.reporter.exitDelivered(id)) {
        this.held.delete(id);
        this.opt.reporter.forget(id);
      }
    }
  }

  /** Held, not exited and not being stopped. */
  isActive(attemptId: string): boolean {
    const h = this.held.get(attemptId);
    return !!h && h.run.state !== 'exited' && !h.run.stopping;
  }

  /** Stops one attempt (no-op when unknown, exited or already stopping). */
  stop(attemptId: string, req: StopRequest, reason: string): void {
    const h = this.held.get(attemptId);
    if (!h || h.run.state === 'exited' || h.run.stopping) return;
    this.opt.log('info', `stopping attempt ${attemptId} (${reason})`, { attemptId, reason, ...req });
    void h.run.stop(req);
  }

  /** True when some attempt is held and not exited. */
  anyActive(): boolean {
    for (const { run } of this.held.values()) if (run.state !== 'exited') return true;
    return false;
  }

  /** Stops every held attempt now (self-fencing); ones already stopping keep their order. */
  stopEverything(killGraceS: number, reason: string): void {
    for (const id of this.held.keys()) this.stop(id, { killGraceS }, reason);
  }

  /** Stops everything (agent shutdown) and waits for the exits. */
  async stopAll(killGraceS: number): Promise<void> {
    for (const id of this.held.keys()) this.stop(id, { killGraceS }, 'agent-shutdown');
    await Promise.all([...this.held.values()].map((h) => h.run.exited));
  }

  get launchedCount(): number {
    return this.launched.size;
  }

  private launch(spec: AttemptSpec): void {
    this.launched.add(spec.attemptId);
    const run = launchChecked(spec, {
      workDir: this.opt.workDir,
      onEvent: (e) => this.opt.reporter.push(spec.attemptId, e),
      onLaunched: (r) => {
        if (r.pids.length) recordPids(this.opt.workDir, spec.attemptId, r.pids);
        const ranks = spec.processes.map((p) => p.rank);
        this.opt.log('info', `launched attempt ${spec.attemptId}: ranks ${ranks[0]}–${ranks.at(-1)}`, { attemptId: spec.attemptId, pids: r.pids });
      },
    });
    this.held.set(spec.attemptId, { spec, run });
    void run.exited.then((exit) => {
      forgetPids(this.opt.workDir, spec.attemptId);
      const how = exit.exitCode === null ? `killed by ${exit.signal}` : `exit code ${exit.exitCode}`;
      this.opt.log('info', `attempt ${spec.attemptId} exited (${how})`, { attemptId: spec.attemptId, ...exit });
    });
  }
}
