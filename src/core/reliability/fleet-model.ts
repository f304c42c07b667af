/**
 * The fleet failure model: Llama 3 Table 5's causes (a mature on-premises H100
 * fleet) carried to another GPU, provider and cluster age with the fits of
 * ./fleet-fit.ts. Public entry points (used by Simulate, the twin and the
 * server's fleet-reliability estimator):
 *
 * - `fleetCauseRates(gpu, { provider, fleetAgeDays })`: the rate of every cause
 *   for one GPU type, in its scope's unit;
 * - `fleetFailureModel({ pools, provider, fleetAgeDays })`: a FailureModel for
 *   a cluster of one or more pools (mixed pools: each pool's rates, weighted by
 *   its GPUs or nodes).
 */
import { getGpu } from '../hardware/catalog.js';
import type { GpuSpec } from '../hardware/types.js';
import { ageMultiplier, NO_AGEING, REFERENCE_AGE_DAYS, type AgeHazard } from './age-hazard.js';
import { LLAMA3_EXPOSURE, LLAMA3_PLANNED_COUNT, LLAMA3_TABLE5, table5Rate } from './catalog.js';
import {
  AMPERE_HBM_PER_GB_HOUR, CLOUD_FACTORS, COMPUTE_AGE, FAIL_SLOW, HOPPER_HBM_PER_GB_HOUR, HOST_AGE, MEMORY_AGE, NETWORK_AGE,
  PER_GB_REDUCTION_PER_GENERATION, SOFTWARE_REF_NODES, SOFTWARE_SIZE_EXPONENT, TDP_EXPONENT,
} from './fleet-fit.js';
import { DEFAULT_REPAIR, DETECT, DETECTOR_OF_CAUSE } from './recovery-catalog.js';
import type { CauseGroup, CauseKind, CauseScope, CauseSpec, FailureModel, Provider } from './types.js';

/** What the model needs to know of a GPU. */
export interface FleetGpu {
  /** Catalog id, or a label for a GPU not in the catalog. */
  id: string;
  /** 'ampere' | 'hopper' | 'blackwell' | 'blackwell-ultra' (later generations use Blackwell's per-GB memory rate). */
  generation: string;
  tdpW: number;
  hbmGb: number;
}

export interface FleetOptions {
  provider: Provider;
  /** Age of the cluster when the run starts, days (default 365: mature). */
  fleetAgeDays: number;
}

export const DEFAULT_FLEET: FleetOptions = { provider: 'onprem', fleetAgeDays: REFERENCE_AGE_DAYS };

/** Group of each Llama 3 Table 5 cause. */
export const GROUP_OF_CAUSE: Readonly<Record<string, CauseGroup>> = {
  gpuFaulty: 'gpuCompute',
  gpuSramMemory: 'gpuCompute',
  gpuSystemProcessorGSP: 'gpuCompute',
  gpuThermalInterfaceSensor: 'gpuCompute',
  gpuSilentDataCorruption: 'gpuCompute',
  gpuHbm3Memory: 'gpuMemory',
  networkSwitchOrCable: 'network',
  hostNic: 'network',
  hostMaintenanceUnplanned: 'host',
  hostSsd: 'host',
  hostPowerSupply: 'host',
  hostServerChassis: 'host',
  hostIoExpansionBoard: 'host',
  hostCpu: 'host',
  hostSystemMemory: 'host',
  softwareBug: 'software',
  dependency: 'software',
  ncclWatchdogUnknown: 'software',
  plannedMaintenance: 'planned',
};

const AGE_OF_GROUP: Readonly<Record<CauseGroup, AgeHazard>> = {
  gpuCompute: COMPUTE_AGE,
  gpuMemory: MEMORY_AGE,
  network: NETWORK_AGE,
  host: HOST_AGE,
  software: NO_AGEING, // no data on software ageing: its rate is left alone
  planned: NO_AGEING,
};

const cloudFactor = (g: CauseGroup): number =>
  g === 'gpuCompute' || g === 'gpuMemory' ? CLOUD_FACTORS.gpu : g === 'host' ? CLOUD_FACTORS.host : g === 'network' ? CLOUD_FACTORS.network : CLOUD_FACTORS[g];

/** HBM failures per GB-hour at 365 d for a generation (Ampere: Delta; Hopper: Llama 3; later: U, Hopper × (1 − 0.24)). */
export function hbmPerGbHour(generation: string): number {
  if (generation === 'ampere') return AMPERE_HBM_PER_GB_HOUR;
  if (generation === 'hopper') return HOPPER_HBM_PER_GB_HOUR;
  return HOPPER_HBM_PER_GB_HOUR * (1 - PER_GB_REDUCTION_PER_GENERATION);
}

/** Rate multiplier of a group for a GPU, relative to Llama 3's H100 (before provider and age). */
export function generationFactor(group: CauseGroup, gpu: FleetGpu): number {
  if (group === 'gpuCompute') return Math.pow(gpu.tdpW / 700, TDP_EXPONENT);
  if (group === 'gpuMemory') return (hbmPerGbHour(gpu.generation) * gpu.hbmGb) / (HOPPER_HBM_PER_GB_HOUR * 80);
  return 1;
}

export interface CauseRate {
  id: string;
  label: string;
  kind: CauseKind;
  scope: CauseScope;
  group: CauseGroup;
  /** Per GPU-hour, node-day or job-day (at 2,048 nodes for software: see sizeExponent), at the given age. */
  rate: number;
  /** The same rate at 365 days, on premises, for an H100 (Llama 3). */
  llama3Rate: number;
}

