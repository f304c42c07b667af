/**
 * Collective times as α + bytes/β over the hierarchy (NVLink inside the domain, NIC rails
 * across it, oversubscribed tiers above the leaf group). Ring all-gather / reduce-scatter of
 * a full buffer of B bytes over n ranks moves (n−1)/n·B per GPU; all-reduce twice that.
 * Latency: (n−1) ring steps inside a domain; 2·(log2 n + 1) steps across the fabric, as
 * NCCL's tree and hierarchical algorithms scale.
 */
import { groupBusBytesPerS, type ClusterCosts } from './cluster-costs.js';
import type { PerfParams } from './params.js';

/** All-gather or reduce-scatter of a `bytes` buffer over `n` ranks spanning `spanGpus` GPUs. */
export function ringS(cc: ClusterCosts, P: PerfParams, n: number, spanGpus: number, bytes: number): number {
  if (n <= 1 || bytes <= 0) return 0;
  const bw = groupBusBytesPerS(cc, spanGpus);
  const intra = spanGpus <= cc.domainGpus;
  const alpha = intra ? P.alphaNvlinkS * (n - 1) : P.alphaFabricS * 2 * (Math.log2(n) + 1);
  return alpha + ((n - 1) / n) * bytes / bw;
}

/**
 * All-to-all of `bytes` per GPU over `n` ranks spanning `spanGpus` GPUs: the share bound for
 * peers outside the NVLink domain goes over the NIC at a2aInterEff of its bus bandwidth.
 */
export function allToAllS(cc: ClusterCosts, P: PerfParams, n: number, spanGpus: number, bytes: number): number {
  if (n <= 1 || bytes <= 0) return 0;
  const out = ((n - 1) / n) * bytes;
  if (spanGpus <= cc.domainGpus) return P.alphaNvlinkS * 2 + out / cc.nvlinkBusBytesPerS;
  const peersInDomain = Math.max(1, Math.min(n, (n * cc.domainGpus) / spanGpus));
  const remote = bytes * (1 - peersInDomain / n);
  const bw = groupBusBytesPerS(cc, spanGpus) * P.a2aInterEff;
  return P.alphaFabricS * 2 + Math.max(remote / bw, (out - remote) / cc.nvlinkBusBytesPerS);
}

/** One point-to-point transfer between pipeline neighbours `strideGpus` apart. */
export function p2pS(cc: ClusterCosts, P: PerfParams, strideGpus: number, bytes: number): number {
  if (bytes <= 0) return 0;
  const intra = strideGpus < cc.domainGpus;
  const bw = intra ? cc.nvlinkBusBytesPerS : cc.fabricBusBytesPerS;
  return (intra ? P.alphaNvlinkS : P.alphaFabricS) + bytes / bw;
}
