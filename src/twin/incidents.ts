/**
 * Failures and repairs in the twin: a cause strikes a node (or the flagship), the
 * simulated agent shows it the way a real node would (an XID in the next heartbeat,
 * silence, a non-zero exit), and the repair crew returns nodes after a repair time.
 * What the control plane does about it is its own decision. Cause → effect mapping:
 * see failures.ts.
 */
import type { Controller } from '../core/control/controller.js';
import type { NodeRec } from '../core/control/types.js';
import type { Rng } from '../core/sim/rng.js';
import type { Sampler } from '../core/sim/distributions.js';
import type { TwinCause } from './failures.js';
import { nextGapS } from './failures.js';
import { advance, type TwinAttempt } from './attempt-run.js';
import { K_EXIT, K_FAIL, K_HB_NOW, K_REPAIRED, K_UNCORDON } from './event-kinds.js';
import type { Agents } from './agents.js';
import type { Fleet } from './fleet.js';
import type { TwinStats } from './stats.js';

/** What incidents need of the twin (the Twin implements it; no import of twin.ts, so no cycle). */
export interface IncidentHost {
  readonly ctl: Controller;
  readonly fleet: Fleet;
  readonly agents: Agents;
  readonly stats: TwinStats;
  readonly causes: TwinCause[];
  readonly mix: { readonly flagshipId: string | null };
  readonly rng: Rng;
  readonly repairS: Sampler;
  readonly nodeRecs: NodeRec[];
  readonly runs: Map<string, TwinAttempt>;
  readonly inRepair: Map<number, string>;
  readonly failedGpu: Uint8Array;
  readonly pendingXids: ({ code: number; gpuIndex: number; message: string }[] | null)[];
  readonly nowS: number;
  schedule(atS: number, kind: number, data: number): void;
  report(node: number, attemptId: string, exitCode: number | null, signal: string | null): void;
  sync(): void;
}

interface PendingExit {
  attemptId: string;
  node: number;
  exitCode: number;
}

export class Incidents {
  private readonly exits = new Map<number, PendingExit>();
  private exitSeq = 0;

  constructor(private readonly t: IncidentHost) {}

  /** The repair crew takes quarantined (suspect) nodes and nodes sent to repair, and returns them after a repair time. */
  collectHeld(): void {
    for (let i = 0; i < this.t.nodeRecs.length; i++) {
      const n = this.t.nodeRecs[i];
      if ((n.hold === 'suspect' || n.hold === 'repair') && !this.t.inRepair.has(i) && !n.busy.some((b) => b !== null)) {
        this.t.inRepair.set(i, `${n.hold === 'suspect' ? 'quarantined' : 'sent to repair'}: ${n.holdReason ?? ''}`);
        this.t.schedule(this.t.nowS + this.t.repairS(this.t.rng), K_REPAIRED, i);
      }
    }
  }

  fail(causeIndex: number): void {
    const c = this.t.causes[causeIndex];
    this.t.schedule(this.t.nowS + nextGapS(c), K_FAIL, causeIndex);
    this.strike(c, c.rng.nextInt(this.t.fleet.nodes.length));
  }

  /**
   * Makes a failure of cause `causeId` happen now on node `node` (fleet index), as
   * if drawn by the failure model: for demos ("chaos") and tests. Returns false
   * when the node is already down or in repair, or the cause is unknown.
   */
  inject(causeId: string, node: number): boolean {
    const c = this.t.causes.find((x) => x.id === causeId);
    if (!c || node < 0 || node >= this.t.fleet.nodes.length || !this.t.agents.up[node] || this.t.inRepair.has(node)) return false;
    this.strike(c, node);
    return true;
  }

