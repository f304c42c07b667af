/**
 * Failure-model presets for `--failure-rates`:
 * - `llama3-h100` (default): the Llama 3 Table 5 categories plus its planned
 *   interruptions, on H100 nodes of 8 GPUs;
 * - `ampere`, `hopper`, `blackwell`: the fleet model (./fleet-model.ts) for
 *   A100-80GB, H100 and B200, on premises at 365 days unless told otherwise;
 *   the CLI's default is the fleet model of the cluster's own GPU pools;
 * - `rsc1-a100`, `rsc2-a100`: exactly Kokolis et al. (HPCA'25)'s assumptions —
 *   Poisson node failures at 6.5e-3 and 2.34e-3 per node-day, nothing else, a
 *   replacement always at hand (their queue term omitted), restart u0 = 5 min.
 */
import { unknownName } from '../errors.js';
import { KOKOLIS_RATES, LLAMA3_EXPOSURE, LLAMA3_PLANNED_COUNT, LLAMA3_TABLE5, table5Rate } from './catalog.js';
import { DEFAULT_REPAIR, DETECT, DETECTOR_OF_CAUSE } from './recovery-catalog.js';
import { DEFAULT_FLEET, generationPreset, type FleetOptions } from './fleet-model.js';
import type { CauseSpec, FailureModel } from './types.js';

function llama3Causes(): CauseSpec[] {
  const causes: CauseSpec[] = LLAMA3_TABLE5.map((row) => ({
    id: row.id,
    label: row.label,
    kind: row.kind,
    scope: row.scope,
    rate: table5Rate(row),
    detect: DETECT[DETECTOR_OF_CAUSE[row.id] ?? 'periodicHealthCheck'],
    source: `reliability.json ${row.path} (Llama 3 Table 5: ${row.count} in 54 days on 16,384 GPUs)`,
  }));
  causes.push({
    id: 'plannedMaintenance',
    label: 'Planned maintenance',
    kind: 'planned',
    scope: 'job',
    rate: LLAMA3_PLANNED_COUNT / LLAMA3_EXPOSURE.days,
    detect: DETECT.none,
    source: 'reliability.json jobLevelInterruptions.plannedMaintenancePerJobDay (Llama 3 §3.3.4: 47 planned)',
  });
  return causes;
}

function kokolis(name: string, perNodeDay: number, site: string): FailureModel {
  return {
    name,
    description: `Kokolis et al. HPCA'25 ${site}: Poisson node failures at ${perNodeDay} per node-day, nothing else`,
    causes: [
      {
        id: 'nodeFailure',
        label: 'Node failure',
        kind: 'hardware',
        scope: 'node',
        rate: perNodeDay,
        detect: DETECT.none,
        source: `reliability.json aggregateFailureRates.a100Research${site.replace('-', '')} (Kokolis et al. HPCA'25)`,
      },
    ],
    repair: DEFAULT_REPAIR,
    defaultSpares: 'unlimited',
    // reliability.json restartOverheadSeconds.restartOverheadU0: u0 ≈ 5–20 min; their scenarios use 5 min.
    restartTotalS: 300,
  };
}

export const FAILURE_PRESETS: Readonly<Record<string, () => FailureModel>> = {
  'llama3-h100': () => ({
    name: 'llama3-h100',
    description: 'Llama 3 Table 5 root causes (419 unexpected + 47 planned in 54 days on 16,384 H100s)',
    causes: llama3Causes(),
    repair: DEFAULT_REPAIR,
    defaultSpares: 'auto',
  }),
  'rsc1-a100': () => kokolis('rsc1-a100', KOKOLIS_RATES.rsc1PerNodeDay, 'RSC-1'),
  'rsc2-a100': () => kokolis('rsc2-a100', KOKOLIS_RATES.rsc2PerNodeDay, 'RSC-2'),
  ampere: () => generationPreset('ampere'),
  hopper: () => generationPreset('hopper'),
  blackwell: () => generationPreset('blackwell'),
};

/** Generation presets: the fleet model (./fleet-model.ts) for one representative GPU; they take --provider and --fleet-age-days. */
export const GENERATION_PRESETS: readonly string[] = ['ampere', 'hopper', 'blackwell'];

export const DEFAULT_FAILURE_PRESET = 'llama3-h100';

/** A fresh copy of a preset; unknown names are usage errors listing the valid ones. */
export function failurePreset(name: string, where = '--failure-rates', fleet: FleetOptions = DEFAULT_FLEET): FailureModel {
  const make = FAILURE_PRESETS[name];
  if (!make) unknownName('failure-rate preset', name, Object.keys(FAILURE_PRESETS), where);
  return GENERATION_PRESETS.includes(name) ? generationPreset(name, fleet) : make();
}
