/**
 * Resolves a ClusterSpec into a Cluster of N GPUs: a site preset gives a partition of
 * N GPUs (whole nodes, pools taken in order); a node-type preset becomes N GPUs on its
 * reference fabric (default: one NVLink domain).
 */
import { ColossusError } from '../errors.js';
import { getGpu } from '../hardware/catalog.js';
import type { Cluster, ClusterSpec, ResolvedPool } from './types.js';

export interface ResolveOptions {
  gpus?: number;
  /** For error messages: the flag or file the GPU count came from. */
  where?: string;
}

export const totalGpus = (spec: ClusterSpec): number => spec.pools.reduce((s, p) => s + p.gpus, 0);

export function resolveCluster(spec: ClusterSpec, options: ResolveOptions = {}): Cluster {
  const where = options.where ?? '--gpus';
  const siteGpus = totalGpus(spec);
  const gpus = options.gpus ?? (spec.kind === 'site' ? siteGpus : spec.nvlinkDomainGpus);
  // A node type may be used partially (1, 2 or 4 GPUs of an 8-GPU node), as on a dev box.
  const partial = spec.kind === 'node-type' && gpus > 0 && gpus < spec.gpusPerNode && spec.gpusPerNode % gpus === 0;
  const gpusPerNode = partial ? gpus : spec.gpusPerNode;
  if (!partial) checkGpuCount(spec, gpus, siteGpus, where);
  const pools = takePools(spec, gpus, gpusPerNode);
  const nodes = gpus / gpusPerNode;
  const levels = [{ name: 'node', count: nodes, childrenPer: gpusPerNode }];
  let count = nodes;
  for (const l of spec.levels) {
    count = Math.ceil(count / l.childrenPer);
    levels.push({ name: l.name, count, childrenPer: l.childrenPer });
  }
  const sum = (f: (p: ResolvedPool) => number) => pools.reduce((s, p) => s + f(p) * p.gpus, 0);
  const allHave = (k: 'fp8' | 'fp4') => pools.every((p) => p.gpu.peakDenseFlops[k] !== null);
  const itPowerW = nodes * spec.nodeMaxPowerW;
  const largest = pools.reduce((a, b) => (b.gpus > a.gpus ? b : a));
  return {
    spec,
    name: spec.name,
    gpu: largest.gpu,
    pools,
    gpus,
    nodes,
    gpusPerNode,
    nvlinkDomainGpus: Math.min(spec.nvlinkDomainGpus, gpus),
    levels,
    peakDenseFlops: {
      bf16: sum((p) => p.gpu.peakDenseFlops.bf16),
      fp8: allHave('fp8') ? sum((p) => p.gpu.peakDenseFlops.fp8 ?? 0) : null,
      fp4: allHave('fp4') ? sum((p) => p.gpu.peakDenseFlops.fp4 ?? 0) : null,
    },
    hbmBytes: sum((p) => p.gpu.hbmBytes),
    hbmBandwidthBytesPerS: sum((p) => p.gpu.hbmBandwidthBytesPerS),
    itPowerW,
    facilityPowerW: itPowerW * spec.facility.pue,
  };
}

function checkGpuCount(spec: ClusterSpec, gpus: number, siteGpus: number, where: string): void {
  if (!Number.isInteger(gpus) || gpus <= 0) {
    throw new ColossusError('invalid', `GPU count must be a positive whole number, got ${gpus}`, { where, hint: `try ${spec.gpusPerNode}` });
  }
  if (gpus % spec.gpusPerNode !== 0) {
    const part = spec.kind === 'node-type' ? ` (or, for part of one node, a divisor of ${spec.gpusPerNode})` : '';
    const lo = Math.floor(gpus / spec.gpusPerNode) * spec.gpusPerNode;
    const hi = lo + spec.gpusPerNode;
    throw new ColossusError('invalid', `${gpus} GPUs do not fill whole nodes of ${spec.gpusPerNode} GPUs on ${spec.name}`, {
      where,
      hint: `use a multiple of ${spec.gpusPerNode}${part}, e.g. ${lo > 0 ? `${lo} or ` : ''}${hi}`,
    });
  }
  if (spec.kind === 'site' && gpus > siteGpus) {
    throw new ColossusError('invalid', `${gpus} GPUs exceed the ${siteGpus} GPUs of ${spec.name}`, {
      where,
      hint: `use at most ${siteGpus}, or a larger site (colossus-200k) or a node-type preset (dgx-h100) of any size`,
    });
  }
}

/** Takes `gpus` GPUs from the pools in order (site) or replicates the single pool (node type). */
function takePools(spec: ClusterSpec, gpus: number, gpusPerNode: number): ResolvedPool[] {
  const out: ResolvedPool[] = [];
  let left = gpus;
  const pools = spec.kind === 'site' ? spec.pools : [{ gpuModel: spec.pools[0].gpuModel, gpus }];
  for (const p of pools) {
    if (left <= 0) break;
    const take = Math.min(left, p.gpus);
    out.push({ gpu: getGpu(p.gpuModel, `${spec.name}: pools`), gpus: take, nodes: take / gpusPerNode });
    left -= take;
  }
  return out;
}
