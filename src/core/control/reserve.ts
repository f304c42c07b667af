/**
 * The spare reserve (`colossus server --spare-reserve auto|N`): idle nodes kept out of jobs
 * smaller than the largest running gang, so that when one of its nodes fails the gang
 * restarts at once on a spare instead of waiting for, or preempting, other work.
 *
 * - The gang: the multi-node job with the most GPUs that runs or is recovering.
 * - The size: N nodes, or with `auto` the Simulate face's spare pool for that gang
 *   (spare-reserve.ts: the P99 of its nodes in repair at the fleet's posterior hardware
 *   rate and the preset's repair time). The rate comes from the controller's own history
 *   counts and is recomputed on a bounded cadence (ControlPolicy.reserveRecomputeS), not
 *   per heartbeat.
 * - The nodes: idle schedulable nodes of the gang's node size outside any gang's
 *   reservation, nearest the gang first (its racks, then its arrays, then the rest; by rack
 *   and name within each), so a restart stays compact. Jobs of at least the gang's size
 *   (the gang itself included) may use them; smaller ones may not.
 * Pure: the caller passes the clock's now.
 */
import { meanOf } from '../sim/distributions.js';
import type { FleetReliability } from './fleet-history.js';
import type { FailureModel } from '../reliability/types.js';
import type { NodeCap } from './placement.js';
import { autoSpareReserve } from './spare-reserve.js';
import type { AttemptRec, JobRec, NodeRec } from './types.js';

/** What `auto` sizes the reserve from, recomputed every reserveRecomputeS. */
export interface ReserveBasis {
  /** The Simulate face's preset for the fleet's GPUs (its prior and repair time). */
  preset: string;
  gpusPerNode: number;
  /** Posterior mean rate of the causes that send a node to repair (gpu-hardware + node-lost), per GPU-hour. */
  hardwarePerGpuHour: number;
  /** Mean time a node spends in repair (the preset's repair distribution), s. */
  repairMeanS: number;
  /** When it was computed (the controller's wall clock). */
  computedAtMs: number;
}

/** The basis from the fleet's estimate (the controller's FleetTracker) and the prior model (its repair time). */
export function reserveBasisOf(r: FleetReliability, prior: FailureModel, nowMs: number): ReserveBasis {
  const rate = (cause: string) => r.causes.find((c) => c.cause === cause)?.posteriorMeanPerGpuHour ?? 0;
  return { preset: r.preset, gpusPerNode: r.gpusPerNode, hardwarePerGpuHour: rate('gpu-hardware') + rate('node-lost'), repairMeanS: meanOf(prior.repair), computedAtMs: nowMs };
}

/** The largest multi-node job that runs or is recovering. */
export interface Gang {
  jobId: string;
  gpus: number;
  /** Its live (or, recovering, its last) attempt: the nodes the reserve stays near. */
  attempt: AttemptRec;
  /** Nodes of that attempt. */
  nodes: number;
  /** GPUs per node of those nodes (the size a spare must have; a gang takes nodes of one size). */
  nodeGpus: number;
}

/** The gang the reserve is for; null when no multi-node job runs or recovers. O(jobs). */
export function largestGang(jobs: Iterable<JobRec>, attempts: ReadonlyMap<string, AttemptRec>, nodes: ReadonlyMap<string, NodeRec>): Gang | null {
  let best: JobRec | null = null;
  let bestAtt: AttemptRec | null = null;
  for (const j of jobs) {
    if (j.state !== 'running' && j.state !== 'recovering') continue;
    if (best && (j.spec.gpus < best.spec.gpus || (j.spec.gpus === best.spec.gpus && j.seq > best.seq))) continue;
    const att = attempts.get(j.attemptIds[j.attemptIds.length - 1] ?? '');
    if (!att || att.parts.length < 2) continue;
    best = j;
    bestAtt = att;
  }
  if (!best || !bestAtt) return null;
  return { jobId: best.id, gpus: best.spec.gpus, attempt: bestAtt, nodes: bestAtt.parts.length, nodeGpus: nodes.get(bestAtt.parts[0]!.node)?.gpus.length ?? 0 };
}

/** The racks and arrays of an attempt's nodes (cached: an attempt's nodes never change). */
const topologyOf = new WeakMap<AttemptRec, { racks: Set<string>; arrays: Set<string> }>();

function gangTopology(att: AttemptRec, nodes: ReadonlyMap<string, NodeRec>): { racks: Set<string>; arrays: Set<string> } {
  let t = topologyOf.get(att);
  if (t) return t;
  t = { racks: new Set(), arrays: new Set() };
  for (const p of att.parts) {
    const n = nodes.get(p.node);
    if (n?.rack) t.racks.add(`${n.array ?? ''}\u0000${n.rack}`);
    if (n?.array) t.arrays.add(n.array);
  }
  topologyOf.set(att, t);
  return t;
}

export type ReserveMode = 'off' | 'fixed' | 'auto';

export const reserveMode = (setting: number | 'auto'): ReserveMode => (setting === 'auto' ? 'auto' : setting > 0 ? 'fixed' : 'off');

/** The auto size's inputs and result for a gang. */
export interface AutoSizing {
  basis: ReserveBasis;
  gangNodes: number;
  meanNodesInRepair: number;
  spares: number;
}

/** Nodes the reserve should hold for the gang: N, or the simulator's pool (auto). */
export function reserveTarget(setting: number | 'auto', gang: Gang | null, basis: ReserveBasis | null): { target: number; auto: AutoSizing | null } {
  if (setting !== 'auto') return { target: Math.max(0, setting), auto: null };
  if (!gang || !basis) return { target: 0, auto: null };
  const gangNodes = gang.nodes;
  const r = autoSpareReserve({ nodes: gangNodes, gpusPerNode: basis.gpusPerNode, hardwarePerGpuHour: basis.hardwarePerGpuHour, repairMeanS: basis.repairMeanS });
  return { target: r.spares, auto: { basis, gangNodes, meanNodesInRepair: r.meanNodesInRepair, spares: r.spares } };
}

/**
 * Up to `target` idle nodes of the gang's node size from `caps` (skipping `excluded`, the
 * gang reservations), nearest the gang first: its racks, its arrays, then the rest.
 */
export function pickReserve(caps: readonly NodeCap[], gang: Gang, target: number, excluded: ReadonlySet<string>, nodes: ReadonlyMap<string, NodeRec>): NodeCap[] {
  if (target <= 0) return [];
  const { racks, arrays } = gangTopology(gang.attempt, nodes);
  const tiers: NodeCap[][] = [[], [], []];
  for (const c of caps) {
    if (excluded.has(c.name) || c.totalGpus !== gang.nodeGpus || c.freeGpus !== c.totalGpus || c.totalGpus === 0) continue;
    const tier = c.rack && racks.has(`${c.array}\u0000${c.rack}`) ? 0 : c.array && arrays.has(c.array) ? 1 : 2;
    tiers[tier].push(c);
  }
  const out: NodeCap[] = [];
  for (const t of tiers) {
    if (out.length >= target) break;
    t.sort((a, b) => cmp(a.array, b.array) || cmp(a.rack, b.rack) || cmp(a.name, b.name));
    for (const c of t) {
      if (out.length >= target) break;
      out.push(c);
    }
  }
  return out;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
