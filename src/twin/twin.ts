/**
 * The digital twin: a simulated fleet driving the real control plane
 * (src/core/control's Controller, the logic the server runs) in virtual time.
 *
 * Simulated agents register every node, heartbeat, launch the attempts the
 * control plane hands them, report progress, checkpoints and exits, and report
 * XIDs; failures come from the Simulate face's failure model and step times from
 * the Plan face. Detection, draining, restarts and placement are the control
 * plane's own decisions. Discrete-event: nothing happens between events, so a
 * virtual day takes as long as its events do.
 */
import type { Controller, LocalAttempt } from '../core/control/controller.js';
import type { AttemptRec, JobRec, NodeRec } from '../core/control/types.js';
import { allExited } from '../core/control/attempt-index.js';
import type { Cluster } from '../core/cluster/types.js';
import type { ModelSpec } from '../core/model/types.js';
import type { FailureModel } from '../core/reliability/types.js';
import { EventHeap } from '../core/sim/heap.js';
import { Rng, streamKey } from '../core/sim/rng.js';
import type { Sampler } from '../core/sim/distributions.js';
import { Agents } from './agents.js';
import { compileCauses, nextGapS, repairSampler, type TwinCause } from './failures.js';
import { buildFleet, type Fleet } from './fleet.js';
import { TwinStats } from './stats.js';
import type { VirtualClock } from './virtual-clock.js';
import { JobMix } from './job-mix.js';
import type { JobPlan, PlanSoftware } from './workloads.js';
import { TwinAttempt, advance } from './attempt-run.js';

import { K_ARRIVAL, K_EXIT, K_FAIL, K_HB, K_HB_NOW, K_REPAIRED, K_STEP, K_TICK, K_UNCORDON } from './event-kinds.js';
import { Incidents } from './incidents.js';
import { MemoryPolicy, type Evictable, type MemoryLimits } from './memory-policy.js';

const TERMINAL_JOB = new Set(['succeeded', 'failed', 'cancelled']);

/** The twin's inputs; the memory limits are described in memory-policy.ts. */
export interface TwinOptions extends MemoryLimits {
  cluster: Cluster;
  model: ModelSpec;
  failures: FailureModel;
  seed: number;
  ctl: Controller;
  clock: VirtualClock;
  /** Submit the background job mix (default true). */
  mix?: boolean;
  /** Token budget of each flagship run (default 15 T); the next run starts when one has trained its tokens. */
  flagshipTokens?: number;
  /**
   * Background arrivals are dropped while this many jobs wait (default 100): users stop
   * submitting to a queue that does not move, and the queue's memory stays bounded.
   */
  maxQueuedJobs?: number;
  /** Software the jobs are planned for (`--software`, `--params`; default the newest release). */
  software?: PlanSoftware;
}

export class Twin {
  readonly fleet: Fleet;
  readonly agents: Agents;
  readonly stats = new TwinStats();
  readonly ctl: Controller;
  readonly clock: VirtualClock;
  readonly causes: TwinCause[];
  readonly mix: JobMix;
  /** 1 where a GPU has failed and waits for repair. */
  readonly failedGpu: Uint8Array;
  /** Nodes the repair crew holds, with the reason. */
  readonly inRepair = new Map<number, string>();
  /** Events handled so far. */
  events = 0;
  private readonly heap = new EventHeap(1 << 16);
  readonly incidents: Incidents;
  /** Internal to src/twin from here on (shared with Incidents). */
  readonly rng: Rng;
  readonly repairS: Sampler;
  readonly nodeRecs: NodeRec[] = [];
  readonly runs = new Map<string, TwinAttempt>();
  private readonly slots: (TwinAttempt | null)[] = [];
  /** Jobs and attempts the control plane changed since the last sync (ids). */
  private readonly touchedJobs = new Set<string>();
  private readonly touchedAttempts = new Set<string>();
  private readonly endedJobs = new WeakSet<JobRec>();
  /** What leaves memory in long runs (see memory-policy.ts). */
  readonly memory: MemoryPolicy;
  readonly pendingXids: ({ code: number; gpuIndex: number; message: string }[] | null)[];
  private readonly intervalS: number;

  constructor(readonly opts: TwinOptions) {
    this.ctl = opts.ctl;
    this.ctl.watch.job = (j) => void this.touchedJobs.add(j.id);
    this.ctl.watch.attempt = (a) => void this.touchedAttempts.add(a.id);
    // every up agent's heartbeat lands in bulk each interval (tick): only silent ones can time out
    this.ctl.timeoutCandidates = () => this.agents.silentNodes().map((i) => this.nodeRecs[i]);
    this.clock = opts.clock;
    this.fleet = buildFleet(opts.cluster);
    this.intervalS = opts.ctl.policy.heartbeatIntervalS;
    this.agents = new Agents(this.fleet.nodes.length, this.intervalS);
    this.failedGpu = new Uint8Array(this.fleet.gpus);
    this.pendingXids = new Array(this.fleet.nodes.length).fill(null);
    this.causes = compileCauses(opts.failures, this.fleet.gpus, this.fleet.nodes.length, opts.seed);
    this.rng = Rng.fromKey(streamKey(opts.seed, 0x7e1));
    this.repairS = repairSampler(opts.failures);
    this.mix = new JobMix(opts.cluster, opts.model, opts.seed, this.causes, opts.flagshipTokens, opts.software);
    this.incidents = new Incidents(this);
    this.memory = new MemoryPolicy(this, opts);
  }

