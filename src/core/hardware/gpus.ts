/**
 * GPU catalog, compiled from ../shared/data/hardware.json (presets.gpus).
 * Each figure keeps its source id in `src` (ids are listed in hardware.json → presets.sources).
 * Capacities are decimal as quoted (80 GB = 80e9 bytes); bandwidths in bytes/s.
 */
import type { GpuSpec } from './types.js';

const T = 1e12;
const GB = 1e9;

export const A100: GpuSpec = {
  id: 'A100-SXM4-80GB',
  aliases: ['a100', 'a100-80gb'],
  generation: 'ampere',
  peakDenseFlops: { bf16: 312 * T, fp16: 312 * T, tf32: 156 * T, fp8: null, fp4: null },
  hbmBytes: 80 * GB,
  hbmUsableBytes: 80 * GB,
  hbmBandwidthBytesPerS: 2.039 * T,
  nvlinkBytesPerSPerDir: (600 / 2) * GB,
  nvlinkDomainGpus: 8,
  tdpW: 400,
  sms: 108,
  l2Bytes: 40e6,
  hbmType: 'HBM2e',
  src: { peakDenseFlops: 'STAS', hbmBytes: 'GLK', hbmBandwidthBytesPerS: 'GLK', nvlinkBytesPerSPerDir: 'GLK', nvlinkDomainGpus: 'EPOCH', tdpW: 'STAS', sms: 'GLK', l2Bytes: 'STAS' },
};

export const H100: GpuSpec = {
  id: 'H100-SXM5-80GB',
  aliases: ['h100', 'h100-sxm'],
  generation: 'hopper',
  peakDenseFlops: { bf16: 989 * T, fp16: 989 * T, tf32: 494.5 * T, fp8: 1979 * T, fp4: null },
  hbmBytes: 80 * GB,
  hbmUsableBytes: 80 * GB,
  hbmBandwidthBytesPerS: 3.35 * T,
  nvlinkBytesPerSPerDir: (900 / 2) * GB,
  nvlinkDomainGpus: 8,
  tdpW: 700,
  sms: 132,
  l2Bytes: 50e6,
  hbmType: 'HBM3',
  src: { peakDenseFlops: 'HPCTECH (tf32: STAS)', hbmBytes: 'HPCTECH', hbmBandwidthBytesPerS: 'HPCTECH', nvlinkBytesPerSPerDir: 'HPCTECH', nvlinkDomainGpus: 'NV-SPOD-H100', tdpW: 'HPCTECH', sms: 'HPCTECH', l2Bytes: 'HPCTECH' },
};

export const H200: GpuSpec = {
  id: 'H200-SXM-141GB',
  aliases: ['h200'],
  generation: 'hopper',
  peakDenseFlops: { bf16: 989 * T, fp16: 989 * T, tf32: 494.5 * T, fp8: 1979 * T, fp4: null },
  hbmBytes: 141 * GB,
  hbmUsableBytes: 141 * GB,
  hbmBandwidthBytesPerS: 4.8 * T,
  nvlinkBytesPerSPerDir: (900 / 2) * GB,
  nvlinkDomainGpus: 8,
  tdpW: 700,
  sms: 132,
  l2Bytes: 50e6,
  hbmType: 'HBM3e',
  src: { peakDenseFlops: 'STAS', hbmBytes: 'STAS', hbmBandwidthBytesPerS: 'STAS', nvlinkBytesPerSPerDir: 'MLC-H200', nvlinkDomainGpus: 'MLC-H200', tdpW: 'MLC-H200', sms: 'STAS', l2Bytes: 'STAS' },
};

