/**
 * One scheduling pass: queued and recovering jobs in priority order (then
 * submission order) are placed all-or-nothing. A job that could fit the
 * schedulable fleet but not its free GPUs holds the line for jobs of its
 * priority and below (no backfill, so a big gang is not starved by small jobs)
 * and may preempt lower-priority attempts. Team quotas cap GPUs in use.
 *
 * A recovering gang (a multi-node job whose attempt failed) keeps its nodes: the
 * nodes of its last attempt are reserved for it until it is placed again, and it
 * gets them back in the same rank order (plus replacements for nodes that left
 * service). Jobs of higher priority may use reserved nodes; others may backfill
 * them only if they end before the gang restarts, which no job can promise (jobs
 * carry no time limit), so none does. Without this, a restarting 11,000-node gang
 * would hand its nodes to every queued job while its old attempt stops, then
 * preempt them all seconds later.
 *
 * The spare reserve (reserve.ts, `--spare-reserve`) holds idle nodes for the largest
 * running gang on top of that: jobs smaller than the gang do not get them, so when a
 * node of the gang fails its restart finds a replacement at once.
 */
import { CapacityIndex } from './capacity-index.js';
import { freeGpus, isSchedulable } from './node-state.js';
import { bestFitNode, pickTopology, placeGang, type NodeCap, type Placement } from './placement.js';
import type { Controller } from './controller.js';
import { pickReserve, type Gang } from './reserve.js';
import type { AttemptRec, JobRec, NodeRec } from './types.js';

/** Nodes of a recovering gang's last attempt, held for it (rank order). */
export interface Reservation {
  jobId: string;
  priority: number;
  nodes: string[];
}

/** Runs a pass; returns the number of attempts started. */
export function runSchedulingPass(ctl: Controller): number {
  const pending = [...ctl.waiting]
    .map((id) => ctl.jobs.get(id)!)
    .filter((j) => !ctl.liveAttempt(j) && !ctl.fencing(j))
    .sort((a, b) => b.spec.priority - a.spec.priority || a.seq - b.seq);
  if (pending.length === 0) return 0;
  const reservations = gangReservations(ctl);
  const reservedNames = new Set(reservations.flatMap((r) => r.nodes));
  // the controller's capacity index is up to date (no O(nodes) rebuild per pass)
  const index = ctl.capacity;
  const spare = spareReserve(ctl, () => index.idle(), reservedNames);
  /** Reserved nodes in service (copies, updated as the pass places jobs). */
  const reservedCaps = new Map<string, NodeCap>();
  for (const name of [...reservedNames, ...spare.names]) {
    const n = ctl.nodes.get(name);
    if (n && isSchedulable(n) && n.gpus.length > 0) reservedCaps.set(name, nodeCap(n));
  }
  /** The spare reserve's capacity, for jobs at least as large as the gang. */
  const spareCaps = [...spare.names].map((n) => reservedCaps.get(n)!);
  // reserved and spare nodes stay out of the index for this pass
  index.beginPass(reservedCaps.keys());
  try {
    return placePending(ctl, pending, index, reservations, reservedCaps, spare, spareCaps);
  } finally {
    index.endPass();
  }
}

function placePending(ctl: Controller, pending: JobRec[], index: CapacityIndex, reservations: Reservation[], reservedCaps: Map<string, NodeCap>, spare: SpareReserve, spareCaps: NodeCap[]): number {
  const fleetGpus = index.schedulableGpus;
  const teamUse = ctl.quotas.size > 0 ? gpusInUseByTeam(ctl) : new Map<string, number>();
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
    const { own, extra } = reservedFor(job, reservations, reservedCaps);
    // the gang restarts on its spares first (nearest it); other jobs as large may use them too
    const isGang = spare.gang?.jobId === job.id;
    if (spare.gang && job.spec.gpus >= spare.gang.gpus && !isGang) for (const c of spareCaps) extra.push(c);
    const preferred = isGang ? spareCaps : [];
    const placement = own.length + extra.length + preferred.length === 0 ? index.place(job.spec.gpus) : placeWithReserved(index, own, extra, job.spec.gpus, preferred);
    if (placement) {
      // startAttempt refreshes the nodes, which updates the index
      for (const p of placement) {
        const c = reservedCaps.get(p.name);
        if (c) c.freeGpus -= p.gpus;
      }
      ctl.startAttempt(job, placement);
      teamUse.set(job.spec.team, used + job.spec.gpus);
      started++;
      continue;
    }
    barrier = job.spec.priority;
    if (!tryPreemption(ctl, job, new WhatIf(index, [...own, ...extra, ...preferred]))) {
      const kept = spare.gang && job.spec.gpus < spare.gang.gpus && spare.names.size > 0 ? `; ${spare.names.size} idle node(s) are the spare reserve for ${spare.gang.jobId}` : '';
      setReason(ctl, job, `waiting for ${job.spec.gpus} free GPUs (whole nodes for a multi-node gang)${kept}`);
    }
  }
  return started;
}