function baseCauses(): { id: string; label: string; kind: CauseKind; scope: CauseScope; rate: number }[] {
  const rows = LLAMA3_TABLE5.map((r) => ({ id: r.id, label: r.label, kind: r.kind, scope: r.scope, rate: table5Rate(r) }));
  return [...rows, { id: 'plannedMaintenance', label: 'Planned maintenance', kind: 'planned', scope: 'job', rate: LLAMA3_PLANNED_COUNT / LLAMA3_EXPOSURE.days }];
}

/** Rates of every cause for one GPU type, provider and cluster age (at the start of a run). */
export function fleetCauseRates(gpu: FleetGpu, opts: FleetOptions = DEFAULT_FLEET): CauseRate[] {
  return baseCauses().map((c) => {
    const group = GROUP_OF_CAUSE[c.id];
    const provider = opts.provider === 'cloud' ? cloudFactor(group) : 1;
    const rate = c.rate * generationFactor(group, gpu) * provider * ageMultiplier(AGE_OF_GROUP[group], opts.fleetAgeDays);
    return { ...c, group, rate, llama3Rate: c.rate };
  });
}

/** A catalog GPU as the fleet model sees it. */
export function fleetGpu(spec: GpuSpec): FleetGpu {
  return { id: spec.id, generation: spec.generation, tdpW: spec.tdpW, hbmGb: spec.hbmBytes / 1e9 };
}

/** Representative GPU of each generation preset (`--failure-rates ampere|hopper|blackwell`). */
export const GENERATION_PRESET_GPU: Readonly<Record<string, string>> = { ampere: 'A100-SXM4-80GB', hopper: 'H100-SXM5-80GB', blackwell: 'B200-HGX' };

export interface FleetPool {
  gpu: FleetGpu;
  gpus: number;
}

const describeFleet = (pools: readonly FleetPool[], o: FleetOptions) =>
  `${pools.map((p) => p.gpu.id).join(' + ')}, ${o.provider}, fleet age ${o.fleetAgeDays} d`;

/**
 * The failure model of a cluster: every Llama 3 cause at each pool's rate,
 * weighted by the pool's share of GPUs (per-GPU causes) or nodes (others;
 * pools share the node size). Software causes scale with job size; failures
 * age from `fleetAgeDays`; fail-slow as the provider's throughput loss.
 */
export function fleetFailureModel(pools: readonly FleetPool[], opts: FleetOptions = DEFAULT_FLEET, name?: string): FailureModel {
  const total = pools.reduce((a, p) => a + p.gpus, 0);
  const perPool = pools.map((p) => ({ w: p.gpus / total, rates: fleetCauseRates(p.gpu, opts) }));
  const causes: CauseSpec[] = perPool[0].rates.map((c, i) => {
    const rate = perPool.reduce((a, p) => a + p.w * p.rates[i].rate, 0);
    // U: planned stops (Llama 3: 47 in 54 days on 2,048 nodes) scale with job size like software: maintenance is batched.
    const scaled = c.group === 'software' || c.group === 'planned';
    return {
      id: c.id,
      label: c.label,
      kind: c.kind,
      scope: c.scope,
      rate,
      detect: DETECT[DETECTOR_OF_CAUSE[c.id] ?? 'periodicHealthCheck'],
      source: `fleet model (${c.group}): Llama 3 Table 5 × generation × provider × age (src/core/reliability/fleet-fit.ts)`,
      group: c.group,
      ageHazard: AGE_OF_GROUP[c.group],
      ...(scaled ? { sizeExponent: SOFTWARE_SIZE_EXPONENT, sizeRefNodes: SOFTWARE_REF_NODES } : {}),
    };
  });
  return {
    name: name ?? `fleet: ${describeFleet(pools, opts)}`,
    description: `Llama 3 causes scaled to ${describeFleet(pools, opts)}`,
    causes,
    repair: DEFAULT_REPAIR,
    defaultSpares: 'auto',
    fleetAgeDays: opts.fleetAgeDays,
    provider: opts.provider,
    failSlow: {
      maxLoss: FAIL_SLOW.maxLoss[opts.provider],
      hill: FAIL_SLOW.hill,
      halfNodes: FAIL_SLOW.halfNodes,
      source: opts.provider === 'cloud' ? 'greyhound-failslow-by-scale (shared cluster)' : 'shape of greyhound-failslow-by-scale, level of prism-variability',
    },
  };
}

/** The fleet model of one generation preset's representative GPU. */
export function generationPreset(generation: string, opts: FleetOptions = DEFAULT_FLEET): FailureModel {
  const gpu = fleetGpu(getGpu(GENERATION_PRESET_GPU[generation]));
  return fleetFailureModel([{ gpu, gpus: 1 }], opts, `${generation} (${gpu.id}, ${opts.provider}, fleet age ${opts.fleetAgeDays} d)`);
}

/** Per-job-day rate of a job-scope cause for a job of `nodes` nodes (size scaling if the cause has one). */
export function jobScopeRatePerDay(c: Pick<CauseSpec, 'rate' | 'sizeExponent' | 'sizeRefNodes'>, nodes: number): number {
  if (c.sizeExponent === undefined) return c.rate;
  return c.rate * Math.pow(Math.max(nodes, 1e-9) / (c.sizeRefNodes ?? SOFTWARE_REF_NODES), c.sizeExponent);
}
