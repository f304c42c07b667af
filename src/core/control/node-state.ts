/**
 * Node state is derived, never set directly: down beats every hold, a hold
 * (repair, suspect, cordon) beats the work the node runs. Every change of the
 * derived state is a transition event with a reason and a source.
 */
import type { NodeRec, NodeState } from './types.js';

export function deriveNodeState(n: Pick<NodeRec, 'down' | 'hold' | 'busy'>): NodeState {
  if (n.down) return 'down';
  if (n.hold === 'repair') return 'repair';
  if (n.hold === 'suspect') return 'suspect';
  const busy = n.busy.some((b) => b !== null);
  if (n.hold === 'cordon') return busy ? 'draining' : 'drained';
  return busy ? 'allocated' : 'idle';
}

/** A node takes new work only when in service and heartbeating. */
export const isSchedulable = (n: NodeRec): boolean => !n.down && n.hold === null;

export const freeGpus = (n: NodeRec): number => n.busy.reduce((s, b) => s + (b === null ? 1 : 0), 0);

/** Attempt ids holding GPUs on the node. */
export function attemptsOn(n: NodeRec): string[] {
  const out = new Set<string>();
  for (const b of n.busy) if (b !== null) out.add(b);
  return [...out];
}

/** The first `count` free GPU indices. */
export function freeIndices(n: NodeRec, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n.busy.length && out.length < count; i++) if (n.busy[i] === null) out.push(i);
  return out;
}