  private strike(c: TwinCause, node: number): void {
    this.t.stats.failure(c.id);
    const detectS = c.detect(c.rng);
    if (c.kind === 'software' || c.kind === 'planned') return this.failFlagship(c, detectS);
    if (!this.t.agents.up[node] || this.t.inRepair.has(node)) return;
    this.interruptJobsOn(node, c.id);
    if (c.kind === 'xid') {
      const gpu = c.rng.nextInt(this.t.fleet.gpusPerNode);
      this.t.failedGpu[this.t.fleet.nodes[node].firstGpu + gpu] = 1;
      (this.t.pendingXids[node] ??= []).push({ code: c.xid, gpuIndex: gpu, message: c.label });
      this.t.schedule(this.t.nowS + detectS, K_HB_NOW, node);
      this.t.inRepair.set(node, `${c.label}: XID ${c.xid} on GPU ${gpu}`);
      this.t.schedule(this.t.nowS + detectS + this.t.repairS(this.t.rng), K_REPAIRED, node);
    } else if (c.kind === 'node-crash') {
      this.t.agents.setUp(node, false);
      this.t.agents.held[node].clear();
      this.t.inRepair.set(node, c.label);
      this.t.schedule(this.t.nowS + this.t.repairS(this.t.rng), K_REPAIRED, node);
    } else if (c.kind === 'sdc') {
      for (const run of this.runsOn(node)) this.exitLater(run.id, node, c.exitCode, detectS);
    }
  }

  /** Job-scope causes hit the flagship's running attempt. */
  private failFlagship(c: TwinCause, detectS: number): void {
    const job = this.t.ctl.jobs.get(this.t.mix.flagshipId ?? '');
    const att = job ? this.t.ctl.liveAttempt(job) : null;
    const run = att ? this.t.runs.get(att.id) : undefined;
    if (!att || !run || att.stop || att.state !== 'running') return;
    const node = run.nodes[this.t.rng.nextInt(run.nodes.length)];
    if (c.kind === 'planned') {
      const p = advance(run, this.t.nowS, 0, true);
      this.t.ctl.attemptEvents(this.t.fleet.nodes[run.nodes[0]].name, run.id, [{ type: 'progress', rank: 0, step: p.step, loss: p.loss, checkpoint: p.step, line: p.line }]);
      this.t.ctl.drainNode(this.t.fleet.nodes[node].name, `${c.label}: checkpointed at step ${p.step}, node out for 2 h`, 'operator');
      this.t.stats.interruption(att.jobId, c.id, this.t.nowS);
      this.t.schedule(this.t.nowS + 7200, K_UNCORDON, node);
      this.t.sync();
      return;
    }
    this.t.stats.interruption(att.jobId, c.id, this.t.nowS);
    if (c.id === 'ncclWatchdogUnknown') run.stalled = true;
    this.exitLater(run.id, node, c.exitCode, detectS);
  }

  private exitLater(attemptId: string, node: number, exitCode: number, delayS: number): void {
    const id = ++this.exitSeq;
    this.exits.set(id, { attemptId, node, exitCode });
    this.t.schedule(this.t.nowS + delayS, K_EXIT, id);
  }

  exit(id: number): void {
    const e = this.exits.get(id);
    this.exits.delete(id);
    if (!e || !this.t.agents.up[e.node]) return;
    this.t.report(e.node, e.attemptId, e.exitCode, null);
    this.t.sync();
  }

  /** Jobs running on the node lose it: their collectives stall until the control plane reacts. */
  private interruptJobsOn(node: number, cause: string): void {
    for (const run of this.runsOn(node)) {
      run.stalled = true;
      this.t.stats.interruption(run.jobId, cause, this.t.nowS);
    }
  }

  private runsOn(node: number): TwinAttempt[] {
    const ids = new Set(this.t.nodeRecs[node].busy.filter((b): b is string => b !== null));
    return [...ids].flatMap((id) => this.t.runs.get(id) ?? []);
  }

  repaired(node: number): void {
    const why = this.t.inRepair.get(node) ?? 'repair';
    this.t.inRepair.delete(node);
    this.t.stats.repairsDone++;
    const f = this.t.fleet.nodes[node];
    this.t.failedGpu.fill(0, f.firstGpu, f.firstGpu + this.t.fleet.gpusPerNode);
    if (!this.t.agents.up[node]) {
      this.t.agents.setUp(node, true);
      this.t.ctl.registerNode({ name: f.name, gpus: f.gpus, topology: { rack: f.rack, array: f.array, hall: f.hall }, address: this.t.nodeRecs[node].address, attempts: [] });
    }
    this.uncordon(node, `repaired (${why})`);
  }

  uncordon(node: number, reason: string): void {
    const n = this.t.nodeRecs[node];
    if (n.hold !== null && !this.t.inRepair.has(node)) this.t.ctl.nodeAction(n.name, 'uncordon', reason, 'repair');
    this.t.sync();
  }
}
