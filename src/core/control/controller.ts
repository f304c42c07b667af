/**
 * The control plane's state machine, apart from transport, storage and clock.
 * Holds nodes, jobs and attempts in memory; every mutation marks rows dirty and
 * appends events, which the owner drains with `takeChanges()` and persists
 * before it answers (the server) or ignores (a twin in virtual time).
 */
import { classifyXid } from '../health/xid.js';
import { ColossusError } from '../errors.js';
import { attemptsOn, deriveNodeState, freeIndices, isSchedulable } from './node-state.js';
import { CapacityIndex } from './capacity-index.js';
import { decideRecovery, isLemon } from './recovery.js';
import { forgetSpecs } from './attempt-spec.js';
import { allExited, allExitedOk, allStarted, anyLive, markExited, markStarted, partOn } from './attempt-index.js';
import { runSchedulingPass } from './scheduler.js';
import { fenceBoundMs } from './fencing.js';
import { noteProgress } from './throughput.js';
import { desiredIds, desiredState, reconcile } from './agent-sync.js';
import { largestGang, reserveBasisOf, reserveTarget, type Gang, type ReserveBasis } from './reserve.js';
import type { HistoryCounts } from './fleet-history.js';
import { tallyCheckpoint } from './advice.js';
import { FleetTracker } from './fleet-tracker.js';
import { adviceForJob, attemptIntervalS, type JobAdviceView } from './job-advice.js';
import type { AttemptEventInput, Changes, DesiredState, FailureFault, LocalAttempt, RegisterInput, Snapshot } from './controller-types.js';
import type { Placement } from './placement.js';
import type { AttemptPart, AttemptRec, Clock, ControlEvent, ControlPolicy, GpuTelemetry, JobRec, JobSpec, NodeRec } from './types.js';

export type { LocalAttempt, RegisterInput, StopOrderView, DesiredState, AttemptEventInput, Changes, Snapshot, FailureFault } from './controller-types.js';

const TERMINAL_JOB = new Set(['succeeded', 'failed', 'cancelled']);

/** [0, 1, …, k-1], one array per k: a whole node's GPU list, shared by the parts that use it (a kept 23,000-part attempt holds 23,000 of them). Never mutated. */
const firstIndices: number[][] = [];
function shared(indices: number[]): number[] {
  for (let i = 0; i < indices.length; i++) if (indices[i] !== i) return indices;
  return (firstIndices[indices.length] ??= Object.freeze([...indices]) as number[]);
}

type HeartbeatTelemetry = { gpus?: ({ index: number } & GpuTelemetry)[]; xids?: { code: number; gpuIndex?: number; message?: string }[] };

/** Default attribution of a part's end: the server's own node evidence ('node-down', 'lost') is the node's; exit codes and signals are the job's. */
const failureFault = (signal: string | null): FailureFault => (signal === 'node-down' || signal === 'lost' ? 'node' : 'job');

export class Controller {
  readonly nodes = new Map<string, NodeRec>();
  readonly jobs = new Map<string, JobRec>();
  readonly attempts = new Map<string, AttemptRec>();
  readonly quotas = new Map<string, number>();
  /** Set when something happened that may let a queued job run. */
  needsSchedule = true;
  /** Ids of jobs in `queued` or `recovering` (the scheduler's queue, kept so a pass need not scan every job). */
  readonly waiting = new Set<string>();
  private eventSeq = 0;
  private jobSeq = 0;
  private dirtyNodes = new Set<string>();
  private dirtyJobs = new Set<string>();
  private dirtyAttempts = new Set<string>();
  private dirtyParts = new Map<string, { attemptId: string; index: number; part: AttemptPart }>();
  /** Attempts placed since the last takeChanges (their parts go out as placement rows). */
  private newPlacements = new Map<string, AttemptRec>();
  /** Earliest fence bound still ahead, monotonic (a scheduling pass is due then). */
  private nextFenceExpiryMs = Infinity;
  /** Each fenced attempt's bound on the monotonic clock (memory only; `fencedUntilMs` is the wall-clock record). */
  private readonly fenceMono = new WeakMap<AttemptRec, number>();
  /** Monotonic time of the last timeout scan (rate limit). */
  private lastTimeoutCheckMono = -Infinity;
  /**
   * Monotonic time of each live node's last heartbeat (memory only; `lastHeartbeatMs` is the
   * wall-clock record), kept in the order of those times (a beat moves the node to the end),
   * so the timeout check reads only the nodes that timed out: O(expired), not O(nodes).
   */
  private readonly heartbeatMono = new Map<string, number>();
  /** Monotonic time each attempt started in this process (memory only; restored attempts count from the restore). */
  private readonly attemptMono = new WeakMap<AttemptRec, number>();
  private dirtyQuotas = new Map<string, number | null>();
  private pendingEvents: ControlEvent[] = [];
  /** After a restore, live attempts get a fresh grace before a heartbeat that lacks them fails them (monotonic). */
  restoredMono = -Infinity;
  /**
   * With a clock without a monotonic side: the nodes that may have stopped heartbeating, in
   * node order (the twin's silent agents: it lands every other node's heartbeat in bulk), so
   * the timeout check is not O(nodes) every interval. Default: every node.
   */
  timeoutCandidates: (() => Iterable<NodeRec>) | null = null;
  /** Free GPUs of the schedulable nodes, updated on every node refresh (scheduling passes read it). */
  capacity = new CapacityIndex();
  /** Highest heartbeat seq seen per node since its agent registered (memory only). */
  private readonly lastSeq = new Map<string, number>();
  /**
   * Interruptions by observable cause (counted as events are emitted; restored from the store's
   * events with the snapshot) and the fleet's shape: the posterior failure rate behind the advice,
   * `GET /fleet/reliability` and the spare reserve.
   */
  readonly fleet = new FleetTracker(() => this.nodes.values());
  /** What `--spare-reserve auto` sizes from (reserve.ts), and when it was last computed (monotonic). */
  private basis: ReserveBasis | null = null;
  private basisMono = -Infinity;

