/**
 * The cluster a control plane's nodes form, for planning a job on them: the node-type
 * preset of the GPU model the agents report (nvidia-smi's name, e.g. "NVIDIA H100 80GB
 * HBM3", or a simulated "NVIDIA H100-SXM5-80GB (simulated)") with the nodes' GPU count.
 * The fabric is the preset's reference fabric (the inventory does not say which NICs
 * and switches connect the nodes). Pure.
 */
import { ColossusError } from '../errors.js';
import { getClusterPreset } from './catalog.js';
import { resolveCluster } from './resolve.js';
import type { Cluster, ClusterSpec } from './types.js';

/** Node-type presets by GPU model pattern; the more specific names first (gb200 before b200). */
const NODE_TYPES: readonly [RegExp, string][] = [
  [/gb300/, 'gb300-nvl72'],
  [/gb200/, 'gb200-nvl72'],
  [/b300/, 'dgx-b300'],
  [/b200/, 'dgx-b200'],
  [/h200/, 'dgx-h200'],
  [/h100|h800/, 'dgx-h100'],
  [/a100|a800/, 'dgx-a100'],
];

/** The node-type preset for a reported GPU model name; null when no preset matches. */
export function nodeTypeForGpuModel(gpuModel: string): string | null {
  const m = gpuModel.toLowerCase();
  return NODE_TYPES.find(([re]) => re.test(m))?.[1] ?? null;
}

export interface NodeInventory {
  /** The GPU model name the agents report. */
  gpuModel: string;
  gpusPerNode: number;
}

/**
 * The preset for the nodes, with their GPU count when it differs from the preset's (a node
 * of 4 of a preset's 8 GPUs also has a 4-GPU NVLink domain), resolved to `gpus` GPUs.
 */
export function clusterOfNodes(inv: NodeInventory, gpus: number): { preset: string; cluster: Cluster } {
  const preset = nodeTypeForGpuModel(inv.gpuModel);
  if (!preset) {
    throw new ColossusError('usage', `the nodes report GPU model '${inv.gpuModel}', which no cluster preset describes`, {
      where: 'the server\'s nodes', hint: 'name the cluster the job runs on with --cluster (a preset such as dgx-h100, or a cluster .yaml file)',
    });
  }
  let spec: ClusterSpec = getClusterPreset(preset);
  if (inv.gpusPerNode !== spec.gpusPerNode && spec.nvlinkDomainGpus === spec.gpusPerNode) {
    spec = { ...spec, gpusPerNode: inv.gpusPerNode, nvlinkDomainGpus: inv.gpusPerNode };
  }
  return { preset, cluster: resolveCluster(spec, { gpus, where: '--gpus' }) };
}
