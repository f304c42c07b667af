/**
 * Simulated GPUs for `colossus agent --simulate-gpus N`: stable UUIDs and PCI bus
 * ids derived from the node name, memory from the hardware catalog, and readings
 * that change only when a GPU becomes busy or idle (so telemetry deltas stay rare,
 * as on an idle real node). Figures other than the catalog's are illustrative.
 */
import { createHash } from 'node:crypto';
import type { GpuSpec } from '../core/hardware/types.js';
import type { GpuReading, GpuSource } from './gpu-reading.js';

export interface SimulatedGpuOptions {
  count: number;
  nodeName: string;
  /** Catalog GPU (e.g. getGpu('h100')): memory = hbmBytes, busy power = 85 % of tdpW (source ids in the catalog). */
  gpu: GpuSpec;
  /** Local GPU indices running work right now. */
  busy: () => ReadonlySet<number>;
}

/** "GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", stable per node name and index. */
export function simulatedUuid(nodeName: string, index: number): string {
  const h = createHash('sha256').update(`${nodeName}/${index}`).digest('hex');
  return `GPU-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** PCI bus ids spread like an HGX board's ("00000000:18:00.0", …). */
export const simulatedPciBusId = (index: number): string =>
  `00000000:${(0x18 + index * 0x11).toString(16).toUpperCase().padStart(2, '0')}:00.0`;

export function simulatedGpuSource(opt: SimulatedGpuOptions): GpuSource {
  const model = `NVIDIA ${opt.gpu.id} (simulated)`;
  return {
    kind: 'simulated',
    async read(): Promise<GpuReading[]> {
      const busy = opt.busy();
      return Array.from({ length: opt.count }, (_, index) => {
        const on = busy.has(index);
        return {
          index,
          uuid: simulatedUuid(opt.nodeName, index),
          model,
          pciBusId: simulatedPciBusId(index % 256),
          temperatureC: on ? 62 + (index % 4) : 33 + (index % 4),
          powerW: Math.round(opt.gpu.tdpW * (on ? 0.85 : 0.1)),
          utilizationPct: on ? 97 : 0,
          memUsedBytes: on ? Math.round(opt.gpu.hbmBytes * 0.9) : 0,
          memTotalBytes: opt.gpu.hbmBytes,
          eccVolatileUncorrected: 0,
          eccAggregateUncorrected: 0,
          remappedRowsUncorrectable: 0,
          remappedRowsPending: 0,
          remappedRowsFailed: 0,
        };
      });
    },
  };
}
