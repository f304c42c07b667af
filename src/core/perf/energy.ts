/**
 * Time, energy and cost to train on a token budget at a predicted throughput.
 *
 * Power: each node draws its non-GPU share of nodeMaxPowerW at 0.75 of maximum (EPOCH's
 * average server power fraction during training) and each GPU draws its TDP scaled by
 * 0.35 + 0.65·min(1, hfu/0.5) (assumption: idle-to-busy swing of a training GPU, reaching
 * TDP near 50% hardware FLOP utilisation; no source in hardware.json). Facility energy =
 * IT energy × PUE. Cost = GPU-hours × price per GPU-hour (flag, else the facility's); where
 * no GPU-hour price is known, the electricity cost (`costBasis` says which).
 */
import type { Cluster } from '../cluster/types.js';
import type { PerfResult } from './types.js';

/** EPOCH: average server power as a fraction of its maximum during training. */
export const AVG_SERVER_POWER_FRACTION = 0.75;

export interface TrainingEstimate {
  tokens: number;
  days: number;
  gpuHours: number;
  itPowerW: number;
  energyMWh: number;
  electricityUsd: number;
  gpuHourUsd: number | null;
  costUsd: number;
  costBasis: 'gpu-hours' | 'electricity';
}

/** Average IT power of the job's nodes at the result's utilisation, W. */
export function jobItPowerW(cluster: Cluster, r: PerfResult): number {
  const gpuTdpW = cluster.gpu.tdpW;
  const nodes = r.gpus / cluster.gpusPerNode;
  const nonGpuW = Math.max(0, cluster.spec.nodeMaxPowerW - cluster.gpusPerNode * gpuTdpW) * AVG_SERVER_POWER_FRACTION;
  const gpuW = gpuTdpW * (0.35 + 0.65 * Math.min(1, r.hfu / 0.5));
  return nodes * (nonGpuW + cluster.gpusPerNode * gpuW);
}

export function trainingEstimate(cluster: Cluster, r: PerfResult, tokens: number, gpuHourUsd?: number): TrainingEstimate {
  const seconds = tokens / r.tokensPerS;
  const gpuHours = (seconds / 3600) * r.gpus;
  const itPowerW = jobItPowerW(cluster, r);
  const energyMWh = (itPowerW * cluster.spec.facility.pue * seconds) / 3.6e9;
  const price = gpuHourUsd ?? cluster.spec.facility.gpuHourUsd;
  const electricityUsd = energyMWh * 1000 * cluster.spec.facility.electricityUsdPerKWh;
  return {
    tokens,
    days: seconds / 86400,
    gpuHours,
    itPowerW,
    energyMWh,
    electricityUsd,
    gpuHourUsd: price,
    costUsd: price === null ? electricityUsd : gpuHours * price,
    costBasis: price === null ? 'electricity' : 'gpu-hours',
  };
}