  constructor(
    readonly clock: Clock,
    readonly policy: ControlPolicy,
  ) {}

  /** Wall clock: for records and display only. */
  now = (): number => this.clock.nowMs();
  /** Monotonic clock: for every timeout and rate limit (a wall-clock step changes no node's state). */
  mono = (): number => this.clock.monotonicMs?.() ?? this.clock.nowMs();

  /** Monotonic ms since the attempt started here (or since the restore that brought it back). */
  attemptAgeMs(att: AttemptRec): number {
    return this.mono() - Math.max(this.attemptMono.get(att) ?? -Infinity, this.restoredMono);
  }

  /** Rebuilds memory from persisted rows; every live node gets a fresh heartbeat grace. */
  restore(s: Snapshot): void {
    const now = this.now();
    const mono = this.mono();
    for (const n of s.nodes) {
      this.nodes.set(n.name, { ...n, busy: n.gpus.map(() => null), lastHeartbeatMs: n.down ? n.lastHeartbeatMs : now, telemetry: {} });
      this.byName = null;
      if (!n.down) this.beat(n.name, mono);
    }
    for (const j of s.jobs) {
      this.jobs.set(j.id, j);
      if (j.state === 'queued' || j.state === 'recovering') this.waiting.add(j.id);
      this.jobSeq = Math.max(this.jobSeq, j.seq);
    }
    for (const a of s.attempts) {
      this.attempts.set(a.id, a);
      // a fence still pending when the server stopped: its clock may differ from ours, so wait a whole bound again
      if (a.fencedUntilMs != null && a.endedAtMs !== null && this.jobs.get(a.jobId)?.attemptIds.at(-1) === a.id && this.waiting.has(a.jobId)) {
        a.fencedUntilMs = now + fenceBoundMs(this.policy.nodeTimeoutS);
        this.fenceMono.set(a, mono + fenceBoundMs(this.policy.nodeTimeoutS));
        this.nextFenceExpiryMs = Math.min(this.nextFenceExpiryMs, mono + fenceBoundMs(this.policy.nodeTimeoutS));
      }
      for (const p of a.parts) {
        if (a.endedAtMs !== null) p.exited = true; // parts that stopped after the attempt failed have no row of their own
        const n = this.nodes.get(p.node);
        if (!p.exited && n) for (const i of p.gpuIndices) n.busy[i] = a.id;
      }
    }
    // a row keeps the state of its last write; GPUs changing hands since then are in the attempts
    for (const n of this.nodes.values()) {
      n.state = deriveNodeState(n);
      this.updateCapacity(n);
    }
    for (const [team, q] of s.quotas) this.quotas.set(team, q);
    this.fleet.reset(s.history);
    this.basisMono = -Infinity;
    this.eventSeq = s.lastEventSeq;
    this.restoredMono = mono;
    this.needsSchedule = true;
  }

  /**
   * Forgets memory, uncommitted changes included, and restores the snapshot: what
   * a store did not commit must never be visible (after a failed commit, or when a
   * standby takes over).
   */
  reload(s: Snapshot): void {
    for (const m of [this.nodes, this.jobs, this.attempts, this.quotas, this.waiting, this.lastSeq]) m.clear();
    this.capacity = new CapacityIndex();
    this.byName = null;
    this.takeChanges();
    this.jobSeq = 0;
    this.lastTimeoutCheckMono = -Infinity;
    this.heartbeatMono.clear();
    this.nextFenceExpiryMs = Infinity;
    this.restore(s);
  }

