/**
 * Loads clusters and models named on the command line: a preset name, or a path to a
 * YAML (or JSON) file. This is the I/O edge; validation lives in src/core.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { getClusterPreset, clusterNames } from '../core/cluster/catalog.js';
import { resolveCluster } from '../core/cluster/resolve.js';
import { parseCluster } from '../core/cluster/schema.js';
import type { Cluster, ClusterSpec } from '../core/cluster/types.js';
import { ColossusError } from '../core/errors.js';
import { findModelPreset, modelNames } from '../core/model/catalog.js';
import { parseModel } from '../core/model/schema.js';
import type { ModelSpec } from '../core/model/types.js';

const looksLikeFile = (arg: string) => /[./\\]/.test(arg) && /\.(ya?ml|json)$/i.test(arg);

/** Reads and parses a YAML/JSON file, with errors that name the file. */
export function readDataFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ColossusError('usage', code === 'ENOENT' ? 'file not found' : `cannot read file (${code})`, { where: path });
  }
  try {
    return parseYaml(text);
  } catch (e) {
    throw new ColossusError('usage', `not valid YAML: ${(e as Error).message.split('\n')[0]}`, { where: path });
  }
}

export function loadClusterSpec(arg: string): ClusterSpec {
  if (looksLikeFile(arg)) return parseCluster(readDataFile(arg), arg);
  try {
    return getClusterPreset(arg, '--cluster');
  } catch (e) {
    throw new ColossusError('usage', `unknown cluster '${arg}'`, {
      where: '--cluster',
      hint: `valid presets: ${clusterNames().join(', ')}; or a path to a cluster .yaml file`,
      details: { valid: clusterNames(), cause: (e as Error).message },
    });
  }
}

/** A cluster preset or file, resolved to `gpus` GPUs. */
export function loadCluster(arg: string, gpus?: number): Cluster {
  return resolveCluster(loadClusterSpec(arg), { gpus, where: '--gpus' });
}

/** A model preset or file. */
export function loadModel(arg: string): ModelSpec {
  if (looksLikeFile(arg)) return parseModel(readDataFile(arg), arg);
  const m = findModelPreset(arg);
  if (!m) {
    throw new ColossusError('usage', `unknown model '${arg}'`, {
      where: '--model',
      hint: `valid presets: ${modelNames().join(', ')}; or a path to a model .yaml file`,
      details: { valid: modelNames() },
    });
  }
  return m;
}
