/**
 * The simulated fleet: one entry per node of the resolved cluster, named and
 * labelled by the cluster topology (`nodeLocation`), with global GPU indices so
 * the dashboard can address every GPU with one byte.
 */
import { nodeLocation } from '../core/cluster/topology.js';
import type { Cluster } from '../core/cluster/types.js';
import type { GpuRec } from '../core/control/types.js';

export interface FleetNode {
  index: number;
  name: string;
  rack: string;
  array: string;
  hall: string;
  /** Index of the node's first GPU in the fleet-wide GPU numbering. */
  firstGpu: number;
  gpus: GpuRec[];
  /** TDP of the node's GPUs, W (hardware catalog). */
  gpuTdpW: number;
}

export interface Fleet {
  nodes: FleetNode[];
  byName: Map<string, FleetNode>;
  gpus: number;
  gpusPerNode: number;
  /** Group sizes for the map: nodes per rack, racks per array, arrays per hall. */
  nodesPerRack: number;
  racksPerArray: number;
  arraysPerHall: number;
}

/**
 * Node names are interned (made V8 property-key strings): the control plane
 * compares names with ===, which for two distinct interned strings is a pointer
 * check instead of a character loop. Same content, same behaviour, faster.
 */
const intern = (s: string): string => Object.keys({ [s]: 0 })[0];

const childrenPer = (c: Cluster, level: string, fallback: number) => c.levels.find((l) => l.name === level)?.childrenPer ?? fallback;

/** Builds the fleet of `cluster` (12,500 nodes for colossus-100k). */
export function buildFleet(cluster: Cluster): Fleet {
  const nodes: FleetNode[] = [];
  let firstGpu = 0;
  for (let i = 0; i < cluster.nodes; i++) {
    const loc = nodeLocation(cluster, i);
    const gpu = cluster.pools[loc.pool].gpu;
    const model = gpu.id;
    const gpus: GpuRec[] = [];
    for (let g = 0; g < cluster.gpusPerNode; g++) gpus.push({ index: g, uuid: `GPU-${loc.node}-${g}`, model });
    nodes.push({
      index: i, name: intern(loc.node), firstGpu, gpus, gpuTdpW: gpu.tdpW,
      rack: loc.labels.rack ?? 'rack-0', array: loc.labels.array ?? loc.labels.su ?? 'array-0', hall: loc.labels.hall ?? 'hall-0',
    });
    firstGpu += cluster.gpusPerNode;
  }
  return {
    nodes, byName: new Map(nodes.map((n) => [n.name, n])), gpus: firstGpu, gpusPerNode: cluster.gpusPerNode,
    nodesPerRack: childrenPer(cluster, 'rack', 8), racksPerArray: childrenPer(cluster, 'array', childrenPer(cluster, 'su', 8)),
    arraysPerHall: childrenPer(cluster, 'hall', 1_000_000),
  };
}
