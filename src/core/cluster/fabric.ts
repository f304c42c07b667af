/**
 * Derived fabric figures: how many tiers a cluster of N GPUs needs and how many switches
 * each tier holds.
 *
 * Switch counts (D): a tier below the top splits its ports into down- and uplinks by its
 * oversubscription o (down share o/(1+o)); the top tier uses every port downwards. With
 * T_i the traffic entering tier i (T_0 = GPUs × NIC Gb/s, T_{i+1} = T_i / o_i):
 *   switches_i = ceil(T_i / (switch capacity × o_i/(1+o_i)))   (top tier: / capacity)
 * For Colossus (SN5600, 128 × 400G) this gives the 1,563 / 1,563 / 782 of hardware.json.
 */
import { SWITCHES } from '../hardware/catalog.js';
import type { Cluster } from './types.js';

/** Tiers needed: none for one node, leaf only within one leaf's reach, 2 up to 2,048 GPUs (NV-SPOD-B200), else all. */
export function activeTiers(cluster: Cluster) {
  const tiers = cluster.spec.fabric.tiers;
  if (cluster.nodes <= 1 && cluster.gpus <= cluster.spec.nvlinkDomainGpus) return [];
  if (cluster.spec.kind === 'node-type' && cluster.gpus <= 2048) return tiers.slice(0, Math.min(2, tiers.length));
  return tiers;
}

export interface SwitchCount {
  tier: string;
  switches: number;
  formula: string;
}

export function switchCounts(cluster: Cluster): SwitchCount[] {
  const sw = SWITCHES.find((s) => s.id === cluster.spec.fabric.switchModel) ?? SWITCHES[0];
  // Port capacity one way (QM9700's 51.2 Tb/s is counted both ways; 64 × 400G ports is the one-way figure).
  const capacityGbps = sw.ports400G * 400;
  const tiers = activeTiers(cluster);
  let trafficGbps = cluster.gpus * cluster.spec.fabric.nicGbpsPerGpu;
  return tiers.map((t, i) => {
    const top = i === tiers.length - 1;
    const downGbps = top ? capacityGbps : (capacityGbps * t.oversubscription) / (1 + t.oversubscription);
    const switches = Math.ceil(trafficGbps / downGbps - 1e-9);
    const formula = `D: ceil(${trafficGbps} Gb/s / ${downGbps} Gb/s down per ${sw.id})`;
    trafficGbps /= t.oversubscription;
    return { tier: t.name, switches, formula };
  });
}
