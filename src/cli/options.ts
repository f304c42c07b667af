/** Shared flag parsers: each throws a usage error naming the flag and what is allowed. */
import { ColossusError } from '../core/errors.js';
import { parseQuantity } from '../core/units.js';

/** A positive integer flag (accepts 98304, 98k, 1e5). */
export function positiveInt(flag: string) {
  return (text: string): number => {
    const v = parseQuantity(text, flag);
    if (!Number.isInteger(v) || v <= 0) {
      throw new ColossusError('usage', `${flag} must be a positive whole number, got '${text}'`, { where: flag });
    }
    return v;
  };
}

/** A non-negative number flag. */
export function nonNegative(flag: string) {
  return (text: string): number => {
    const v = parseQuantity(text, flag);
    if (!(v >= 0)) throw new ColossusError('usage', `${flag} must be ≥ 0, got '${text}'`, { where: flag });
    return v;
  };
}

/** A flag restricted to a list of choices. */
export function oneOf<T extends string>(flag: string, choices: readonly T[]) {
  return (text: string): T => {
    if (!(choices as readonly string[]).includes(text)) {
      throw new ColossusError('usage', `${flag} must be one of ${choices.join(', ')}, got '${text}'`, { where: flag });
    }
    return text as T;
  };
}

/** A --sort flag: one of `keys`, optionally preceded by - (descending). */
export function sortKey(keys: readonly string[]) {
  return (text: string): string => {
    if (!keys.includes(text.replace(/^-/, ''))) throw new ColossusError('usage', `--sort must be one of ${keys.join(', ')} (prefix - for descending), got '${text}'`, { where: '--sort' });
    return text;
  };
}

/** `--spare-reserve auto|N`. */
export function spareReserveFlag(text: string): number | 'auto' {
  if (text === 'auto') return 'auto';
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) throw new ColossusError('usage', `--spare-reserve must be 'auto' or a whole number of nodes ≥ 0, got '${text}'`, { where: '--spare-reserve', hint: "auto sizes it from the fleet's failure rate (docs/operate.md#spare-reserve); 0 turns it off" });
  return n;
}