  /** Rows changed and events appended since the last call. */
  takeChanges(): Changes {
    const c: Changes = {
      nodes: [...this.dirtyNodes].flatMap((n) => this.nodes.get(n) ?? []),
      jobs: [...this.dirtyJobs].flatMap((j) => this.jobs.get(j) ?? []),
      attempts: [...this.dirtyAttempts].flatMap((a) => this.attempts.get(a) ?? []),
      parts: [...this.dirtyParts.values()],
      placements: [...this.newPlacements.values()].map((a) => ({ attemptId: a.id, parts: a.parts })),
      events: this.pendingEvents,
      quotas: [...this.dirtyQuotas],
    };
    this.dirtyNodes = new Set();
    this.dirtyJobs = new Set();
    this.dirtyAttempts = new Set();
    this.dirtyParts = new Map();
    this.newPlacements = new Map();
    this.dirtyQuotas = new Map();
    this.pendingEvents = [];
    return c;
  }

  /**
   * True when something must be durable before the request is answered: events,
   * nodes, jobs, attempt headers, quotas. Part rows alone (a part marked started)
   * can be written lazily: after a crash, reconciliation marks them again.
   */
  hasDurableChanges(): boolean {
    return this.pendingEvents.length > 0 || this.dirtyNodes.size + this.dirtyJobs.size + this.dirtyAttempts.size + this.dirtyQuotas.size > 0;
  }

  hasChanges(): boolean {
    return this.pendingEvents.length > 0 || this.dirtyNodes.size + this.dirtyJobs.size + this.dirtyAttempts.size + this.dirtyParts.size + this.newPlacements.size + this.dirtyQuotas.size > 0;
  }

  emit(kind: string, reason: string, ref: { jobId?: string | null; node?: string | null; data?: Record<string, unknown> } = {}): void {
    const e: ControlEvent = { seq: ++this.eventSeq, atMs: this.now(), kind, jobId: ref.jobId ?? null, node: ref.node ?? null, reason, data: ref.data ?? null };
    this.pendingEvents.push(e);
    this.fleet.count(e);
  }

  /** Interruption counts by cause so far (a copy). */
  historyCounts(): HistoryCounts {
    return { ...this.fleet.history };
  }

  /** Sets the counts from the stored history (after a restore or reload); the reserve's basis is recomputed. */
  seedHistory(counts: HistoryCounts): void {
    this.fleet.reset(counts);
    this.basisMono = -Infinity;
    this.needsSchedule = true;
  }

  /** The largest multi-node job that runs or recovers: the gang the spare reserve is for. */
  reserveGang(): Gang | null {
    return largestGang(this.jobs.values(), this.attempts, this.nodes);
  }

  /** The auto basis (recomputed when older than reserveRecomputeS); null unless the reserve is 'auto'. */
  reserveBasis(): ReserveBasis | null {
    if (this.policy.spareReserve !== 'auto') return null;
    if (!this.basis || this.mono() - this.basisMono >= this.policy.reserveRecomputeS * 1000) {
      const old = this.basis;
      this.basis = reserveBasisOf(this.fleet.estimate(this.now()), this.fleet.prior(), this.now());
      this.basisMono = this.mono();
      // a pass only when the gang's reserve changes size (the rate drifts with every GPU-hour)
      const gang = old ? this.reserveGang() : null;
      if (gang && reserveTarget('auto', gang, old).target !== reserveTarget('auto', gang, this.basis).target) this.needsSchedule = true;
    }
    return this.basis;
  }

  /** Nodes the spare reserve should hold now for `gang` (see reserve.ts). */
  reserveTarget(gang: Gang | null): ReturnType<typeof reserveTarget> {
    return reserveTarget(this.policy.spareReserve, gang, gang ? this.reserveBasis() : null);
  }

  /**
   * Called with every job and attempt whose row changes, so an in-process driver (the
   * twin) follows changes instead of scanning every job after every event.
   */
  readonly watch: { job?: (j: JobRec) => void; attempt?: (a: AttemptRec) => void } = {};

  touchNode = (n: NodeRec) => void this.dirtyNodes.add(n.name);
  touchJob = (j: JobRec): void => {
    this.dirtyJobs.add(j.id);
    this.watch.job?.(j);
  };
  touchAttempt = (a: AttemptRec): void => {
    this.dirtyAttempts.add(a.id);
    this.watch.attempt?.(a);
  };
  touchPart = (a: AttemptRec, index: number) => void this.dirtyParts.set(`${a.id}#${index}`, { attemptId: a.id, index, part: a.parts[index] });

  /**
   * Re-derives the node's state and records the transition, if any. `persist` false: only
   * the node's GPUs changed hands (an attempt placed or ended on it), which its row does not
   * hold — the state is derived again from the attempts on restore, and the transition's
   * event is durable — so the row is not rewritten (a 23,000-node gang's restart wrote
   * 46,000 node rows for it).
   */
  refreshNode(n: NodeRec, reason: string, source: string, persist = true): void {
    const to = deriveNodeState(n);
    if (persist) this.touchNode(n);
    this.updateCapacity(n);
    if (to === n.state) return;
    const from = n.state;
    n.state = to;
    // Only a node that gains room for new work can let a waiting job run (fewer passes).
    if (to === 'idle' || (to === 'allocated' && from !== 'idle')) this.needsSchedule = true;
    this.emit('node.state', reason, { node: n.name, data: { from, to, source } });
  }

