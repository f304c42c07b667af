/**
 * Failure rates compiled from ../shared/data/reliability.json.
 *
 * Llama 3 (Herd of Models, §3.3.4, Table 5) counted 419 unexpected
 * interruptions in 54 days on 16,384 H100s (2,048 nodes), plus 47 planned
 * ones. Rates are recomputed here from the counts and that exposure, so that
 * 54 days on 16,384 GPUs gives back exactly the published counts; the rounded
 * values in reliability.json (componentFailureRates.*.perGpuHour / perNodeDay,
 * status D) are quoted in comments as a check.
 */
import type { CauseKind, CauseScope } from './types.js';

/** The Llama 3 exposure: 16,384 GPUs = 2,048 nodes × 8, for 54 days (reliability.json componentFailureRates._basis). */
export const LLAMA3_EXPOSURE = { gpus: 16_384, nodes: 2_048, days: 54 } as const;
const GPU_HOURS = LLAMA3_EXPOSURE.gpus * LLAMA3_EXPOSURE.days * 24; // 21,233,664
const NODE_DAYS = LLAMA3_EXPOSURE.nodes * LLAMA3_EXPOSURE.days; // 110,592

export interface Table5Row {
  id: string;
  label: string;
  kind: CauseKind;
  scope: CauseScope;
  /** Interruptions in 54 days (Llama 3 Table 5). */
  count: number;
  /** reliability.json path of the row. */
  path: string;
}

/** Llama 3 Table 5, one row per root-cause category (reliability.json). */
export const LLAMA3_TABLE5: readonly Table5Row[] = [
  { id: 'gpuFaulty', label: 'Faulty GPU', kind: 'hardware', scope: 'gpu', count: 148, path: 'componentFailureRates.gpuFaulty' }, // 6.97e-6 /GPU-h
  { id: 'gpuHbm3Memory', label: 'GPU HBM3 memory', kind: 'hardware', scope: 'gpu', count: 72, path: 'componentFailureRates.gpuHbm3Memory' }, // 3.391e-6
  { id: 'softwareBug', label: 'Software bug', kind: 'software', scope: 'job', count: 54, path: 'jobLevelInterruptions.softwareBugPerJobDay16k' }, // 1.0 /job-day
  { id: 'networkSwitchOrCable', label: 'Network switch/cable', kind: 'hardware', scope: 'node', count: 35, path: 'componentFailureRates.networkSwitchOrCable' }, // 3.165e-4 /node-day
  { id: 'hostMaintenanceUnplanned', label: 'Host maintenance (unplanned)', kind: 'hardware', scope: 'node', count: 32, path: 'componentFailureRates.hostMaintenanceUnplanned' }, // 2.894e-4
  { id: 'gpuSramMemory', label: 'GPU SRAM memory', kind: 'hardware', scope: 'gpu', count: 19, path: 'componentFailureRates.gpuSramMemory' }, // 8.948e-7
  { id: 'gpuSystemProcessorGSP', label: 'GPU system processor', kind: 'hardware', scope: 'gpu', count: 17, path: 'componentFailureRates.gpuSystemProcessorGSP' }, // 8.006e-7
  { id: 'hostNic', label: 'NIC', kind: 'hardware', scope: 'node', count: 7, path: 'componentFailureRates.hostNic' }, // 6.33e-5
  { id: 'ncclWatchdogUnknown', label: 'NCCL watchdog timeouts', kind: 'software', scope: 'job', count: 7, path: 'jobLevelInterruptions.ncclWatchdogUnknownPerJobDay16k' }, // 0.13
  { id: 'gpuSilentDataCorruption', label: 'Silent data corruption', kind: 'hardware', scope: 'gpu', count: 6, path: 'componentFailureRates.gpuSilentDataCorruption' }, // 2.826e-7
  { id: 'gpuThermalInterfaceSensor', label: 'GPU thermal interface + sensor', kind: 'hardware', scope: 'gpu', count: 6, path: 'componentFailureRates.gpuThermalInterfaceSensor' }, // 2.826e-7
  { id: 'hostSsd', label: 'SSD', kind: 'hardware', scope: 'node', count: 3, path: 'componentFailureRates.hostSsd' }, // 2.713e-5
  { id: 'hostPowerSupply', label: 'Power supply', kind: 'hardware', scope: 'node', count: 3, path: 'componentFailureRates.hostPowerSupply' }, // 2.713e-5
  { id: 'hostServerChassis', label: 'Server chassis', kind: 'hardware', scope: 'node', count: 2, path: 'componentFailureRates.hostServerChassis' }, // 1.808e-5
  { id: 'hostIoExpansionBoard', label: 'IO expansion board', kind: 'hardware', scope: 'node', count: 2, path: 'componentFailureRates.hostIoExpansionBoard' }, // 1.808e-5
  { id: 'dependency', label: 'Dependency', kind: 'software', scope: 'job', count: 2, path: 'jobLevelInterruptions.dependencyPerJobDay16k' }, // 0.037
  { id: 'hostCpu', label: 'CPU', kind: 'hardware', scope: 'node', count: 2, path: 'componentFailureRates.hostCpu' }, // 1.808e-5
  { id: 'hostSystemMemory', label: 'System memory', kind: 'hardware', scope: 'node', count: 2, path: 'componentFailureRates.hostSystemMemory' }, // 1.808e-5
];

/** Planned interruptions: 47 in 54 days (Llama 3 §3.3.4; reliability.json jobLevelInterruptions.plannedMaintenancePerJobDay = 0.87). */
export const LLAMA3_PLANNED_COUNT = 47;

/**
 * Rate of a Table 5 row in its scope's unit: per GPU-hour, per node-day or per
 * job-day. Job-level causes (software) are kept per job-day, not scaled with
 * job size: reliability.json says their scaling is "unknown".
 */
export function table5Rate(row: Pick<Table5Row, 'scope' | 'count'>): number {
  if (row.scope === 'gpu') return row.count / GPU_HOURS;
  if (row.scope === 'node') return row.count / NODE_DAYS;
  return row.count / LLAMA3_EXPOSURE.days;
}

/** Kokolis et al. (HPCA'25) node failure rates, per node-day (reliability.json aggregateFailureRates, status S). */
export const KOKOLIS_RATES = { rsc1PerNodeDay: 6.5e-3, rsc2PerNodeDay: 2.34e-3 } as const;

/** Lemon nodes (reliability.json heterogeneityAndCorrelation): 1.2% of RSC-1's nodes (Kokolis), ×20 rate (Lablup, order of magnitude). */
export const LEMON_DEFAULTS = { fraction: 0.012, multiplier: 20 } as const;

/** Correlated failure (ByteRobust §8.2.1 evaluation assumption): 1% of evictions take out 32 nodes at once. */
export const CORRELATED_DEFAULTS = { probability: 0.01, nodes: 32 } as const;
