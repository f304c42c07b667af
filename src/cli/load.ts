/**
 * Loads clusters and models named on the command line: a preset name, or a path to a
 * YAML (or JSON) file. This is the I/O edge; validation lives in src/core.
 *
 * Presets need only the catalogs. Files need YAML and the zod schemas (~80 ms to import), so
 * those live in ./load-files.ts and are imported by `loadFileParsers()`, which `main()` awaits
 * whenever an argument names a data file (`namesDataFile` in ./data-file.ts). Code that loads files from
 * elsewhere (an env var, a test) awaits `loadFileParsers()` first.
 */
import { getClusterPreset, clusterNames } from '../core/cluster/catalog.js';
import { resolveCluster } from '../core/cluster/resolve.js';
import type { Cluster, ClusterSpec } from '../core/cluster/types.js';
import { ColossusError } from '../core/errors.js';
import { findModelPreset, modelNames } from '../core/model/catalog.js';
import type { ModelSpec } from '../core/model/types.js';
import { DATA_FILE } from './data-file.js';

type FileParsers = typeof import('./load-files.js');
let files: FileParsers | undefined;

const looksLikeFile = (arg: string) => /[./\\]/.test(arg) && DATA_FILE.test(arg);

/** Imports YAML and the file schemas; needed before any file is read. Idempotent. */
export async function loadFileParsers(): Promise<void> {
  files ??= await import('./load-files.js');
}

function parsers(): FileParsers {
  if (!files) throw new ColossusError('failure', 'internal: data-file parsers not loaded', { hint: 'await loadFileParsers() (src/cli/load.ts) before reading a file' });
  return files;
}

/** Reads and parses a YAML/JSON file, with errors that name the file. */
export const readDataFile = (path: string): unknown => parsers().readDataFile(path);

export function loadClusterSpec(arg: string): ClusterSpec {
  if (looksLikeFile(arg)) return parsers().parseCluster(readDataFile(arg), arg);
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
  if (looksLikeFile(arg)) return parsers().parseModel(readDataFile(arg), arg);
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
