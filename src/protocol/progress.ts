/**
 * A workload's progress line is untrusted text: bounded in size and nesting depth
 * before anything parses, stores or serialises it (a line of 20,000 `[` must not
 * overflow a stack anywhere). Pure functions, shared by the agent (which drops
 * such lines and counts them) and the server (which refuses them at the edge).
 */
import { z } from 'zod';
import { LIMITS } from './common.js';

/** Deepest bracket nesting of a JSON text, counted without parsing (strings skipped). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped char
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) max = Math.max(max, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/** Depth of a parsed value, iteratively (no recursion, so no stack to overflow); stops counting past `limit`. */
export function valueDepth(value: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    max = Math.max(max, d + 1);
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

/** The `line` of a progress event: a JSON object within the depth and size limits. */
export const progressLineRecordSchema = z
  .record(z.string(), z.unknown())
  .refine((v) => valueDepth(v, LIMITS.progressDepth) <= LIMITS.progressDepth, { message: `nested deeper than ${LIMITS.progressDepth} levels`, abort: true })
  .refine((v) => JSON.stringify(v).length <= LIMITS.progressLineChars, `longer than ${LIMITS.progressLineChars} characters as JSON`);