  // ---- nodes -------------------------------------------------------------

  registerNode(input: RegisterInput): NodeRec {
    const now = this.now();
    let n = this.nodes.get(input.name);
    const isNew = !n;
    if (!n) {
      n = { name: input.name, state: 'idle', hold: null, holdReason: null, down: false, gpus: [], rack: null, array: null, hall: null, address: null, registeredAtMs: now, lastHeartbeatMs: now, busy: [], failuresMs: [], telemetry: {} };
      this.nodes.set(n.name, n);
      this.byName = null;
      this.emit('node.state', 'registered', { node: n.name, data: { from: null, to: 'idle', source: 'agent' } });
    }
    const busy = n.busy;
    if (isNew || n.gpus.length !== input.gpus.length || n.gpus[0]?.model !== input.gpus[0]?.model) this.fleet.invalidate();
    n.gpus = input.gpus;
    n.busy = input.gpus.map((_, i) => busy[i] ?? null);
    n.rack = input.topology.rack ?? null;
    n.array = input.topology.array ?? null;
    n.hall = input.topology.hall ?? null;
    n.address = n.adminAddress ?? input.address;
    n.joinAllowed = false;
    n.lastHeartbeatMs = now;
    this.beat(n.name, this.mono());
    n.down = false;
    this.lastSeq.delete(n.name); // a new agent process counts from 0 again
    this.emit('node.registered', isNew ? `registered with ${input.gpus.length} GPUs` : `re-registered with ${input.attempts.length} live attempts`, { node: n.name });
    reconcile(this, n, input.attempts, true);
    this.refreshNode(n, isNew ? 'registered' : 're-registered', 'agent');
    this.needsSchedule = true;
    return n;
  }

  /** A heartbeat: liveness, telemetry, reconciliation; returns the node's desired state. */
  heartbeat(name: string, attempts: LocalAttempt[], telemetry?: HeartbeatTelemetry, seq?: number): DesiredState {
    const b = this.receiveBeat(name, attempts, telemetry, seq);
    return desiredState(this, b.n, b.local, b.ack);
  }

  /** `heartbeat` for an in-process agent that needs only the ids of the attempts to run (the twin): no specs are built. */
  heartbeatIds(name: string, attempts: LocalAttempt[], telemetry?: HeartbeatTelemetry): DesiredState<{ attemptId: string }> {
    const b = this.receiveBeat(name, attempts, telemetry);
    return desiredIds(this, b.n, b.local, b.ack);
  }

  private receiveBeat(name: string, attempts: LocalAttempt[], telemetry?: HeartbeatTelemetry, seq?: number): { n: NodeRec; local: LocalAttempt[]; ack: string[] } {
    const n = this.requireNode(name);
    n.lastHeartbeatMs = this.now();
    this.beat(name, this.mono());
    if (seq !== undefined) {
      const last = this.lastSeq.get(name);
      // a heartbeat overtaken by a newer one only proves liveness: its attempt list is stale
      if (last !== undefined && seq <= last) return { n, local: [], ack: [] };
      this.lastSeq.set(name, seq);
    }
    if (n.down) {
      n.down = false;
      this.refreshNode(n, 'heartbeats resumed', 'health');
    }
    if (telemetry?.gpus) for (const g of telemetry.gpus) n.telemetry[g.index] = { ...n.telemetry[g.index], ...g };
    if (telemetry?.xids) for (const x of telemetry.xids) this.onXid(n, x.code, x.gpuIndex, x.message);
    const ack = reconcile(this, n, attempts, false);
    return { n, local: attempts, ack };
  }


  private onXid(n: NodeRec, code: number, gpuIndex?: number, message?: string): void {
    const c = classifyXid(code);
    const where = gpuIndex === undefined ? '' : ` on GPU ${gpuIndex}`;
    const reason = `XID ${code} (${c.description})${where}: ${c.severity}, ${c.action === 'drain' ? 'draining the node' : 'node stays in the pool'}`;
    if (gpuIndex !== undefined) n.telemetry[gpuIndex] = { ...n.telemetry[gpuIndex], lastXid: code }; // DCGM_FI_DEV_XID_ERRORS: the last XID per GPU
    this.emit('xid', reason, { node: n.name, data: { code, gpuIndex: gpuIndex ?? null, severity: c.severity, action: c.action, message: message ?? null } });
    if (c.action === 'drain') this.drainNode(n.name, reason, 'health');
  }

  /** Operator or health actions on a node. */
  nodeAction(name: string, action: 'cordon' | 'uncordon' | 'drain' | 'repair', reason: string, source: string): NodeRec {
    const n = this.requireNode(name);
    if (action === 'drain') return this.drainNode(name, reason, source);
    if (action === 'repair') {
      n.hold = 'repair';
      return this.drainNode(name, reason, source);
    }
    if (action === 'cordon') {
      n.hold = 'cordon';
      n.holdReason = reason;
      this.emit('node.cordon', reason, { node: name, data: { source } });
    } else {
      n.hold = null;
      n.holdReason = null;
      n.failuresMs = [];
      this.emit('node.uncordon', reason, { node: name, data: { source } });
    }
    this.refreshNode(n, reason, source);
    return n;
  }

