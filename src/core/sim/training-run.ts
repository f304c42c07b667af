/**
 * One simulated training run: failures arrive as one Poisson process per
 * cause at job level (the superposition of per-GPU exponential processes is
 * exponential with the summed rate, so no per-GPU events are needed); the job
 * alternates running → (failure) → waiting for spares → recovering → running.
 * Checkpoints are periodic within a running segment and handled in closed
 * form when the segment ends, so they cost no events.
 *
 * Failure processes run in wall-clock time: hardware fails whether or not the
 * job is computing, and a failure during a restart starts the restart again.
 *
 * Spares: one pool per instance of the spare scope (one for the cluster by
 * default). A hardware failure lands on a node drawn uniformly over the job
 * (own stream), takes a spare from that node's pool or leaves a hole there,
 * and its repaired node goes back to the same pool. Pools are counters in
 * typed arrays: nothing is allocated per event.
 *
 * Cluster age: a cause with an age hazard arrives by thinning (candidates at
 * the largest rate over the run, each kept with probability rate(t) ÷ that),
 * exact for any hazard shape. Fleet scope: hardware fails over the whole site
 * and hits the job with probability job nodes ÷ fleet nodes (own stream).
 *
 * Recovery (--recovery): `full` restarts from the last durable checkpoint;
 * `in-memory` from the last RAM snapshot unless a correlated group took every
 * copy; `elastic` also keeps running on the surviving data-parallel replicas
 * until the missing nodes rejoin (see ./recovery.ts for the closed forms).
 */
import { exponential } from './distributions.js';
import { Engine } from './engine.js';
import { Rng, childKey, streamIdOf, streamKey, type StreamKey } from './rng.js';
import {
  F_CAUSE0, F_CHECKPOINT_S, F_DEGRADED_S, F_EVENTS, F_INTERRUPTIONS, F_LOST_WORK_S, F_PRODUCTIVE_S, F_RECOVERY_S,
  F_UNEXPECTED, F_WAITS, F_WAIT_S, KIND_HARDWARE, KIND_PLANNED, RECOVERY_ELASTIC, RECOVERY_FULL, dayOffset, type SimAge, type SimConfig,
} from './config.js';

const EV_FAILURE = 0;
const EV_RESUME = 1;
const EV_REPAIRED = 2;
/** Elastic: a replacement node is ready to rejoin. */
const EV_JOIN = 3;
const RUNNING = 0;
const RECOVERING = 1;
const WAITING = 2;
const DAY_S = 86_400;
const REPAIR_STREAM = streamIdOf('repair');
const CORRELATED_STREAM = streamIdOf('correlated');
const NODE_STREAM = streamIdOf('spareInstance');
const FLEET_STREAM = streamIdOf('fleetHit');

/** Hazard multiplier of an aged cause at run time `tS` (1 at the start). */
function ageMultiplierAt(a: SimAge, tS: number): number {
  const ageDays = a.startDays + tS / DAY_S;
  const shape = 1 + a.burnIn * Math.exp(-ageDays / a.tauDays) + (a.wearPerYear * Math.max(0, ageDays - a.wearFromDays)) / 365;
  return shape / a.norm;
}

/** Runs one training run after another, reusing its engine and generators. */
export class RunSimulator {
  private readonly engine = new Engine(256);
  private readonly arrival: Rng[];
  private readonly detect: Rng[];
  private readonly repairRng = new Rng();
  private readonly correlatedRng = new Rng();
  private readonly nodeRng = new Rng();
  private readonly fleetRng = new Rng();
  /** Elastic: job nodes out (waiting to rejoin or for a repair); each takes its data-parallel replica out. */
  private degradedNodes = 0;
  /** Free spares and job nodes still missing (waiting for a repair), per spare pool. */
  private readonly free: Int32Array;
  private readonly missing: Int32Array;
  private out: Float64Array = new Float64Array(0);
  private o = 0;
  private phase = RUNNING;
  private phaseStartS = 0;
  private segmentStartS = 0;
  private generation = 0;
  /** Job nodes missing over all pools: the job waits while > 0. */
  private missingNodes = 0;

  constructor(private readonly cfg: SimConfig) {
    this.arrival = cfg.causes.map(() => new Rng());
    this.detect = cfg.causes.map(() => new Rng());
    this.free = new Int32Array(cfg.spareInstances);
    this.missing = new Int32Array(cfg.spareInstances);
  }

  /** Simulates run `runIndex` of `seed` into out[offset … offset + rowWidth). Returns the events handled. */
  run(seed: number, runIndex: number, out: Float64Array, offset: number): number {
    const { cfg, engine } = this;
    this.start(streamKey(seed, runIndex), out, offset);
    const horizonS = cfg.horizonS;
    while (engine.next()) {
      const t = engine.nowS;
      if (engine.kind === EV_FAILURE) this.onFailure(t, engine.data);
      else if (engine.kind === EV_RESUME) {
        if (engine.data === this.generation) this.resume(t);
      } else if (engine.kind === EV_REPAIRED) this.onRepaired(t, engine.data);
      else this.onJoin(t);
    }
    this.leavePhase(horizonS, true, false);
    out[offset + F_EVENTS] = engine.events;
    return engine.events;
  }