  get nowS(): number {
    return this.clock.nowS;
  }

  /** Registers every node, submits the flagship and the first jobs, and schedules the processes. */
  start(): void {
    for (const n of this.fleet.nodes) {
      this.nodeRecs.push(this.ctl.registerNode({ name: n.name, gpus: n.gpus, topology: { rack: n.rack, array: n.array, hall: n.hall }, address: `10.${(n.index >> 16) & 255}.${(n.index >> 8) & 255}.${n.index & 255}`, attempts: [] }));
    }
    this.mix.submitInitial(this.ctl);
    this.heap.push(0, K_TICK, 0);
    this.causes.forEach((c, i) => this.heap.push(nextGapS(c), K_FAIL, i));
    if (this.opts.mix !== false) this.heap.push(this.mix.nextArrivalGapS(), K_ARRIVAL, 0);
  }

  /** Handles every event up to virtual time `untilS` (or until `maxEvents`); returns events handled. */
  runUntil(untilS: number, maxEvents = Infinity): number {
    let n = 0;
    while (this.heap.size > 0 && this.heap.peekTimeS() <= untilS && n < maxEvents) {
      this.heap.pop();
      this.clock.nowS = this.heap.poppedTimeS;
      this.dispatch(this.heap.poppedKind, this.heap.poppedData);
      n++;
    }
    if (n < maxEvents && untilS > this.clock.nowS) this.clock.nowS = untilS;
    this.events += n;
    return n;
  }

  private dispatch(kind: number, data: number): void {
    switch (kind) {
      case K_TICK: return this.tick();
      case K_FAIL: return this.incidents.fail(data);
      case K_HB: case K_HB_NOW: return this.heartbeat(data, kind === K_HB);
      case K_REPAIRED: return this.incidents.repaired(data);
      case K_STEP: return this.step(data);
      case K_ARRIVAL: return this.arrival();
      case K_EXIT: return this.incidents.exit(data);
      case K_UNCORDON: return this.incidents.uncordon(data, 'planned maintenance done');
    }
  }

  // ---- control-plane loop --------------------------------------------------

  /** Every heartbeat interval: quiet agents' heartbeats land, then the control plane's periodic pass. */
  private tick(): void {
    const nowMs = this.clock.nowMs();
    const up = this.agents.up;
    for (let i = 0; i < this.nodeRecs.length; i++) if (up[i]) this.nodeRecs[i].lastHeartbeatMs = nowMs;
    this.ctl.tick();
    if (Math.floor(this.nowS / 600) !== Math.floor((this.nowS - this.intervalS) / 600)) this.incidents.collectHeld();
    this.sync();
    this.heap.push(this.nowS + this.intervalS, K_TICK, 0);
  }

  /**
   * Acts on the jobs and attempts the control plane changed since the last call
   * (it reports them through `ctl.watch`): tells agents about new attempts and stop
   * orders, and settles ended ones. O(changes), not O(jobs).
   */
  sync(): void {
    const ctl = this.ctl;
    for (const id of this.touchedAttempts) {
      const att = ctl.attempts.get(id);
      if (!att) continue;
      this.syncAttempt(att);
      this.touchedJobs.add(att.jobId);
    }
    this.touchedAttempts.clear();
    for (const id of this.touchedJobs) {
      const job = ctl.jobs.get(id);
      if (!job || this.endedJobs.has(job) || !TERMINAL_JOB.has(job.state) || ctl.liveAttempt(job)) continue;
      this.endedJobs.add(job);
      this.memory.jobEnded(job);
      if (job.id === this.mix.flagshipId && job.state === 'succeeded') this.mix.submitFlagship(ctl);
    }
    this.touchedJobs.clear();
  }

  private syncAttempt(att: AttemptRec): void {
    let run = this.runs.get(att.id);
    const ended = allExited(att);
    if (!run) {
      if (ended) return;
      run = new TwinAttempt(att, this.mix.planFor(this.ctl.jobs.get(att.jobId)!), this.slots.length, (n) => this.fleet.byName.get(n)!.index);
      this.slots.push(run);
      this.runs.set(att.id, run);
      for (const node of run.nodes) this.needBeat(node);
      return;
    }
    if (ended) return this.settle(run, att);
    if (att.stop && !run.stopSeen) {
      run.stopSeen = true;
      att.parts.forEach((p, i) => {
        if (!p.exited) this.needBeat(run.nodes[i]);
      });
    }
  }

