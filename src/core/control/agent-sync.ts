/**
 * Agent synchronisation: what a node's agent says it holds (register, heartbeat)
 * is reconciled with the attempts placed on it, and the node's desired state
 * (attempts to run, attempts to stop, exits recorded) is computed for the reply.
 */
import { attemptsOn } from './node-state.js';
import { partOn } from './attempt-index.js';
import { attemptSpecFor } from './attempt-spec.js';
import type { Controller } from './controller.js';
import type { DesiredState, LocalAttempt, StopOrderView } from './controller-types.js';
import type { AttemptRec, NodeRec } from './types.js';

/** Applies the agent's list; returns the exited attempt ids now recorded (to ack). An attempt the agent lacks is lost once its grace is over (at once on register). */
export function reconcile(ctl: Controller, n: NodeRec, local: LocalAttempt[], fromRegister: boolean): string[] {
  const ack: string[] = [];
  const seen = new Set<string>();
  for (const l of local) {
    seen.add(l.attemptId);
    const att = ctl.attempts.get(l.attemptId);
    const part = att ? partOn(att, n.name)?.part : undefined;
    if (!att || !part) {
      if (l.state === 'exited') ack.push(l.attemptId);
      continue;
    }
    if (l.state === 'exited') {
      if (!part.exited) ctl.partExited(att, n.name, l.exitCode ?? null, l.signal ?? null);
      ack.push(l.attemptId);
    } else if (!part.started && !part.exited) ctl.partStarted(att, n.name);
  }
  const graceMs = 3 * ctl.policy.heartbeatIntervalS * 1000;
  for (const id of attemptsOn(n)) {
    if (seen.has(id)) continue;
    const att = ctl.attempts.get(id)!;
    // A register that does not list a part the agent never started (placed while the register
    // was on its way, its spec not yet sent) loses nothing: the next reply sends the spec, and the
    // heartbeat grace below still ends a part no agent takes up.
    const lostOnRestart = fromRegister && partOn(att, n.name)!.part.started;
    if (lostOnRestart || att.stop || ctl.attemptAgeMs(att) > graceMs) {
      ctl.partExited(att, n.name, null, 'lost', fromRegister ? 'the agent restarted without it' : 'the agent no longer has it');
    }
  }
  return ack;
}

export function desiredState(ctl: Controller, n: NodeRec, local: LocalAttempt[], ack: string[]): DesiredState {
  // An attempt the agent reports holding (starting or running) is named in `keep`, not sent
  // again: its spec went out when it started, and a 12,288-node gang's specs repeated every
  // beat were a quarter of the server's CPU at 25,000 nodes (bench control-plane).
  const holding = new Set<string>();
  for (const l of local) if (l.state !== 'exited') holding.add(l.attemptId);
  const keep: string[] = [];
  const d = desiredWith(ctl, n, local, ack, (att) => {
    if (!holding.has(att.id)) return attemptSpecFor(ctl.jobs.get(att.jobId)!, att, n.name);
    keep.push(att.id);
    return null;
  });
  return { ...d, keep };
}

/** The desired state with only the ids of the attempts to run (no specs built: an in-process agent, the twin). */
export function desiredIds(ctl: Controller, n: NodeRec, local: LocalAttempt[], ack: string[]): DesiredState<{ attemptId: string }> {
  return desiredWith(ctl, n, local, ack, (att) => (partOn(att, n.name) ? { attemptId: att.id } : null));
}

function desiredWith<R>(ctl: Controller, n: NodeRec, local: LocalAttempt[], ack: string[], view: (att: AttemptRec) => R | null): DesiredState<R> {
  const run: R[] = [];
  const stop: StopOrderView[] = [];
  for (const id of attemptsOn(n)) {
    const att = ctl.attempts.get(id)!;
    if (att.stop) stop.push(stopOrder(ctl, att, att.stop.reason, att.stop.warn));
    else {
      const spec = view(att);
      if (spec) run.push(spec);
    }
  }
  const mine = new Set(attemptsOn(n));
  for (const l of local) if (l.state !== 'exited' && !mine.has(l.attemptId)) stop.push(stopOrder(ctl, null, 'not-assigned', false, l.attemptId));
  return { heartbeatIntervalS: ctl.policy.heartbeatIntervalS, run, stop, ack, serverTimeMs: ctl.now() };
}

function stopOrder(ctl: Controller, att: AttemptRec | null, reason: StopOrderView['reason'], warn: boolean, id = att?.id ?? ''): StopOrderView {
  const grace = att ? (ctl.jobs.get(att.jobId)?.spec.gracePeriodS ?? ctl.policy.defaultKillGraceS) : ctl.policy.defaultKillGraceS;
  return { attemptId: id, reason, warnSignal: warn ? 'SIGUSR1' : null, warnGraceS: warn ? grace : 0, killGraceS: warn ? ctl.policy.defaultKillGraceS : grace };
}
