/**
 * Cluster vocabulary (DESIGN.md): GPU → node (NVLink domain) → rack → array → hall,
 * a scale-out fabric and a facility. A `ClusterSpec` is what a preset or a YAML file
 * says; a `Cluster` is the resolved tree with totals.
 */
import type { GpuSpec } from '../hardware/types.js';

/** One pool of identical nodes. Heterogeneous clusters (Colossus 200k) have several. */
export interface PoolSpec {
  gpuModel: string;
  gpus: number;
}

/** One level of the physical tree above the node: how many children each instance holds. */
export interface LevelSpec {
  /** e.g. 'rack', 'array', 'hall'. */
  name: string;
  /** Children per instance: nodes per rack, racks per array, arrays per hall. */
  childrenPer: number;
}

export interface FabricTierSpec {
  /** 'leaf', 'spine', 'core'. */
  name: string;
  /** Downlink:uplink ratio at this tier; 1 = non-blocking. */
  oversubscription: number;
}

export interface FabricSpec {
  /** 'infiniband' | 'roce' | 'spectrum-x'. */
  technology: string;
  /** Scale-out NIC bandwidth per GPU, Gb/s (400 on H100 clusters). */
  nicGbpsPerGpu: number;
  nicModel: string;
  switchModel: string;
  /** Rail-optimized: NIC i of every node goes to leaf i. */
  railOptimized: boolean;
  rails: number;
  tiers: FabricTierSpec[];
  /** Achieved fraction of line rate for large collectives (Spectrum-X: 0.95, NV-PR). */
  efficiency: number;
}

export interface FacilitySpec {
  pue: number;
  electricityUsdPerKWh: number;
  /** Rental-equivalent price per GPU-hour used for cost when no price is given; null where no source gives one. */
  gpuHourUsd: number | null;
}

export interface ClusterSpec {
  name: string;
  description: string;
  /** 'site' presets are partitioned by --gpus; 'node-type' presets are replicated. */
  kind: 'site' | 'node-type';
  pools: PoolSpec[];
  gpusPerNode: number;
  /** GPUs sharing one NVLink domain: gpusPerNode on HGX, 72 on NVL72 (spanning 18 trays). */
  nvlinkDomainGpus: number;
  /** Node max power, W (all components). */
  nodeMaxPowerW: number;
  /** Levels above the node, innermost first. */
  levels: LevelSpec[];
  fabric: FabricSpec;
  facility: FacilitySpec;
  /** Field path → source id (hardware.json), or 'D: formula' for derived figures. */
  src: Readonly<Record<string, string>>;
}

export interface ResolvedPool {
  gpu: GpuSpec;
  gpus: number;
  nodes: number;
}

/** A resolved cluster: the spec plus the catalog entries and totals. */
export interface Cluster {
  spec: ClusterSpec;
  name: string;
  /** The GPU of the largest pool (heterogeneous clusters: see `pools`). */
  gpu: GpuSpec;
  pools: ResolvedPool[];
  gpus: number;
  nodes: number;
  gpusPerNode: number;
  nvlinkDomainGpus: number;
  /** Counts from the node up, e.g. [{node, 12500}, {rack, 1563}, {array, 196}, {hall, 4}]. */
  levels: { name: string; count: number; childrenPer: number }[];
  peakDenseFlops: { bf16: number; fp8: number | null; fp4: number | null };
  hbmBytes: number;
  hbmBandwidthBytesPerS: number;
  itPowerW: number;
  facilityPowerW: number;
}