  /** `colossus node reset`: the join token may register this name once more (the caller revokes the credential). */
  resetNode(name: string, reason: string): NodeRec {
    const n = this.requireNode(name);
    n.joinAllowed = true;
    this.touchNode(n);
    this.emit('node.reset', reason, { node: name });
    return n;
  }

  /** `colossus node revoke`: the node's credential is gone (the caller deletes it); recorded as an event. */
  revokeNode(name: string, reason: string): NodeRec {
    const n = this.requireNode(name);
    this.emit('node.revoked', reason, { node: name });
    return n;
  }

  /** An admin sets MASTER_ADDR for the node (null: back to the address the server sees at its next registration). */
  setNodeAddress(name: string, address: string | null, reason: string): NodeRec {
    const n = this.requireNode(name);
    n.adminAddress = address;
    if (address !== null) n.address = address;
    this.touchNode(n);
    this.emit('node.address', reason, { node: name, data: { address } });
    return n;
  }

  /** No new work; the node's attempts stop and their jobs recover elsewhere. */
  drainNode(name: string, reason: string, source: string): NodeRec {
    const n = this.requireNode(name);
    if (n.hold === null) n.hold = 'cordon';
    n.holdReason = reason;
    this.emit('node.drain', reason, { node: name, data: { source } });
    for (const id of attemptsOn(n)) {
      const att = this.attempts.get(id)!;
      if (!att.stop) this.failAttempt(att, null, `node ${name} drained: ${reason}`, 'node-drain');
    }
    this.refreshNode(n, reason, source);
    return n;
  }

  /** Marks nodes whose heartbeats stopped as down and fails their attempts. */
  checkTimeouts(): void {
    const mono = this.mono();
    if (mono - this.lastTimeoutCheckMono < 1000) return; // at most once a second
    this.lastTimeoutCheckMono = mono;
    const deadline = mono - this.policy.nodeTimeoutS * 1000;
    if (this.clock.monotonicMs) {
      // oldest beat first: stop at the first node that beat recently enough
      for (const [name, last] of this.heartbeatMono) {
        if (last >= deadline) break;
        this.heartbeatMono.delete(name); // back with its next heartbeat or registration
        const n = this.nodes.get(name);
        if (n && !n.down) this.timedOut(n, mono, last);
      }
      return;
    }
    // a clock without a monotonic side (the twin's virtual clock): `lastHeartbeatMs`, set in bulk
    for (const n of this.timeoutCandidates?.() ?? this.nodes.values()) if (!n.down && n.lastHeartbeatMs < deadline) this.timedOut(n, mono, n.lastHeartbeatMs);
  }

  /** The node's heartbeats stopped at `last` (monotonic): down, its attempts fenced and failed. */
  private timedOut(n: NodeRec, mono: number, last: number): void {
    n.down = true;
    const reason = `no heartbeat for ${((mono - last) / 1000).toFixed(0)} s (timeout ${this.policy.nodeTimeoutS} s)`;
    this.refreshNode(n, reason, 'health');
    const fencedUntilMs = n.lastHeartbeatMs + fenceBoundMs(this.policy.nodeTimeoutS);
    const fencedUntilMono = last + fenceBoundMs(this.policy.nodeTimeoutS);
    for (const id of attemptsOn(n)) {
      const att = this.attempts.get(id)!;
      this.fence(att, fencedUntilMs, fencedUntilMono);
      this.partExited(att, n.name, null, 'node-down', `node ${n.name} down: ${reason}`);
    }
  }

  private byName: NodeRec[] | null = null;