  /** The attempt is over: account lost work and forget it. */
  private settle(run: TwinAttempt, att: AttemptRec): void {
    this.runs.delete(att.id);
    this.memory.attemptEnded(att);
    this.slots[run.slot] = null;
    if (att.state === 'failed' || att.state === 'preempted') {
      const job = this.ctl.jobs.get(att.jobId)!;
      const saved = job.lastCheckpointStep ?? 0;
      const lostSteps = Math.max(0, run.step - Math.max(saved, run.fromStep));
      const l = this.stats.loss(att.jobId);
      l.lostSteps += lostSteps;
      l.lostS += lostSteps * run.plan.stepTimeS + (run.workloadStartS >= 0 ? run.plan.startupS : 0);
    }
  }

  private needBeat(node: number): void {
    if (this.agents.hbPending[node] || !this.agents.up[node]) return;
    this.agents.hbPending[node] = 1;
    this.heap.push(this.agents.nextBeatS(node, this.nowS, this.intervalS), K_HB, node);
  }

  /** A real heartbeat: reconcile, then act on the desired state like an agent. */
  private heartbeat(node: number, scheduled: boolean): void {
    if (scheduled) this.agents.hbPending[node] = 0;
    if (!this.agents.up[node]) return;
    const name = this.fleet.nodes[node].name;
    const held = this.agents.held[node];
    const xids = this.pendingXids[node];
    this.pendingXids[node] = null;
    const desired = this.ctl.heartbeatIds(name, [...held.values()], xids ? { xids } : undefined); // ids only: the twin never reads a spec
    for (const spec of desired.run) {
      if (held.has(spec.attemptId)) continue;
      held.set(spec.attemptId, { attemptId: spec.attemptId, state: 'running' });
      this.ctl.attemptEvents(name, spec.attemptId, [{ type: 'started', pids: [100_000] }]);
      const att = this.ctl.attempts.get(spec.attemptId);
      const run = this.runs.get(spec.attemptId);
      if (att && run && att.state === 'running' && run.workloadStartS < 0) {
        run.workloadStartS = this.nowS;
        this.heap.push(this.nowS + run.plan.startupS + run.nextDelayS(), K_STEP, run.slot);
      }
    }
    for (const stop of desired.stop) this.report(node, stop.attemptId, null, 'SIGTERM');
    for (const id of desired.ack) held.delete(id);
    this.sync();
  }

  /** The node's processes of the attempt exit; the agent reports it. */
  report(node: number, attemptId: string, exitCode: number | null, signal: string | null): void {
    const held = this.agents.held[node];
    const local = held.get(attemptId);
    if (!local || local.state === 'exited') return;
    held.delete(attemptId);
    if (!this.ctl.attempts.has(attemptId)) return;
    this.ctl.attemptEvents(this.fleet.nodes[node].name, attemptId, [{ type: 'exited', exitCode, signal }]);
  }

  // ---- workload ------------------------------------------------------------

  private step(slot: number): void {
    const run = this.slots[slot];
    if (!run) return;
    const att = this.ctl.attempts.get(run.id)!;
    if (att.stop || att.state !== 'running') return;
    if (run.stalled) return; // a peer is gone or hung: collectives block, no progress
    const rank0 = run.nodes[0];
    const p = advance(run, this.nowS);
    this.ctl.attemptEvents(this.fleet.nodes[rank0].name, run.id, [{ type: 'progress', rank: 0, step: p.step, loss: p.loss, ...(p.checkpoint !== null ? { checkpoint: p.checkpoint } : {}), line: p.line }]);
    this.stats.point(run.jobId, { tS: this.nowS, step: p.step, loss: p.loss });
    if (run.step >= run.plan.totalSteps) {
      for (const node of run.nodes) this.report(node, run.id, 0, null);
      this.sync();
      return;
    }
    this.heap.push(this.nowS + run.nextDelayS(), K_STEP, slot);
  }

  private arrival(): void {
    if (this.ctl.waiting.size < (this.opts.maxQueuedJobs ?? 100)) this.mix.submitNext(this.ctl);
    else this.stats.arrivalsDropped++;
    this.heap.push(this.nowS + this.mix.nextArrivalGapS(), K_ARRIVAL, 0);
  }

  // ---- failures and repairs ------------------------------------------------

  /**
   * Memory policy for long runs (memory-policy.ts): call `takeEvictable()` just
   * before a commit and `evict()` once it has resolved.
   */
  takeEvictable(): Evictable {
    return this.memory.take();
  }

  evict(e: Evictable): void {
    this.memory.evict(e);
  }

  /** Schedules a twin event at virtual time `atS`. */
  schedule(atS: number, kind: number, data: number): void {
    this.heap.push(atS, kind, data);
  }

  /** Makes a failure of `causeId` happen now on node `node` (fleet index); see Incidents.inject. */
  inject(causeId: string, node: number): boolean {
    return this.incidents.inject(causeId, node);
  }

  /** The twin's view of an attempt (for the dashboard). */
  runOf(attemptId: string): TwinAttempt | undefined {
    return this.runs.get(attemptId);
  }

  planOf(jobId: string): JobPlan | undefined {
    return this.mix.plans.get(jobId);
  }

  localAttempts(node: number): LocalAttempt[] {
    return this.agents.localAttempts(node);
  }
}
