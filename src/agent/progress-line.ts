/**
 * Recognises a workload's progress line: a JSON object on one stdout line with an
 * integer `step` ≥ 0 (`{"step": n, "loss": x, "checkpoint": n?, …}`, DESIGN.md's
 * workload contract). Fields of the wrong type are left out of the event but kept
 * in `line`. Workload output is untrusted: a JSON object line longer than
 * LIMITS.progressLineChars or nested deeper than LIMITS.progressDepth is never
 * parsed: it comes back as `{ dropped }` (the caller counts it). Anything else is an
 * ordinary log line.
 */
import { LIMITS } from '../protocol/common.js';
import { jsonDepth } from '../protocol/progress.js';

export interface ProgressLine {
  step: number;
  loss?: number;
  checkpoint?: number;
  line: Record<string, unknown>;
}

/** A line that looked like progress but was refused, and why. */
export interface DroppedLine {
  dropped: string;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export function parseProgressLine(text: string): ProgressLine | DroppedLine | undefined {
  const t = text.trim();
  if (!t.startsWith('{') || !t.endsWith('}')) return undefined;
  if (t.length > LIMITS.progressLineChars) return { dropped: `JSON line of ${t.length} characters (limit ${LIMITS.progressLineChars})` };
  const depth = jsonDepth(t);
  if (depth > LIMITS.progressDepth) return { dropped: `JSON line nested ${depth} levels deep (limit ${LIMITS.progressDepth})` };
  let obj: unknown;
  try {
    obj = JSON.parse(t);
  } catch {
    return undefined;
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return undefined;
  const line = obj as Record<string, unknown>;
  if (!isCount(line.step)) return undefined;
  const out: ProgressLine = { step: line.step, line };
  if (typeof line.loss === 'number' && Number.isFinite(line.loss)) out.loss = line.loss;
  if (isCount(line.checkpoint)) out.checkpoint = line.checkpoint;
  return out;
}

export const isDropped = (p: ProgressLine | DroppedLine | undefined): p is DroppedLine => p !== undefined && 'dropped' in p;
