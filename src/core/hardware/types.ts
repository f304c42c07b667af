/**
 * Hardware vocabulary. All figures come from ../shared/data/hardware.json;
 * `src` maps each field to its source id there (see catalog.ts).
 */

/** Training precisions the planner knows. GEMMs run at the precision's peak; the rest stays in BF16. */
export type Precision = 'bf16' | 'fp8' | 'fp4';
export const PRECISIONS: readonly Precision[] = ['bf16', 'fp8', 'fp4'];

export type GpuGeneration = 'ampere' | 'hopper' | 'blackwell' | 'blackwell-ultra';

export interface GpuSpec {
  /** Catalog id as in hardware.json, e.g. 'H100-SXM5-80GB'. */
  id: string;
  /** Short lower-case names accepted on the command line, e.g. ['h100']. */
  aliases: readonly string[];
  generation: GpuGeneration;
  /** Peak dense (non-sparse) FLOP/s per precision; null where the GPU has no such tensor path. */
  peakDenseFlops: { bf16: number; fp16: number; tf32: number; fp8: number | null; fp4: number | null };
  /** HBM capacity as the vendor quotes it, bytes (decimal: GB × 1e9, as hardware.json gives it). */
  hbmBytes: number;
  /** HBM capacity software can allocate, bytes; = hbmBytes where no separate figure is published. */
  hbmUsableBytes: number;
  hbmBandwidthBytesPerS: number;
  /** NVLink bandwidth per GPU per direction, bytes/s (half the bidirectional figure). */
  nvlinkBytesPerSPerDir: number;
  /** GPUs in one NVLink domain (8 on HGX, 72 on NVL72). */
  nvlinkDomainGpus: number;
  tdpW: number;
  sms: number | null;
  l2Bytes: number | null;
  hbmType: string | null;
  /** Field name → source id in hardware.json. */
  src: Readonly<Record<string, string>>;
}

export interface NicSpec {
  id: string;
  name: string;
  gbps: number;
  src: Readonly<Record<string, string>>;
}

export interface SwitchSpec {
  id: string;
  name: string;
  capacityTbps: number;
  /** Ports at the speed most used for GPU fabrics (400G). */
  ports400G: number;
  src: Readonly<Record<string, string>>;
}
