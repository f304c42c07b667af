/** Lookup of model presets by name or alias. */
import { unknownName } from '../errors.js';
import { MODEL_ALIASES, MODEL_PRESETS } from './presets.js';
import type { ModelSpec } from './types.js';

export const modelNames = (): string[] => Object.keys(MODEL_PRESETS);

export function findModelPreset(name: string): ModelSpec | undefined {
  const key = name.toLowerCase();
  return MODEL_PRESETS[key] ?? MODEL_PRESETS[MODEL_ALIASES[key] ?? ''];
}

/** The preset named `name`, or a usage error listing the valid names. */
export function getModelPreset(name: string, where?: string): ModelSpec {
  return findModelPreset(name) ?? unknownName('model', name, modelNames(), where);
}
