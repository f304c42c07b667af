/**
 * The fleet's own history as the estimator's input: exposure (GPU-hours of registered nodes)
 * and interruptions by observable cause, from the controller's nodes and its stored events:
 * - gpu-hardware: an `xid` event whose action drains the node;
 * - node-lost: a `node.state` transition to `down` (lost heartbeats: a dead host or agent);
 * - software: an `attempt.failed` with a workload exit code (a rank exited non-zero).
 * Then the Gamma–Poisson estimate per cause with the preset of the fleet's GPU generation.
 * Pure: the caller passes the clock's now and the events.
 */
import { OBSERVED_CAUSES, estimateCause, priorRates, type CauseEstimate, type ObservedCause } from '../reliability/fleet-estimate.js';
import { failurePreset } from '../reliability/presets.js';
import type { ControlEvent, NodeRec } from './types.js';

export const HISTORY_EVENT_KINDS = ['xid', 'node.state', 'attempt.failed'] as const;

export function classifyEvent(e: Pick<ControlEvent, 'kind' | 'data'>): ObservedCause | null {
  if (e.kind === 'xid') return e.data?.action === 'drain' ? 'gpu-hardware' : null;
  if (e.kind === 'node.state') return e.data?.to === 'down' ? 'node-lost' : null;
  if (e.kind === 'attempt.failed') return typeof e.data?.exitCode === 'number' ? 'software' : null;
  return null;
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

export interface FleetReliability {
  preset: string;
  gpuModel: string | null;
  gpusPerNode: number;
  nodes: number;
  exposureGpuHours: number;
  causes: CauseEstimate[];
  /** Sum of the posterior means, per GPU-hour. */
  totalPerGpuHour: number;
}

export type HistoryCounts = Record<ObservedCause, number>;

export const emptyHistoryCounts = (): HistoryCounts => ({ 'gpu-hardware': 0, 'node-lost': 0, software: 0 });

/** Interruptions by observable cause in a list of events. */
export function countHistory(events: Iterable<Pick<ControlEvent, 'kind' | 'data'>>): HistoryCounts {
  const counts = emptyHistoryCounts();
  for (const e of events) {
    const c = classifyEvent(e);
    if (c) counts[c] += 1;
  }
  return counts;
}

export function fleetReliability(nodes: readonly NodeRec[], events: Iterable<Pick<ControlEvent, 'kind' | 'data'>>, nowMs: number): FleetReliability {
  return fleetReliabilityFromCounts(nodes, countHistory(events), nowMs);
}

/** The estimate from counts already made (the controller keeps them as it emits events). */
export function fleetReliabilityFromCounts(nodes: readonly NodeRec[], counts: HistoryCounts, nowMs: number): FleetReliability {
  const sizes = new Map<number, number>();
  let gpuModel: string | null = null;
  for (const n of nodes) {
    if (!n.gpus.length) continue;
    sizes.set(n.gpus.length, (sizes.get(n.gpus.length) ?? 0) + 1);
    gpuModel ??= n.gpus[0]?.model ?? null;
  }
  const gpusPerNode = [...sizes].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 8;
  const preset = presetForGpuModel(gpuModel ?? undefined);
  const prior = priorRates(failurePreset(preset), gpusPerNode);
  const exposure = exposureGpuHours(nodes, nowMs);
  const causes = OBSERVED_CAUSES.map((c) => estimateCause(c, prior[c], counts[c], exposure));
  return { preset, gpuModel, gpusPerNode, nodes: nodes.length, exposureGpuHours: exposure, causes, totalPerGpuHour: causes.reduce((a, c) => a + c.posteriorMeanPerGpuHour, 0) };
}