  private start(runKey: StreamKey, out: Float64Array, offset: number): void {
    const { cfg, engine } = this;
    this.out = out;
    this.o = offset;
    out.fill(0, offset, offset + dayOffset(cfg) + cfg.days);
    engine.reset();
    this.phase = RUNNING;
    this.phaseStartS = 0;
    this.segmentStartS = 0;
    this.generation = 0;
    this.free.fill(Number.isFinite(cfg.spares) ? cfg.spares : 0);
    this.missing.fill(0);
    this.missingNodes = 0;
    this.degradedNodes = 0;
    this.fleetRng.reset(childKey(runKey, FLEET_STREAM));
    this.repairRng.reset(childKey(runKey, REPAIR_STREAM));
    this.correlatedRng.reset(childKey(runKey, CORRELATED_STREAM));
    this.nodeRng.reset(childKey(runKey, NODE_STREAM));
    cfg.causes.forEach((c, i) => {
      const key = childKey(runKey, c.streamId);
      this.arrival[i].reset(childKey(key, 0));
      this.detect[i].reset(childKey(key, 1));
      if (c.ratePerS > 0) this.schedule(this.nextArrival(i, 0), EV_FAILURE, i);
    });
  }

  /** Next failure of cause `i` after `fromS`: exponential, or thinned under an age hazard. */
  private nextArrival(i: number, fromS: number): number {
    const c = this.cfg.causes[i];
    const rng = this.arrival[i];
    const age = c.age;
    if (age === null) return fromS + exponential(rng, c.ratePerS);
    const horizonS = this.cfg.horizonS;
    let t = fromS;
    for (;;) {
      t += exponential(rng, c.ratePerS * age.max);
      if (t >= horizonS) return t;
      const u = rng.nextFloat() * age.max;
      if (u < age.min || u < ageMultiplierAt(age, t)) return t;
    }
  }

  private schedule(atS: number, kind: number, data: number): void {
    if (atS < this.cfg.horizonS) this.engine.at(atS, kind, data);
  }

  private onFailure(t: number, c: number): void {
    const { cfg, out, o } = this;
    const cause = cfg.causes[c];
    const planned = cause.kind === KIND_PLANNED;
    const hardware = cause.kind === KIND_HARDWARE;
    this.schedule(this.nextArrival(c, t), EV_FAILURE, c);
    // A job that waits for nodes runs no software and has no maintenance to plan.
    if (!hardware && this.phase === WAITING) return;
    out[o + F_INTERRUPTIONS]++;
    if (!planned) out[o + F_UNEXPECTED]++;
    out[o + F_CAUSE0 + c]++;
    out[o + F_CAUSE0 + cfg.causes.length + Math.min(cfg.days - 1, Math.floor(t / DAY_S))]++;
    // Fleet scope: most hardware failures land on nodes the job does not use.
    if (cause.jobShare < 1 && this.fleetRng.nextFloat() >= cause.jobShare) return;
    const group = hardware ? this.groupSize() : 0;
    const stateInRam = cfg.recovery !== RECOVERY_FULL && group < cfg.memReplicas;
    this.leavePhase(t, planned, stateInRam);
    const restartS = stateInRam ? cause.memRestartS : cause.restartS;
    const delayS = cause.detect(this.detect[c]) + restartS;
    this.generation++;
    if (hardware && cfg.recovery === RECOVERY_ELASTIC) return this.shrink(t, group, delayS);
    if (hardware && cfg.spares !== Infinity) this.takeNodesOut(t, group);
    if (this.missingNodes > 0) {
      if (this.phase !== WAITING) out[o + F_WAITS]++;
      this.phase = WAITING;
    } else {
      this.phase = RECOVERING;
      this.schedule(t + delayS, EV_RESUME, this.generation);
    }
  }

  /** Nodes a hardware failure takes out: one, or a correlated rack/leaf group. */
  private groupSize(): number {
    const p = this.cfg.correlatedProbability;
    return p > 0 && this.correlatedRng.nextFloat() < p ? this.cfg.correlatedNodes : 1;
  }

  /**
   * Elastic: the failed nodes' replicas drop out; the job pauses for detection and
   * reconfiguration, then runs on the rest. Each node rejoins `spareJoinS` after a
   * spare (or its repaired self) is assigned.
   */
  private shrink(t: number, group: number, delayS: number): void {
    const { cfg } = this;
    this.degradedNodes += group;
    if (cfg.spares === Infinity) {
      for (let i = 0; i < group; i++) this.schedule(t + delayS + cfg.spareJoinS, EV_JOIN, 0);
    } else {
      const before = this.missingNodes;
      this.takeNodesOut(t, group);
      const covered = group - (this.missingNodes - before);
      for (let i = 0; i < covered; i++) this.schedule(t + delayS + cfg.spareJoinS, EV_JOIN, 0);
    }
    this.phase = RECOVERING;
    this.schedule(t + delayS, EV_RESUME, this.generation);
  }

