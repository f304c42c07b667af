/**
 * Recognises a workload's progress line: a JSON object on one stdout line with an
 * integer `step` ≥ 0 (`{"step": n, "loss": x, "checkpoint": n?, …}`, DESIGN.md's
 * workload contract). Fields of the wrong type are left out of the event but kept
 * in `line`. Anything else is an ordinary log line.
 */
export interface ProgressLine {
  step: number;
  loss?: number;
  checkpoint?: number;
  line: Record<string, unknown>;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export function parseProgressLine(text: string): ProgressLine | undefined {
  const t = text.trim();
  if (!t.startsWith('{') || !t.endsWith('}')) return undefined;
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
