/**
 * Where a node sits in the physical tree. Nodes are numbered 0…nodes−1; consecutive
 * nodes share a rack, consecutive racks an array, and so on, as the presets' levels say.
 */
import type { Cluster } from './types.js';

export interface NodeLocation {
  /** Node name, e.g. "node-00042". */
  node: string;
  /** Index at each level above the node, by level name: { rack: 5, array: 0, hall: 0 }. */
  indices: Record<string, number>;
  /** Labels at each level: { rack: "rack-0005", array: "array-000", hall: "hall-0" }. */
  labels: Record<string, string>;
  /** Index of the GPU pool the node belongs to (heterogeneous clusters). */
  pool: number;
  gpuModel: string;
}

const pad = (n: number, total: number) => String(n).padStart(Math.max(1, String(Math.max(0, total - 1)).length), '0');

export function nodeName(cluster: Cluster, nodeIndex: number): string {
  return `node-${pad(nodeIndex, cluster.nodes)}`;
}

export function nodeLocation(cluster: Cluster, nodeIndex: number): NodeLocation {
  const indices: Record<string, number> = {};
  const labels: Record<string, string> = {};
  let i = nodeIndex;
  for (const level of cluster.levels.slice(1)) {
    i = Math.floor(i / level.childrenPer);
    indices[level.name] = i;
    labels[level.name] = `${level.name}-${pad(i, level.count)}`;
  }
  let pool = 0;
  let seen = 0;
  for (; pool < cluster.pools.length - 1; pool++) {
    seen += cluster.pools[pool].nodes;
    if (nodeIndex < seen) break;
  }
  return { node: nodeName(cluster, nodeIndex), indices, labels, pool, gpuModel: cluster.pools[pool].gpu.id };
}
