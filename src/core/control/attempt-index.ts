/**
 * Derived, in-memory indexes of an attempt (never persisted): part by node and
 * counts of started / exited / exited-ok parts, so per-heartbeat work stays
 * O(1) even for a 12,288-node gang.
 */
import type { AttemptPart, AttemptRec } from './types.js';

export interface AttemptIndex {
  byNode: Map<string, number>;
  started: number;
  exited: number;
  exitedOk: number;
}

const cache = new WeakMap<AttemptRec, AttemptIndex>();

export function indexOf(att: AttemptRec): AttemptIndex {
  let idx = cache.get(att);
  if (!idx) {
    idx = { byNode: new Map(), started: 0, exited: 0, exitedOk: 0 };
    att.parts.forEach((p, i) => {
      idx!.byNode.set(p.node, i);
      if (p.started) idx!.started++;
      if (p.exited) idx!.exited++;
      if (p.exited && p.exitCode === 0) idx!.exitedOk++;
    });
    cache.set(att, idx);
  }
  return idx;
}

/** The part of the attempt on `node`, with its group rank; undefined when none. */
export function partOn(att: AttemptRec, node: string): { part: AttemptPart; groupRank: number } | undefined {
  const i = indexOf(att).byNode.get(node);
  return i === undefined ? undefined : { part: att.parts[i], groupRank: i };
}

export function markStarted(att: AttemptRec, part: AttemptPart): void {
  if (part.started) return;
  part.started = true;
  indexOf(att).started++;
}

export function markExited(att: AttemptRec, part: AttemptPart, exitCode: number | null): void {
  if (part.exited) return;
  const idx = indexOf(att);
  part.exited = true;
  part.exitCode = exitCode;
  idx.exited++;
  if (exitCode === 0) idx.exitedOk++;
}

export const allStarted = (att: AttemptRec) => indexOf(att).started === att.parts.length;
export const allExited = (att: AttemptRec) => indexOf(att).exited === att.parts.length;
export const allExitedOk = (att: AttemptRec) => indexOf(att).exitedOk === att.parts.length;
export const anyLive = (att: AttemptRec) => indexOf(att).exited < att.parts.length;
