/** Lookup of the hardware catalog by id or alias. */
import { unknownName } from '../errors.js';
import { GPUS } from './gpus.js';
import type { GpuSpec } from './types.js';

export { GPUS } from './gpus.js';
export { NICS, SWITCHES, NCCL_MEASURED, NCCL_INTER_NODE_EFFICIENCY } from './network.js';

const byName = new Map<string, GpuSpec>();
for (const g of GPUS) {
  byName.set(g.id.toLowerCase(), g);
  for (const a of g.aliases) byName.set(a, g);
}

/** Finds a GPU by catalog id or alias (case-insensitive); usage error listing the valid names otherwise. */
export function getGpu(idOrAlias: string, where?: string): GpuSpec {
  const g = byName.get(idOrAlias.toLowerCase());
  if (!g) return unknownName('GPU', idOrAlias, gpuNames(), where);
  return g;
}

export const gpuNames = (): string[] => GPUS.map((g) => g.aliases[0]);