  /** Elastic: a node rejoins; a running job pauses to take it in (a recovering one takes it in on the way). */
  private onJoin(t: number): void {
    if (this.phase !== RUNNING) {
      this.degradedNodes--;
      return;
    }
    this.leavePhase(t, true, false);
    this.degradedNodes--;
    this.phase = RECOVERING;
    this.generation++;
    this.schedule(t + this.cfg.rejoinS, EV_RESUME, this.generation);
  }

  /**
   * The failed node (or its whole rack/leaf group, aligned to the group size)
   * goes to repair; each node is replaced from its own pool if a spare is free.
   */
  private takeNodesOut(t: number, group: number): void {
    const { cfg } = this;
    if (cfg.spareInstances === 1) {
      this.takeFromPool(t, 0, group);
      return;
    }
    const node = this.nodeRng.nextInt(cfg.nodes);
    const per = cfg.nodesPerSpareInstance;
    const last = Math.min(cfg.nodes, node - (node % group) + group);
    for (let n = node - (node % group); n < last; ) {
      const pool = Math.floor(n / per);
      const end = Math.min(last, (pool + 1) * per);
      this.takeFromPool(t, pool, end - n);
      n = end;
    }
  }

  /** `nodes` nodes of pool `pool` go to repair (and come back to it); free spares replace them, the rest are missing. */
  private takeFromPool(t: number, pool: number, nodes: number): void {
    for (let i = 0; i < nodes; i++) this.schedule(t + this.cfg.repair(this.repairRng), EV_REPAIRED, pool);
    const take = Math.min(this.free[pool], nodes);
    this.free[pool] -= take;
    this.missing[pool] += nodes - take;
    this.missingNodes += nodes - take;
  }

  /** A repaired node fills a hole in its pool's part of the job, or becomes a free spare there. */
  private onRepaired(t: number, pool: number): void {
    if (this.missing[pool] === 0) {
      this.free[pool]++;
      return;
    }
    this.missing[pool]--;
    if (this.cfg.recovery === RECOVERY_ELASTIC) {
      this.missingNodes--;
      this.schedule(t + this.cfg.spareJoinS, EV_JOIN, 0);
      return;
    }
    if (--this.missingNodes > 0 || this.phase !== WAITING) return;
    this.leavePhase(t, false, false);
    this.phase = RECOVERING;
    this.generation++;
    this.schedule(t + this.cfg.requeueRestartS, EV_RESUME, this.generation);
  }

  private resume(t: number): void {
    this.leavePhase(t, false, false);
    this.phase = RUNNING;
    this.segmentStartS = t;
  }

  /** Books the time since the phase began; a running segment keeps durable work (all of it if graceful, up to the last RAM snapshot if the state survives in RAM). */
  private leavePhase(t: number, graceful: boolean, stateInRam: boolean): void {
    const { out, o } = this;
    if (this.phase === RUNNING) this.closeSegment(t - this.segmentStartS, graceful, stateInRam);
    else if (this.phase === RECOVERING) out[o + F_RECOVERY_S] += t - this.phaseStartS;
    else out[o + F_WAIT_S] += t - this.phaseStartS;
    this.phaseStartS = t;
  }

  /**
   * Splits `elapsedS` of running into kept work, lost work and checkpoint
   * blocking; an elastic job running on fewer replicas keeps only their share.
   */
  private closeSegment(elapsedS: number, graceful: boolean, stateInRam: boolean): void {
    const { cfg, out, o } = this;
    const tau = cfg.intervalS;
    const cycleS = tau + cfg.blockingS;
    const n = Math.floor(elapsedS / cycleS);
    const doneS = n * tau + Math.min(elapsedS - n * cycleS, tau);
    const durable = elapsedS >= cfg.persistS ? Math.floor((elapsedS - cfg.persistS) / cycleS) : 0;
    const keptS = graceful ? doneS : stateInRam ? Math.floor(doneS / cfg.memIntervalS) * cfg.memIntervalS : Math.min(durable, n) * tau;
    const share = this.degradedNodes === 0 ? 1 : Math.max(0, 1 - Math.min(this.degradedNodes, cfg.replicas) / cfg.replicas);
    out[o + F_PRODUCTIVE_S] += keptS * share;
    out[o + F_DEGRADED_S] += keptS * (1 - share);
    out[o + F_LOST_WORK_S] += doneS - keptS;
    out[o + F_CHECKPOINT_S] += elapsedS - doneS;
  }
}
