/** Lookup of cluster presets by name. */
import { unknownName } from '../errors.js';
import { CLUSTER_PRESETS } from './presets.js';
import { resolveCluster } from './resolve.js';
import type { Cluster, ClusterSpec } from './types.js';

export const clusterNames = (): string[] => Object.keys(CLUSTER_PRESETS);

export function getClusterPreset(name: string, where?: string): ClusterSpec {
  return CLUSTER_PRESETS[name.toLowerCase()] ?? unknownName('cluster', name, clusterNames(), where);
}

/** A preset resolved to `gpus` GPUs (default: the whole site, or one NVLink domain of a node type). */
export function clusterByName(name: string, gpus?: number): Cluster {
  return resolveCluster(getClusterPreset(name, '--cluster'), { gpus });
}