interface SpareReserve {
  gang: Gang | null;
  target: number;
  names: Set<string>;
}

/** The spare reserve this pass keeps: the gang it is for and the idle nodes held (reserve.ts); `caps` (idle schedulable nodes at least) are listed only when a reserve is kept. */
export function spareReserve(ctl: Controller, caps: () => readonly NodeCap[], reservedNames: ReadonlySet<string>): SpareReserve {
  if (ctl.policy.spareReserve === 0) return { gang: null, target: 0, names: new Set() };
  const gang = ctl.reserveGang();
  const { target } = ctl.reserveTarget(gang);
  if (!gang || target === 0) return { gang, target, names: new Set() };
  return { gang, target, names: new Set(pickReserve(caps(), gang, target, reservedNames, ctl.nodes).map((c) => c.name)) };
}

/** Recovering multi-node jobs hold the nodes of their last attempt. O(size of those attempts). */
export function gangReservations(ctl: Controller): Reservation[] {
  const out: Reservation[] = [];
  for (const id of ctl.waiting) {
    const job = ctl.jobs.get(id);
    if (!job || job.state !== 'recovering') continue;
    const last = ctl.attempts.get(job.attemptIds[job.attemptIds.length - 1] ?? '');
    if (!last || last.parts.length < 2) continue;
    out.push({ jobId: job.id, priority: job.spec.priority, nodes: last.parts.map((p) => p.node) });
  }
  return out;
}

/** Reserved capacity a job may use: its own reservation (rank order) and those of lower-priority jobs. */
function reservedFor(job: JobRec, reservations: Reservation[], caps: Map<string, NodeCap>): { own: NodeCap[]; extra: NodeCap[] } {
  const own: NodeCap[] = [];
  const extra: NodeCap[] = [];
  for (const r of reservations) {
    const mine = r.jobId === job.id;
    if (!mine && r.priority >= job.spec.priority) continue;
    for (const n of r.nodes) {
      const c = caps.get(n);
      if (c) (mine ? own : extra).push(c);
    }
  }
  return { own, extra };
}

/**
 * Places a job that may use reserved nodes: a gang takes its own idle reserved nodes
 * first, in their old rank order, then its spares (`preferred`, nearest first), then the
 * fewest racks/arrays of the rest.
 */
function placeWithReserved(index: CapacityIndex, own: NodeCap[], extra: NodeCap[], gpus: number, preferred: NodeCap[] = []): Placement | null {
  const isIdle = (c: NodeCap) => c.freeGpus === c.totalGpus && c.totalGpus > 0;
  if (gpus <= index.largestNode && own.length === 0 && preferred.length === 0) return index.place(gpus) ?? (bestFitNode(extra, gpus) ? [{ name: bestFitNode(extra, gpus)!.name, gpus }] : null);
  const ownIdle = [...own.filter(isIdle), ...preferred.filter(isIdle)];
  const others = [...index.idle(), ...extra.filter(isIdle)];
  if (ownIdle.length === 0) return placeGang(others, gpus);
  const size = ownIdle[0].totalGpus;
  const need = Math.ceil(gpus / size);
  const mine = ownIdle.filter((c) => c.totalGpus === size).slice(0, need);
  const rest = mine.length < need ? pickTopology(others.filter((c) => c.totalGpus === size), need - mine.length) : [];
  if (!rest) return null;
  let left = gpus;
  return [...mine, ...rest].map((c) => {
    const g = Math.min(size, left);
    left -= g;
    return { name: c.name, gpus: g };
  });
}

