/**
 * The fleet's own history as the estimator's input: exposure (GPU-hours of registered nodes)
 * and interruptions by observable cause, from the controller's nodes and its events:
 * - gpu-hardware: an `xid` event whose action drains the node;
 * - node-lost: a `node.state` transition to `down` (lost heartbeats: a dead host or agent);
 * - software: an `attempt.failed` with a workload exit code (a rank exited non-zero).
 * Then the Gamma–Poisson estimate per cause with the preset of the fleet's GPU generation
 * (or the failure model the server was given as its prior). The controller counts the
 * events as it emits them (seeded from the store at start), so the estimate costs no scan
 * of the history. Pure: the caller passes the clock's now and the events or counts.
 */
import { OBSERVED_CAUSES, estimateCause, priorRates, type CauseEstimate, type ObservedCause } from '../reliability/fleet-estimate.js';
import { failurePreset } from '../reliability/presets.js';
import type { FailureModel } from '../reliability/types.js';
import type { ControlEvent, NodeRec } from './types.js';

export const HISTORY_EVENT_KINDS = ['xid', 'node.state', 'attempt.failed'] as const;

export type HistoryCounts = Record<ObservedCause, number>;
export const emptyHistoryCounts = (): HistoryCounts => ({ 'gpu-hardware': 0, 'node-lost': 0, software: 0 });

export function classifyEvent(e: Pick<ControlEvent, 'kind' | 'data'>): ObservedCause | null {
  if (e.kind === 'xid') return e.data?.action === 'drain' ? 'gpu-hardware' : null;
  if (e.kind === 'node.state') return e.data?.to === 'down' ? 'node-lost' : null;
  if (e.kind === 'attempt.failed') return typeof e.data?.exitCode === 'number' ? 'software' : null;
  return null;
}

export function countHistory(events: Iterable<Pick<ControlEvent, 'kind' | 'data'>>): HistoryCounts {
  const counts = emptyHistoryCounts();
  for (const e of events) {
    const c = classifyEvent(e);
    if (c) counts[c] += 1;
  }
  return counts;
}

/** GPU-hours since each node registered (down and repair time included: a simplification). */
export function exposureGpuHours(nodes: Iterable<NodeRec>, nowMs: number): number {
  let h = 0;
  for (const n of nodes) h += (n.gpus.length * Math.max(0, nowMs - n.registeredAtMs)) / 3.6e6;
  return h;
}

/** The Simulate face's generation preset for a GPU model name (hopper when unknown). */
export function presetForGpuModel(model: string | undefined): 'ampere' | 'hopper' | 'blackwell' {
  const m = (model ?? '').toLowerCase();
  if (/a100|a800|ampere/.test(m)) return 'ampere';
  if (/b100|b200|b300|gb200|gb300|blackwell/.test(m)) return 'blackwell';
  return 'hopper';
}

/**
 * What the estimate needs of the nodes, from one pass over them: exposure at any later time
 * is (now · gpus − gpuRegisteredMsSum) / 3.6e6 GPU-hours.
 */
export interface FleetShape {
  nodes: number;
  gpus: number;
  /** Σ GPUs × registration time, ms. */
  gpuRegisteredMsSum: number;
  /** The most common GPU count per node (8 for an empty fleet). */
  gpusPerNode: number;
  gpuModel: string | null;
}

export function fleetShape(nodes: Iterable<NodeRec>): FleetShape {
  const sizes = new Map<number, number>();
  let count = 0, gpus = 0, sum = 0, gpuModel: string | null = null;
  for (const n of nodes) {
    count += 1;
    const g = n.gpus.length;
    if (!g) continue;
    gpus += g;
    sum += g * n.registeredAtMs;
    sizes.set(g, (sizes.get(g) ?? 0) + 1);
    gpuModel ??= n.gpus[0]?.model ?? null;
  }
  const gpusPerNode = [...sizes].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 8;
  return { nodes: count, gpus, gpuRegisteredMsSum: sum, gpusPerNode, gpuModel };
}

export interface FleetReliability {
  /** The prior: a generation preset's name, or the failure model the server was given. */
  preset: string;
  gpuModel: string | null;
  gpusPerNode: number;
  nodes: number;
  exposureGpuHours: number;
  causes: CauseEstimate[];
  /** Sum of the posterior means, per GPU-hour. */
  totalPerGpuHour: number;
}

/** The prior failure model and its name: the given one, else the generation preset of the fleet's GPU model. */
export function priorModel(shape: Pick<FleetShape, 'gpuModel'>, given: FailureModel | null = null): { name: string; model: FailureModel } {
  if (given) return { name: given.name, model: given };
  const name = presetForGpuModel(shape.gpuModel ?? undefined);
  return { name, model: failurePreset(name) };
}

/** The estimate from the fleet's shape, its interruption counts and a prior model. */
export function fleetReliabilityOf(shape: FleetShape, counts: HistoryCounts, nowMs: number, prior: { name: string; model: FailureModel }): FleetReliability {
  const rates = priorRates(prior.model, shape.gpusPerNode);
  const exposure = Math.max(0, (nowMs * shape.gpus - shape.gpuRegisteredMsSum) / 3.6e6);
  const causes = OBSERVED_CAUSES.map((c) => estimateCause(c, rates[c], counts[c], exposure));
  return {
    preset: prior.name, gpuModel: shape.gpuModel, gpusPerNode: shape.gpusPerNode, nodes: shape.nodes, exposureGpuHours: exposure,
    causes, totalPerGpuHour: causes.reduce((a, c) => a + c.posteriorMeanPerGpuHour, 0),
  };
}

export function fleetReliability(nodes: readonly NodeRec[], events: Iterable<Pick<ControlEvent, 'kind' | 'data'>>, nowMs: number, prior: FailureModel | null = null): FleetReliability {
  const shape = fleetShape(nodes);
  return fleetReliabilityOf(shape, countHistory(events), nowMs, priorModel(shape, prior));
}

/** The estimate from counts already made (the controller keeps them as it emits events). */
export function fleetReliabilityFromCounts(nodes: readonly NodeRec[], counts: HistoryCounts, nowMs: number, prior: FailureModel | null = null): FleetReliability {
  const shape = fleetShape(nodes);
  return fleetReliabilityOf(shape, counts, nowMs, priorModel(shape, prior));
}