  /** Every node, in name order (kept until a node registers or the state is restored). */
  nodesByName(): NodeRec[] {
    this.byName ??= [...this.nodes.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return this.byName;
  }

  private updateCapacity(n: NodeRec): void {
    let free = 0;
    for (const b of n.busy) if (b === null) free++;
    this.capacity.update(n.name, n.rack ?? '', n.array ?? '', n.gpus.length, free, isSchedulable(n));
  }

  /** A node's heartbeat (or registration, or restore) at `mono`: to the end of the order. */
  private beat(name: string, mono: number): void {
    if (!this.clock.monotonicMs) return; // the timeout check reads `lastHeartbeatMs` then (the twin)
    this.heartbeatMono.delete(name);
    this.heartbeatMono.set(name, mono);
  }

  /** Ranks of `att` may run until `untilMs` (a silent node self-fences by then): hold the job's next attempt. */
  private fence(att: AttemptRec, untilMs: number, untilMono: number): void {
    if ((this.fenceMono.get(att) ?? -Infinity) >= untilMono) return;
    att.fencedUntilMs = untilMs;
    this.fenceMono.set(att, untilMono);
    this.touchAttempt(att);
    this.nextFenceExpiryMs = Math.min(this.nextFenceExpiryMs, untilMono);
  }

  /** True while the job's latest attempt may still have ranks running on a silent node. */
  fencing(job: JobRec): boolean {
    const last = job.attemptIds[job.attemptIds.length - 1];
    const att = last ? this.attempts.get(last) : undefined;
    if (!att || att.fencedUntilMs == null) return false;
    const mono = this.fenceMono.get(att); // the bound is a timeout: measured on the monotonic clock
    return mono !== undefined ? mono > this.mono() : att.fencedUntilMs > this.now();
  }

  requireNode(name: string): NodeRec {
    const n = this.nodes.get(name);
    if (!n) throw new ColossusError('not-found', `no node named '${name}'`, { where: 'node', hint: 'list nodes with `colossus node list`' });
    return n;
  }

  // ---- jobs --------------------------------------------------------------

  submitJob(spec: Omit<JobSpec, 'checkpointDir'> & { checkpointDir?: string }): JobRec {
    const seq = ++this.jobSeq;
    const id = `job-${String(seq).padStart(6, '0')}`;
    const job: JobRec = {
      id, seq, spec: { ...spec, checkpointDir: spec.checkpointDir ?? `${this.policy.checkpointRoot}/${id}` },
      state: 'queued', reason: 'waiting to be scheduled', submittedAtMs: this.now(), endedAtMs: null, restarts: 0,
      lastStep: null, lastCheckpointStep: null, result: null, stuckAttempts: 0, attemptIds: [],
    };
    this.jobs.set(id, job);
    this.waiting.add(id);
    this.touchJob(job);
    this.emit('job.submitted', `${spec.gpus} GPUs, priority ${spec.priority}, team ${spec.team}`, { jobId: id });
    this.needsSchedule = true;
    return job;
  }

  requireJob(id: string): JobRec {
    const j = this.jobs.get(id);
    if (!j) throw new ColossusError('not-found', `no job '${id}'`, { where: 'job', hint: 'list jobs with `colossus job list`' });
    return j;
  }

  cancelJob(id: string, reason: string): JobRec {
    const job = this.requireJob(id);
    if (TERMINAL_JOB.has(job.state)) throw new ColossusError('conflict', `job ${id} is already ${job.state}`, { where: 'job' });
    const live = this.liveAttempt(job);
    if (live) {
      live.state = 'stopping';
      live.stop = { reason: 'cancelled', warn: false };
      live.reason = reason;
      this.touchAttempt(live);
    }
    this.setJobState(job, 'cancelled', reason);
    return job;
  }

  setJobState(job: JobRec, state: JobRec['state'], reason: string): void {
    const from = job.state;
    job.state = state;
    if (state === 'queued' || state === 'recovering') this.waiting.add(job.id);
    else this.waiting.delete(job.id);
    job.reason = reason;
    if (TERMINAL_JOB.has(state)) job.endedAtMs = this.now();
    this.touchJob(job);
    this.emit('job.state', reason, { jobId: job.id, data: { from, to: state } });
    if (state !== 'running') this.needsSchedule = true; // a placement is made by a pass, which placed all it could
  }

  /** Goodput advice for the job at the fleet's current posterior failure rate (src/core/control/job-advice.ts). */
  jobAdvice(job: JobRec): JobAdviceView {
    const attempts = job.attemptIds.flatMap((id) => this.attempts.get(id) ?? []);
    return adviceForJob(job, attempts, this.fleet.ratePerGpuHour(this.now()), this.fleet.prior());
  }

  /** The job's attempt that still holds GPUs, if any. */
  liveAttempt(job: JobRec): AttemptRec | null {
    const last = job.attemptIds[job.attemptIds.length - 1];
    const att = last ? this.attempts.get(last) : undefined;
    return att && anyLive(att) ? att : null;
  }

  // ---- attempts ----------------------------------------------------------

  /** Creates an attempt on a placement (the scheduler calls this). */
  startAttempt(job: JobRec, placement: Placement): AttemptRec {
    const number = job.attemptIds.length + 1;
    const id = `${job.id}.a${number}`;
    let rank = 0;
    const parts = placement.map((p) => {
      const n = this.nodes.get(p.name)!;
      const gpuIndices = shared(freeIndices(n, p.gpus));
      for (const i of gpuIndices) n.busy[i] = id;
      const part = { node: p.name, gpuIndices, firstRank: rank, started: false, exited: false, exitCode: null };
      rank += p.gpus;
      return part;
    });
    const first = this.nodes.get(placement[0].name)!;
    const checkpointIntervalS = attemptIntervalS(this.jobAdvice(job)); // from the earlier attempts' measurements
    const att: AttemptRec = {
      id, jobId: job.id, number, state: 'starting', parts, masterAddr: first.address ?? '127.0.0.1',
      masterPort: 29500 + ((job.seq * 7 + number) % 20000), exitCode: null, reason: null, startedAtMs: this.now(),
      endedAtMs: null, resumedFromStep: job.lastCheckpointStep, lastStep: null, lastRank0Line: null, stop: null, checkpointIntervalS,
    };
    this.attempts.set(id, att);
    this.attemptMono.set(att, this.mono());
    job.attemptIds.push(id);
    this.touchAttempt(att);
    this.newPlacements.set(id, att);
    const racks = new Set(placement.map((p) => this.nodes.get(p.name)!.rack ?? '')).size;
    this.emit('attempt.placed', `attempt ${number} on ${placement.length} node(s) in ${racks} rack(s)`, { jobId: job.id, data: { attemptId: id, nodes: placement.map((p) => p.name) } });
    this.setJobState(job, 'running', `attempt ${number} placed`);
    for (const p of parts) this.refreshNode(this.nodes.get(p.node)!, `attempt ${id}`, 'scheduler', false);
    return att;
  }

  /** Applies an agent's attempt events; returns whether the attempt should keep running there. */
  attemptEvents(node: string, attemptId: string, events: AttemptEventInput[]): boolean {
    const att = this.attempts.get(attemptId);
    const part = att ? partOn(att, node)?.part : undefined;
    if (!att || !part) throw new ColossusError('not-found', `attempt ${attemptId} has no part on node ${node}`, { where: 'attemptId' });
    if (this.superseded(att, part)) {
      if (events.some((e) => e.type === 'progress')) this.staleEvents += 1;
      return false; // a fenced part or an older attempt: its ranks must not move the job (logs are still kept)
    }
    for (const e of events) {
      if (e.type === 'started') this.partStarted(att, node);
      else if (e.type === 'progress') this.onProgress(att, e);
      else if (e.type === 'dropped') this.onDropped(att, e.lines);
      else if (e.type === 'exited' && !part.exited) this.partExited(att, node, e.exitCode, e.signal, e.reason, e.fault);
    }
    return !att.stop && !part.exited;
  }

  /** Progress batches ignored because they came from a superseded attempt or a fenced part (for tests and metrics). */
  staleEvents = 0;

  /**
   * Events of a part the server already counts as gone (its node went silent and
   * was fenced) or of an attempt that is no longer the job's latest come from
   * ranks that should not exist: they never move lastCheckpointStep, step or result.
   */
  superseded(att: AttemptRec, part: AttemptPart): boolean {
    const job = this.jobs.get(att.jobId);
    return part.exited || !job || job.attemptIds[job.attemptIds.length - 1] !== att.id;
  }

  partStarted(att: AttemptRec, node: string): void {
    const { part } = partOn(att, node)!;
    markStarted(att, part);
    // No part row for a start: a restored controller learns it again from the agent's next
    // heartbeat (reconcile), and the attempt row says when all parts run. A 23,000-node
    // gang's starts were a third of the rows of each restart.
    if (att.state === 'starting' && allStarted(att)) {
      att.state = 'running';
      this.touchAttempt(att);
      const why = `attempt ${att.number} running on ${att.parts.length} node(s)`;
      this.emit('attempt.running', why, { jobId: att.jobId });
      const job = this.jobs.get(att.jobId);
      if (job && job.state === 'running') {
        job.reason = why; // the current reason, not "attempt N placed"
        this.touchJob(job);
      }
    }
  }

  private onProgress(att: AttemptRec, e: Extract<AttemptEventInput, { type: 'progress' }>): void {
    const job = this.jobs.get(att.jobId)!;
    if (e.checkpoint !== undefined && (job.lastCheckpointStep === null || e.checkpoint > job.lastCheckpointStep)) {
      job.lastCheckpointStep = e.checkpoint;
      this.touchJob(job);
    }
    if (e.rank !== 0) return;
    if (e.checkpoint !== undefined) att.checkpoints = tallyCheckpoint(att.checkpoints, this.now(), e.line.checkpointS);
    if (e.step !== undefined) {
      att.lastStep = e.step;
      job.lastStep = e.step;
      noteProgress(att, e.step, this.now());
      this.touchJob(job);
    }
    att.lastRank0Line = e.line;
    this.touchAttempt(att);
  }

  /** Workload output lines an agent dropped (oversize, malformed): counted on the job beside its result. */
  private onDropped(att: AttemptRec, lines: number): void {
    const job = this.jobs.get(att.jobId)!;
    job.droppedLines = (job.droppedLines ?? 0) + lines;
    this.touchJob(job);
  }

  /**
   * One node's processes of the attempt are gone. `fault` says who a failure counts
   * against (docs/operate.md, failure attribution); by default a lost node or agent
   * ('node-down', 'lost') is the node's, an exit code or a signal the job's own.
   */
  partExited(att: AttemptRec, node: string, exitCode: number | null, signal: string | null, why?: string, fault?: FailureFault): void {
    const { part, groupRank } = partOn(att, node)!;
    const stopping = att.stop !== null;
    markExited(att, part, exitCode);
    // a part of an attempt already stopping is not a row: its exit decides nothing (the attempt's
    // outcome is set); a restore counts every part of an ended attempt as exited, and one before
    // the end finds the agent without it (23,000 rows per gang restart)
    if (!stopping) this.touchPart(att, groupRank);
    const n = this.nodes.get(node);
    if (n) {
      for (const i of part.gpuIndices) if (n.busy[i] === att.id) n.busy[i] = null;
      this.refreshNode(n, `attempt ${att.id} ended on it`, 'agent', false);
    }
    this.needsSchedule = true;
    if (!att.stop && att.state !== 'succeeded') {
      if (exitCode === 0) {
        if (allExitedOk(att)) {
          att.state = 'succeeded';
          att.exitCode = 0;
          this.touchAttempt(att);
        }
      } else {
        const what = exitCode === null ? `killed by ${signal ?? 'a signal'} on ${node}` : `exit code ${exitCode} on ${node}`;
        const reason = why && exitCode !== null ? `${what}: ${why}` : (why ?? what);
        this.failAttempt(att, exitCode, reason, 'peer-failed');
        if (n && (fault ?? failureFault(signal)) === 'node') this.recordNodeFailure(n, reason);
      }
    }
    if (allExited(att)) this.attemptEnded(att);
  }

  /** Marks the attempt failed and asks its other parts to stop. */
  failAttempt(att: AttemptRec, exitCode: number | null, reason: string, stopReason: 'peer-failed' | 'node-drain'): void {
    att.state = 'failed';
    att.exitCode = exitCode;
    att.reason = reason;
    att.stop = { reason: stopReason, warn: false };
    this.touchAttempt(att);
    this.emit('attempt.failed', reason, { jobId: att.jobId, data: { attemptId: att.id, exitCode } });
    const job = this.jobs.get(att.jobId)!;
    if (TERMINAL_JOB.has(job.state)) return;
    const d = decideRecovery(job, att, this.policy);
    job.stuckAttempts = d.stuckAttempts;
    if (d.state === 'recovering') job.restarts += 1;
    this.setJobState(job, d.state, d.reason);
  }

  private recordNodeFailure(n: NodeRec, reason: string): void {
    n.failuresMs = [...n.failuresMs.filter((t) => t >= this.now() - this.policy.lemonWindowS * 1000), this.now()];
    this.touchNode(n);
    if (n.hold !== 'suspect' && isLemon(n.failuresMs, this.now(), this.policy)) {
      n.hold = 'suspect';
      n.holdReason = `lemon: ${n.failuresMs.length} attempt failures within ${this.policy.lemonWindowS} s (last: ${reason})`;
      this.emit('node.quarantine', n.holdReason, { node: n.name });
      this.refreshNode(n, n.holdReason, 'health');
    }
  }

  /** Every part has exited: settle the attempt and decide the job. */
  private attemptEnded(att: AttemptRec): void {
    att.endedAtMs = this.now();
    forgetSpecs(att);
    const job = this.jobs.get(att.jobId)!;
    if (att.stop?.reason === 'cancelled') att.state = 'cancelled';
    else if (att.stop?.reason === 'preempted') att.state = 'preempted';
    this.touchAttempt(att);
    this.emit('attempt.ended', `attempt ${att.number} ${att.state}${att.reason ? `: ${att.reason}` : ''}`, { jobId: job.id, data: { attemptId: att.id, state: att.state } });
    if (TERMINAL_JOB.has(job.state)) return;
    if (att.state === 'succeeded') {
      job.result = att.lastRank0Line;
      this.setJobState(job, 'succeeded', `attempt ${att.number} succeeded`);
    } else if (att.state === 'preempted') {
      this.setJobState(job, 'queued', att.reason ?? 'preempted');
    }
  }

  /** Preempts an attempt: SIGUSR1 first, then stop after the job's grace period. */
  preempt(att: AttemptRec, reason: string): void {
    att.state = 'stopping';
    att.stop = { reason: 'preempted', warn: true };
    att.reason = reason;
    this.touchAttempt(att);
    this.emit('attempt.preempted', reason, { jobId: att.jobId, data: { attemptId: att.id } });
  }

  // ---- scheduling and quotas ---------------------------------------------

  setQuota(team: string, gpuQuota: number | null): void {
    if (gpuQuota === null) this.quotas.delete(team);
    else this.quotas.set(team, gpuQuota);
    this.dirtyQuotas.set(team, gpuQuota);
    this.emit('team.quota', gpuQuota === null ? 'quota removed' : `quota ${gpuQuota} GPUs`, { data: { team } });
    this.needsSchedule = true;
  }

  /** Periodic work: node timeouts, then a scheduling pass when anything changed. */
  tick(): void {
    this.checkTimeouts();
    this.reserveBasis(); // 'auto': the fleet's rate, at most every reserveRecomputeS
    if (this.mono() >= this.nextFenceExpiryMs) {
      this.nextFenceExpiryMs = Infinity;
      this.needsSchedule = true;
    }
    if (this.needsSchedule) this.schedule();
  }

  schedule(): number {
    this.needsSchedule = false;
    return runSchedulingPass(this);
  }
}
