/**
 * Spare-pool sizing: how many hot-standby nodes keep a job (or a fleet) running
 * through repairs. ByteRobust (reliability.json sparesAndRepair.warmStandbyP99Machines,
 * V) sizes warm standbys at the P99 of machines down at once; with independent
 * failures at λ per node-day and a mean repair time R, the nodes in repair at
 * any moment are Poisson with mean N·λ·R (M/G/∞: any repair-time distribution).
 */
import { meanOf } from '../sim/distributions.js';
import { SPARE_POOL_QUANTILE } from './recovery-catalog.js';
import type { FailureModel } from './types.js';

/** Smallest k with P(Poisson(mean) ≤ k) ≥ q. */
export function poissonQuantile(mean: number, q: number): number {
  let k = 0;
  let p = Math.exp(-mean);
  let cdf = p;
  while (cdf < q && k < 1e6) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

/** Hardware failures per node-day of a failure model (GPU causes × GPUs per node + node causes; lemons and correlated groups excluded). */
export function hardwareFailuresPerNodeDay(model: FailureModel, gpusPerNode: number): number {
  return model.causes
    .filter((c) => c.kind === 'hardware' && c.scope !== 'job')
    .reduce((a, c) => a + (c.scope === 'gpu' ? c.rate * gpusPerNode * 24 : c.rate), 0);
}

export interface SpareSizingInput {
  /** Nodes the pool covers (a job's, or a whole fleet's). */
  nodes: number;
  hardwareFailuresPerNodeDay: number;
  /** Mean time a failed node spends in repair, hours. */
  repairMeanH: number;
  /** Quantile of nodes in repair to cover (default 0.99, ByteRobust). */
  quantile?: number;
  /** Probability that a failure takes out a group of `correlatedNodes` nodes (default none). */
  correlatedProbability?: number;
  correlatedNodes?: number;
}

/**
 * Spare nodes for a pool: the `quantile` (P99) of a Poisson count of nodes in
 * repair, mean = nodes × failures per node-day × repair days (× the mean nodes
 * per failure with correlated groups). Returns the mean too.
 */
export function sparePoolP99(i: SpareSizingInput): { meanNodesInRepair: number; spares: number } {
  const perFailure = 1 + (i.correlatedProbability ?? 0) * ((i.correlatedNodes ?? 1) - 1);
  const meanNodesInRepair = i.nodes * i.hardwareFailuresPerNodeDay * perFailure * (i.repairMeanH / 24);
  return { meanNodesInRepair, spares: poissonQuantile(meanNodesInRepair, i.quantile ?? SPARE_POOL_QUANTILE) };
}

/** sparePoolP99 for a failure model: its hardware rate and repair-time distribution. */
export function sparePoolP99ForModel(model: FailureModel, nodes: number, gpusPerNode: number, quantile?: number): { meanNodesInRepair: number; spares: number } {
  return sparePoolP99({ nodes, hardwareFailuresPerNodeDay: hardwareFailuresPerNodeDay(model, gpusPerNode), repairMeanH: meanOf(model.repair) / 3600, quantile });
}