export const B200: GpuSpec = {
  id: 'B200-HGX',
  aliases: ['b200'],
  generation: 'blackwell',
  peakDenseFlops: { bf16: 2250 * T, fp16: 2250 * T, tf32: 1125 * T, fp8: 4500 * T, fp4: 9000 * T },
  hbmBytes: 192 * GB,
  hbmUsableBytes: 180 * GB,
  // Spec sheet 8.0 TB/s (GLK); the driver-derived figure is 7.67 TB/s (TORCHAO).
  hbmBandwidthBytesPerS: 8.0 * T,
  nvlinkBytesPerSPerDir: (1800 / 2) * GB,
  nvlinkDomainGpus: 8,
  tdpW: 1000,
  sms: 148,
  l2Bytes: 126.5e6,
  hbmType: 'HBM3e',
  src: { peakDenseFlops: 'STAS (fp8/fp4: TORCHAO)', hbmBytes: 'GLK', hbmUsableBytes: 'NV-DGXB200', hbmBandwidthBytesPerS: 'GLK', nvlinkBytesPerSPerDir: 'GLK', nvlinkDomainGpus: 'NV-DGXB200', tdpW: 'GLK', sms: 'TORCHAO', l2Bytes: 'TORCHAO' },
};

export const GB200: GpuSpec = {
  id: 'GB200',
  aliases: ['gb200'],
  generation: 'blackwell',
  peakDenseFlops: { bf16: 2500 * T, fp16: 2500 * T, tf32: 1250 * T, fp8: 5000 * T, fp4: 10000 * T },
  hbmBytes: 186 * GB,
  hbmUsableBytes: 186 * GB,
  hbmBandwidthBytesPerS: 8.0 * T,
  nvlinkBytesPerSPerDir: (1800 / 2) * GB,
  nvlinkDomainGpus: 72,
  tdpW: 1200,
  sms: null,
  l2Bytes: null,
  hbmType: 'HBM3e',
  src: { peakDenseFlops: 'GLK', hbmBytes: 'MLC-GB200 (usable)', hbmBandwidthBytesPerS: 'D', nvlinkBytesPerSPerDir: 'GLK', nvlinkDomainGpus: 'NV-DGXGB200', tdpW: 'GLK' },
};

export const B300: GpuSpec = {
  id: 'B300-HGX',
  aliases: ['b300'],
  generation: 'blackwell-ultra',
  // No separate FP16 figure is listed: BF16 and FP16 tensor rates are equal on every other entry.
  peakDenseFlops: { bf16: 2250 * T, fp16: 2250 * T, tf32: 1125 * T, fp8: 4500 * T, fp4: 13125 * T },
  hbmBytes: 288 * GB,
  hbmUsableBytes: 270 * GB,
  hbmBandwidthBytesPerS: 8.0 * T,
  nvlinkBytesPerSPerDir: (1800 / 2) * GB,
  nvlinkDomainGpus: 8,
  // VERDA 1,100 W; STAS says 1,300 W (conflicting sources, hardware.json keeps VERDA).
  tdpW: 1100,
  sms: null,
  l2Bytes: null,
  hbmType: 'HBM3e',
  src: { peakDenseFlops: 'GLK', hbmBytes: 'STAS', hbmUsableBytes: 'VERDA', hbmBandwidthBytesPerS: 'STAS', nvlinkBytesPerSPerDir: 'GLK', nvlinkDomainGpus: 'GLK', tdpW: 'VERDA' },
};

export const GB300: GpuSpec = {
  id: 'GB300',
  aliases: ['gb300'],
  generation: 'blackwell-ultra',
  peakDenseFlops: { bf16: 2500 * T, fp16: 2500 * T, tf32: 1250 * T, fp8: 5000 * T, fp4: 15000 * T },
  hbmBytes: 288 * GB,
  hbmUsableBytes: 279 * GB,
  hbmBandwidthBytesPerS: 8.0 * T,
  nvlinkBytesPerSPerDir: (1800 / 2) * GB,
  nvlinkDomainGpus: 72,
  tdpW: 1400,
  sms: null,
  l2Bytes: null,
  hbmType: 'HBM3e',
  src: { peakDenseFlops: 'VERDA', hbmBytes: 'GLK', hbmUsableBytes: 'VERDA', hbmBandwidthBytesPerS: 'GLK', nvlinkBytesPerSPerDir: 'VERDA', nvlinkDomainGpus: 'GLK', tdpW: 'GLK' },
};

/** Every GPU in the catalog, oldest first. */
export const GPUS: readonly GpuSpec[] = [A100, H100, H200, B200, GB200, B300, GB300];