/** Every schedulable node's capacity (O(nodes): views, not scheduling passes). */
export function schedulableCaps(ctl: Controller): NodeCap[] {
  const out: NodeCap[] = [];
  for (const n of ctl.nodes.values()) if (isSchedulable(n) && n.gpus.length > 0) out.push(nodeCap(n));
  return out;
}

/** A node's capacity as placement sees it (unlabelled: '' for rack and array). */
export function nodeCap(n: NodeRec): NodeCap {
  return { name: n.name, rack: n.rack ?? '', array: n.array ?? '', totalGpus: n.gpus.length, freeGpus: freeGpus(n) };
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
 * Free GPUs if some attempts were gone, answering "would a job of N GPUs fit?" in
 * O(1) with the same answer as placeJob: a node with N free GPUs for a single-node
 * job, enough whole idle nodes of one size for a gang. Adding an attempt costs
 * O(its parts), so trying victims one by one is not O(victims × nodes).
 */
class WhatIf {
  private readonly extra = new Map<string, NodeCap>();
  private readonly added = new Map<string, number>();
  private readonly idle: Map<number, number>;
  private maxFree: number;
  private readonly largest: number;

  constructor(
    private readonly index: CapacityIndex,
    extra: NodeCap[],
  ) {
    this.idle = index.idleCounts();
    this.maxFree = index.maxFree();
    let largest = index.largestNode;
    for (const c of extra) {
      this.extra.set(c.name, c);
      largest = Math.max(largest, c.totalGpus);
      this.maxFree = Math.max(this.maxFree, c.freeGpus);
      if (c.freeGpus === c.totalGpus && c.totalGpus > 0) this.idle.set(c.totalGpus, (this.idle.get(c.totalGpus) ?? 0) + 1);
    }
    this.largest = largest;
  }

  /** The attempt's GPUs on schedulable nodes become free. */
  free(att: AttemptRec): void {
    for (const p of att.parts) {
      if (p.exited) continue;
      const c = this.index.get(p.node) ?? this.extra.get(p.node);
      if (!c) continue;
      const before = c.freeGpus + (this.added.get(p.node) ?? 0);
      const after = before + p.gpuIndices.length;
      this.added.set(p.node, after - c.freeGpus);
      this.maxFree = Math.max(this.maxFree, after);
      if (before < c.totalGpus && after >= c.totalGpus) this.idle.set(c.totalGpus, (this.idle.get(c.totalGpus) ?? 0) + 1);
    }
  }

  fits(gpus: number): boolean {
    if (gpus <= this.largest) return this.maxFree >= gpus;
    for (const [size, count] of this.idle) if (size > 0 && count >= Math.ceil(gpus / size)) return true;
    return false;
  }
}

/**
 * Picks lower-priority victims (lowest priority, newest first) until the job
 * would fit, counting GPUs of attempts already stopping; preempts them.
 * Returns true when the job will fit once they are gone.
 */
function tryPreemption(ctl: Controller, job: JobRec, whatIf: WhatIf): boolean {
  const live: AttemptRec[] = [];
  for (const j of ctl.jobs.values()) {
    const att = ctl.liveAttempt(j);
    if (att) live.push(att);
  }
  for (const att of live) if (att.stop) whatIf.free(att);
  if (whatIf.fits(job.spec.gpus)) {
    setReason(ctl, job, 'waiting for stopping attempts to release GPUs');
    return true;
  }
  const victims = live
    .filter((a) => !a.stop && ctl.jobs.get(a.jobId)!.spec.priority < job.spec.priority)
    .sort((a, b) => ctl.jobs.get(a.jobId)!.spec.priority - ctl.jobs.get(b.jobId)!.spec.priority || b.startedAtMs - a.startedAtMs);
  const chosen: AttemptRec[] = [];
  for (const v of victims) {
    chosen.push(v);
    whatIf.free(v);
    if (!whatIf.fits(job.spec.gpus)) continue;
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
