/**
 * Per-cluster constants for the performance model: peaks, HBM, and the bandwidth of each
 * level of the communication hierarchy, computed once per cluster.
 *
 * NVLink bus bandwidth = per-direction NVLink bandwidth × 370/450, the ring all-reduce busbw
 * that nccl-tests measures on H100 over its 450 GB/s line rate (NCCL-212), applied to every
 * generation. Fabric bus bandwidth per GPU = NIC line rate × 47/50, the inter-node busbw per
 * 400G NIC (NCCL-290), or the fabric's own efficiency when that is lower (e.g. plain RoCE).
 */
import { NCCL_MEASURED, NCCL_INTER_NODE_EFFICIENCY } from '../hardware/network.js';
import type { GpuGeneration } from '../hardware/types.js';
import type { Cluster } from '../cluster/types.js';

export interface ClusterCosts {
  cluster: Cluster;
  gpus: number;
  generation: GpuGeneration;
  peakBf16: number;
  peakFp8: number;
  peakFp4: number;
  hbmBandwidthBytesPerS: number;
  usableMemoryBytes: number;
  gpusPerNode: number;
  domainGpus: number;
  nvlinkBusBytesPerS: number;
  fabricBusBytesPerS: number;
  /** GPUs under one leaf group (non-blocking scope) and under one spine group. */
  leafScopeGpus: number;
  spineScopeGpus: number;
  leafOversubscription: number;
  spineOversubscription: number;
}

const NVLINK_RING_EFF = NCCL_MEASURED.nvlinkRingBusBytesPerS / NCCL_MEASURED.h100NvlinkLineBytesPerSPerDir;

/** GPUs under one instance of the named level ('array', 'hall'), or `fallback`. */
function levelGpus(c: Cluster, name: string, fallback: number): number {
  let gpus = c.gpusPerNode;
  for (const l of c.spec.levels) {
    gpus *= l.childrenPer;
    if (l.name === name) return gpus;
  }
  return fallback;
}

export function clusterCosts(c: Cluster): ClusterCosts {
  const gpu = c.gpu;
  const fabric = c.spec.fabric;
  const eff = Math.min(NCCL_INTER_NODE_EFFICIENCY, fabric.efficiency > 0 ? fabric.efficiency : 1);
  const tiers = fabric.tiers;
  const leafScope = levelGpus(c, 'array', levelGpus(c, 'su', 32 * c.gpusPerNode));
  return {
    cluster: c,
    gpus: c.gpus,
    generation: gpu.generation,
    peakBf16: gpu.peakDenseFlops.bf16,
    peakFp8: gpu.peakDenseFlops.fp8 ?? 0,
    peakFp4: gpu.peakDenseFlops.fp4 ?? 0,
    hbmBandwidthBytesPerS: gpu.hbmBandwidthBytesPerS,
    usableMemoryBytes: gpu.hbmUsableBytes ?? gpu.hbmBytes,
    gpusPerNode: c.gpusPerNode,
    domainGpus: c.nvlinkDomainGpus,
    nvlinkBusBytesPerS: gpu.nvlinkBytesPerSPerDir * NVLINK_RING_EFF,
    fabricBusBytesPerS: (fabric.nicGbpsPerGpu * 1e9) / 8 * eff,
    leafScopeGpus: leafScope,
    spineScopeGpus: levelGpus(c, 'hall', Math.max(leafScope, c.gpus)),
    leafOversubscription: tiers[0]?.oversubscription ?? 1,
    spineOversubscription: tiers[1]?.oversubscription ?? 1,
  };
}

/**
 * Bus bandwidth per GPU for a collective over a group whose members are `strideGpus`
 * apart and that spans `spanGpus` consecutive GPUs (Megatron rank order tp-cp-ep-dp-pp).
 */
export function groupBusBytesPerS(cc: ClusterCosts, spanGpus: number): number {
  if (spanGpus <= cc.domainGpus) return cc.nvlinkBusBytesPerS;
  let bw = cc.fabricBusBytesPerS;
  if (spanGpus > cc.leafScopeGpus) bw /= cc.leafOversubscription;
  if (spanGpus > cc.spineScopeGpus) bw /= cc.spineOversubscription;
  return bw;
}
