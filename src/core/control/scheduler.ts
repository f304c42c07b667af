/**
 * One scheduling pass: queued and recovering jobs in priority order (then
 * submission order) are placed all-or-nothing. A job that could fit the
 * schedulable fleet but not its free GPUs holds the line for jobs of its
 * priority and below (no backfill, so a big gang is not starved by small jobs)
 * and may preempt lower-priority attempts. Team quotas cap GPUs in use.
 */
import { CapacityIndex } from './capacity-index.js';
import { freeGpus, isSchedulable } from './node-state.js';
import { placeJob, type NodeCap } from './placement.js';
import type { Controller } from './controller.js';
import type { AttemptRec, JobRec } from './types.js';

/** Runs a pass; returns the number of attempts started. */
export function runSchedulingPass(ctl: Controller): number {
  const pending = [...ctl.waiting]
    .map((id) => ctl.jobs.get(id)!)
    .filter((j) => !ctl.liveAttempt(j) && !ctl.fencing(j))
    .sort((a, b) => b.spec.priority - a.spec.priority || a.seq - b.seq);
  if (pending.length === 0) return 0;
  const caps = schedulableCaps(ctl);
  const index = new CapacityIndex(caps);
  const fleetGpus = caps.reduce((s, c) => s + c.totalGpus, 0);
  const teamUse = gpusInUseByTeam(ctl);
  let barrier = -Infinity;
  let started = 0;
  for (const job of pending) {
    if (job.spec.gpus > fleetGpus) {
      setReason(ctl, job, `needs ${job.spec.gpus} GPUs; the schedulable fleet has ${fleetGpus}`);
      continue;
    }
    if (job.spec.priority <= barrier) {
      setReason(ctl, job, 'waiting behind a higher-priority or earlier job');
      continue;
    }
    const quota = ctl.quotas.get(job.spec.team);
    const used = teamUse.get(job.spec.team) ?? 0;
    if (quota !== undefined && used + job.spec.gpus > quota) {
      setReason(ctl, job, `team ${job.spec.team} quota: ${used} of ${quota} GPUs in use, job needs ${job.spec.gpus}`);
      continue;
    }
    const placement = index.place(job.spec.gpus);
    if (placement) {
      index.take(placement);
      ctl.startAttempt(job, placement);
      teamUse.set(job.spec.team, used + job.spec.gpus);
      started++;
      continue;
    }
    barrier = job.spec.priority;
    if (!tryPreemption(ctl, job, index.all())) setReason(ctl, job, `waiting for ${job.spec.gpus} free GPUs (whole nodes for a multi-node gang)`);
  }
  return started;
}

function schedulableCaps(ctl: Controller): NodeCap[] {
  const out: NodeCap[] = [];
  for (const n of ctl.nodes.values()) {
    if (!isSchedulable(n) || n.gpus.length === 0) continue;
    out.push({ name: n.name, rack: n.rack ?? '', array: n.array ?? '', totalGpus: n.gpus.length, freeGpus: freeGpus(n) });
  }
  return out;
}

function gpusInUseByTeam(ctl: Controller): Map<string, number> {
  const use = new Map<string, number>();
  for (const j of ctl.jobs.values()) {
    if (!ctl.liveAttempt(j)) continue;
    use.set(j.spec.team, (use.get(j.spec.team) ?? 0) + j.spec.gpus);
  }
  return use;
}

/**
 * Picks lower-priority victims (lowest priority, newest first) until the job
 * would fit, counting GPUs of attempts already stopping; preempts them.
 * Returns true when the job will fit once they are gone.
 */
function tryPreemption(ctl: Controller, job: JobRec, caps: NodeCap[]): boolean {
  const whatIf = new Map(caps.map((c) => [c.name, c]));
  const live: AttemptRec[] = [];
  for (const j of ctl.jobs.values()) {
    const att = ctl.liveAttempt(j);
    if (att) live.push(att);
  }
  const free = (att: AttemptRec) => {
    for (const p of att.parts) {
      const c = whatIf.get(p.node);
      if (c && !p.exited) c.freeGpus += p.gpuIndices.length;
    }
  };
  for (const att of live) if (att.stop) free(att);
  if (placeJob([...whatIf.values()], job.spec.gpus)) {
    setReason(ctl, job, 'waiting for stopping attempts to release GPUs');
    return true;
  }
  const victims = live
    .filter((a) => !a.stop && ctl.jobs.get(a.jobId)!.spec.priority < job.spec.priority)
    .sort((a, b) => ctl.jobs.get(a.jobId)!.spec.priority - ctl.jobs.get(b.jobId)!.spec.priority || b.startedAtMs - a.startedAtMs);
  const chosen: AttemptRec[] = [];
  for (const v of victims) {
    chosen.push(v);
    free(v);
    if (!placeJob([...whatIf.values()], job.spec.gpus)) continue;
    for (const c of chosen) ctl.preempt(c, `preempted by ${job.id} (priority ${job.spec.priority})`);
    setReason(ctl, job, `preempting ${chosen.length} lower-priority attempt(s)`);
    return true;
  }
  return false;
}

function setReason(ctl: Controller, job: JobRec, reason: string): void {
  if (job.reason === reason) return;
  job.reason = reason;
  ctl.touchJob(job);
}
