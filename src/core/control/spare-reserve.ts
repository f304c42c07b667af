/**
 * The spare reserve `--spare-reserve auto` would keep idle: the simulator's spare-pool rule
 * (P99 of nodes in repair, M/G/∞: src/core/reliability/spare-sizing.ts) at the fleet's
 * posterior hardware rate and the preset's repair time. Pure.
 */
import { sparePoolP99 } from '../reliability/spare-sizing.js';

export interface ReserveInputs {
  /** Nodes the reserve covers (the fleet's, or the largest running gang's). */
  nodes: number;
  gpusPerNode: number;
  /** Posterior rate per GPU-hour of the causes that send a node to repair (gpu-hardware + node-lost). */
  hardwarePerGpuHour: number;
  /** Mean time a failed node spends in repair, s. */
  repairMeanS: number;
}

export function autoSpareReserve(i: ReserveInputs): { meanNodesInRepair: number; spares: number } {
  return sparePoolP99({ nodes: i.nodes, hardwareFailuresPerNodeDay: i.hardwarePerGpuHour * i.gpusPerNode * 24, repairMeanH: i.repairMeanS / 3600 });
}
