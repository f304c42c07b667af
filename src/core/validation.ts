/** Turns zod issues into one ColossusError naming the file, the field path and what is allowed. */
import type { z } from 'zod';
import { ColossusError } from './errors.js';

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

export function zodError(error: z.ZodError, where: string): ColossusError {
  const lines = error.issues.map((i) => {
    const path = formatPath(i.path) || '(top level)';
    if (i.code === 'unrecognized_keys') return `${path}: unknown field(s) ${i.keys.map((k) => `'${k}'`).join(', ')}`;
    return `${path}: ${i.message}`;
  });
  return new ColossusError('usage', `invalid ${where.split(' ')[0] === where ? 'input' : 'file'}:\n  ${lines.join('\n  ')}`, {
    where,
    details: { issues: error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })) },
  });
}

/** Parses `value` with `schema` or throws a usage error at `where`. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw zodError(r.error, where);
  return r.data;
}
