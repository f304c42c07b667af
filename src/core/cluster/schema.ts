/**
 * Cluster file (YAML) schema. A file may start from a preset (`base: dgx-h100`) and
 * override any field; or describe a cluster in full. Unknown fields are errors.
 */
import { z } from 'zod';
import { ColossusError } from '../errors.js';
import { getGpu } from '../hardware/catalog.js';
import { parseWith } from '../validation.js';
import { CLUSTER_PRESETS } from './presets.js';
import type { ClusterSpec } from './types.js';

const pos = (what: string) => z.number({ error: `${what} must be a number` }).positive(`${what} must be > 0`);
const posInt = (what: string) => pos(what).int(`${what} must be a whole number`);

const tierSchema = z.strictObject({ name: z.string().min(1), oversubscription: pos('oversubscription') });

export const clusterFileSchema = z.strictObject({
  name: z.string().min(1).max(100),
  base: z.string().optional(),
  description: z.string().optional(),
  kind: z.enum(['site', 'node-type']).optional(),
  pools: z.array(z.strictObject({ gpuModel: z.string().min(1), gpus: posInt('gpus') })).min(1, 'at least one pool').optional(),
  gpusPerNode: posInt('gpusPerNode').optional(),
  nvlinkDomainGpus: posInt('nvlinkDomainGpus').optional(),
  nodeMaxPowerW: pos('nodeMaxPowerW').optional(),
  levels: z.array(z.strictObject({ name: z.string().min(1), childrenPer: posInt('childrenPer') })).optional(),
  fabric: z
    .strictObject({
      technology: z.string().optional(),
      nicGbpsPerGpu: pos('nicGbpsPerGpu').optional(),
      nicModel: z.string().optional(),
      switchModel: z.string().optional(),
      railOptimized: z.boolean().optional(),
      rails: posInt('rails').optional(),
      tiers: z.array(tierSchema).optional(),
      efficiency: pos('efficiency').max(1, 'efficiency must be ≤ 1').optional(),
    })
    .optional(),
  facility: z
    .strictObject({
      pue: z.number().min(1, 'pue must be ≥ 1').optional(),
      electricityUsdPerKWh: z.number().min(0, 'electricityUsdPerKWh must be ≥ 0').optional(),
      gpuHourUsd: z.number().min(0).nullable().optional(),
    })
    .optional(),
});

const REQUIRED_WITHOUT_BASE = ['pools', 'gpusPerNode', 'nodeMaxPowerW'] as const;
const REFERENCE = CLUSTER_PRESETS['dgx-h100'];

/** Validates a parsed cluster file into a ClusterSpec. */
export function parseCluster(value: unknown, where: string): ClusterSpec {
  const f = parseWith(clusterFileSchema, value, where);
  const base = f.base ? CLUSTER_PRESETS[f.base] : undefined;
  if (f.base && !base) {
    throw new ColossusError('usage', `unknown base preset '${f.base}'`, { where: `${where}: base`, hint: `valid presets: ${Object.keys(CLUSTER_PRESETS).join(', ')}` });
  }
  if (!base) {
    const missing = REQUIRED_WITHOUT_BASE.filter((k) => f[k] === undefined);
    if (missing.length) {
      throw new ColossusError('usage', `missing field(s) ${missing.join(', ')}`, { where, hint: "add them, or start from a preset with 'base: dgx-h100'" });
    }
  }
  const gpusPerNode = f.gpusPerNode ?? base!.gpusPerNode;
  const spec: ClusterSpec = {
    name: f.name,
    description: f.description ?? (base ? `${base.description} (customised)` : f.name),
    kind: f.kind ?? base?.kind ?? 'site',
    pools: f.pools ?? base!.pools,
    gpusPerNode,
    nvlinkDomainGpus: f.nvlinkDomainGpus ?? base?.nvlinkDomainGpus ?? gpusPerNode,
    nodeMaxPowerW: f.nodeMaxPowerW ?? base!.nodeMaxPowerW,
    levels: f.levels ?? base?.levels ?? [],
    // Fields a file leaves out come from its base, else from the DGX H100 reference design.
    fabric: { ...(base ?? REFERENCE).fabric, ...stripUndefined(f.fabric ?? {}) },
    facility: { ...(base ?? REFERENCE).facility, ...stripUndefined(f.facility ?? {}) },
    src: { ...(base?.src ?? {}), file: where },
  };
  spec.pools.forEach((p, i) => {
    getGpu(p.gpuModel, `${where}: pools[${i}].gpuModel`);
    if (spec.kind === 'site' && p.gpus % gpusPerNode !== 0) {
      throw new ColossusError('invalid', `pool of ${p.gpus} GPUs is not whole nodes of ${gpusPerNode}`, { where: `${where}: pools[${i}].gpus`, hint: `use a multiple of ${gpusPerNode}` });
    }
  });
  if (spec.nvlinkDomainGpus % gpusPerNode !== 0 && gpusPerNode % spec.nvlinkDomainGpus !== 0) {
    throw new ColossusError('invalid', `nvlinkDomainGpus=${spec.nvlinkDomainGpus} must be a multiple or divisor of gpusPerNode=${gpusPerNode}`, { where: `${where}: nvlinkDomainGpus` });
  }
  return spec;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
