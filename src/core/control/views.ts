/**
 * API views of the in-memory records (the shapes of src/protocol's jobs/nodes
 * schemas; core cannot import protocol, so the shapes are repeated structurally).
 */
import { attemptsOn, freeGpus } from './node-state.js';
import { jobThroughput } from './throughput.js';
import { jobsOnNode } from './queries.js';
import type { Controller } from './controller.js';
import type { AttemptRec, JobRec, NodeRec } from './types.js';

/** The job's attempts still in memory, oldest first. */
export function attemptsOf(ctl: Controller, j: JobRec): AttemptRec[] {
  return j.attemptIds.flatMap((id) => ctl.attempts.get(id) ?? []);
}

export function jobSummary(ctl: Controller, j: JobRec) {
  return {
    id: j.id, name: j.spec.name, state: j.state, gpus: j.spec.gpus, priority: j.spec.priority, team: j.spec.team,
    restarts: j.restarts, lastStep: j.lastStep, lastCheckpointStep: j.lastCheckpointStep,
    submittedAtMs: j.submittedAtMs, endedAtMs: j.endedAtMs, reason: j.reason,
    model: j.spec.plan?.model ?? null, throughput: jobThroughput(j, attemptsOf(ctl, j), ctl.now()),
  };
}

export function attemptView(a: AttemptRec) {
  return {
    id: a.id, number: a.number, state: a.state, nodes: a.parts.map((p) => p.node), exitCode: a.exitCode, reason: a.reason,
    startedAtMs: a.startedAtMs, endedAtMs: a.endedAtMs, resumedFromStep: a.resumedFromStep, lastStep: a.lastStep,
    checkpointIntervalS: a.checkpointIntervalS ?? null,
  };
}

export function jobDetail(ctl: Controller, j: JobRec) {
  return {
    ...jobSummary(ctl, j), command: j.spec.command, checkpointDir: j.spec.checkpointDir, maxRestarts: j.spec.maxRestarts,
    gracePeriodS: j.spec.gracePeriodS, attempts: attemptsOf(ctl, j).map(attemptView),
    result: j.result, droppedLines: j.droppedLines ?? 0, plan: j.spec.plan ?? null, launch: j.spec.launch ?? 'per-gpu',
    advice: j.attemptIds.length ? ctl.jobAdvice(j) : null,
  };
}

export function nodeSummary(n: NodeRec) {
  return {
    name: n.name, state: n.state, gpus: n.gpus.length, rack: n.rack, lastHeartbeatAt: n.lastHeartbeatMs ? new Date(n.lastHeartbeatMs).toISOString() : null,
    array: n.array, hall: n.hall, gpuModel: n.gpus[0]?.model ?? null, gpusFree: freeGpus(n), jobs: jobsOnNode(n),
  };
}

export function nodeDetail(n: NodeRec, nowMs: number, lemonWindowS: number) {
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  return {
    ...nodeSummary(n), address: n.address,
    registeredAtMs: n.registeredAtMs, attempts: attemptsOn(n), hold: n.hold, holdReason: n.holdReason,
    gpuList: n.gpus.map((g) => {
      const t = n.telemetry[g.index] ?? {};
      return { index: g.index, uuid: g.uuid, model: g.model, temperatureC: num(t.temperatureC), powerW: num(t.powerW), utilizationPct: num(t.utilizationPct), eccVolatileUncorrected: num(t.eccVolatileUncorrected), remappedRowsPending: num(t.remappedRowsPending) };
    }),
    recentFailures: n.failuresMs.filter((t) => t >= nowMs - lemonWindowS * 1000).length,
  };
}
