/**
 * Collective times as α + bytes/β over the hierarchy: NVLink inside the domain, NIC rails
 * across domains, oversubscribed tiers above the leaf group.
 *
 * A group of n ranks `strideGpus` apart has k = min(n, domain/stride) members in each NVLink
 * domain. A ring (or NCCL's hierarchical) all-gather / reduce-scatter of a full buffer of B
 * bytes moves (n−1)/n·B per GPU over NVLink and, spread over the k NICs of the domain's
 * members, (n−1)/n·B/k per NIC across domains; the slower of the two sets the time.
 * All-reduce is twice a reduce-scatter. Latency: (n−1) ring steps inside a domain;
 * 2·(log2 n + 1) steps across the fabric, as NCCL's tree and hierarchical algorithms scale.
 */
import { groupBusBytesPerS, type ClusterCosts } from './cluster-costs.js';
import type { PerfParams } from './params.js';

/** Members of the group inside one NVLink domain. */
export const membersPerDomain = (cc: ClusterCosts, n: number, strideGpus: number): number =>
  Math.max(1, Math.min(n, Math.floor(cc.domainGpus / strideGpus)));

/** All-gather or reduce-scatter of a `bytes` buffer over `n` ranks `strideGpus` apart. */
export function ringS(cc: ClusterCosts, P: PerfParams, n: number, strideGpus: number, bytes: number): number {
  if (n <= 1 || bytes <= 0) return 0;
  const k = membersPerDomain(cc, n, strideGpus);
  const moved = ((n - 1) / n) * bytes;
  const nvl = k > 1 ? moved / cc.nvlinkBusBytesPerS : 0;
  if (k >= n) return P.alphaNvlinkS * (n - 1) + nvl;
  const kNic = 1 + (k - 1) * P.generation[cc.generation].nicAggregation;
  const nic = moved / kNic / groupBusBytesPerS(cc, n * strideGpus);
  return P.alphaFabricS * 2 * (Math.log2(n) + 1) + Math.max(nvl, nic);
}

/**
 * All-to-all of `bytes` per GPU over `n` ranks `strideGpus` apart: the share bound for peers
 * in other domains goes over the GPU's NIC at a2aInterEff of its bus bandwidth, the rest
 * over NVLink at a2aNvlinkEff.
 */
export function allToAllS(cc: ClusterCosts, P: PerfParams, n: number, strideGpus: number, bytes: number): number {
  if (n <= 1 || bytes <= 0) return 0;
  const k = membersPerDomain(cc, n, strideGpus);
  const out = ((n - 1) / n) * bytes;
  const nvl = cc.nvlinkBusBytesPerS * P.a2aNvlinkEff;
  if (k >= n) return P.alphaNvlinkS * 2 + out / nvl;
  const remote = bytes * (1 - k / n);
  const bw = groupBusBytesPerS(cc, n * strideGpus) * P.a2aInterEff;
  return P.alphaFabricS * 2 + Math.max(remote / bw, (out - remote) / nvl);
}

/** One point-to-point transfer between pipeline neighbours `strideGpus` apart. */
export function p2pS(cc: ClusterCosts, P: PerfParams, strideGpus: number, bytes: number): number {
  if (bytes <= 0) return 0;
  const intra = strideGpus < cc.domainGpus;
  const bw = intra ? cc.nvlinkBusBytesPerS : cc.fabricBusBytesPerS;
  return (intra ? P.alphaNvlinkS : P.alphaFabricS) + bytes / bw;
}
