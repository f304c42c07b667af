/**
 * NICs, switches and measured NCCL bus bandwidths, from ../shared/data/hardware.json (presets.network).
 */
import type { NicSpec, SwitchSpec } from './types.js';

export const NICS: readonly NicSpec[] = [
  { id: 'connectx-7', name: 'NVIDIA ConnectX-7', gbps: 400, src: { gbps: 'NV-CX7' } },
  { id: 'bluefield-3-supernic', name: 'NVIDIA BlueField-3 SuperNIC (B3140H)', gbps: 400, src: { gbps: 'NV-BF3' } },
];

export const SWITCHES: readonly SwitchSpec[] = [
  { id: 'spectrum-sn5600', name: 'NVIDIA Spectrum SN5600 (Spectrum-4, Ethernet)', capacityTbps: 51.2, ports400G: 128, src: { capacityTbps: 'SPEC4', ports400G: 'SPEC4' } },
  { id: 'quantum-2-qm9700', name: 'NVIDIA Quantum-2 QM9700 (NDR InfiniBand)', capacityTbps: 51.2, ports400G: 64, src: { capacityTbps: 'QM9700', ports400G: 'QM9700' } },
];

/**
 * Bus bandwidths measured with nccl-tests (bytes/s). "Bus bandwidth" is nccl-tests' busbw:
 * algorithm bandwidth corrected for the collective, comparable to link speed.
 */
export const NCCL_MEASURED = {
  /** H100 NVLink line rate per direction: 450 GB/s (NCCL-212). */
  h100NvlinkLineBytesPerSPerDir: 450e9,
  /** H100 8-GPU ring all-reduce busbw: 370 GB/s (NCCL-212). */
  nvlinkRingBusBytesPerS: 370e9,
  /** H100 NVLS (NVLink SHARP) all-reduce busbw: 480 GB/s (NCCL-212). */
  nvlsAllreduceBusBytesPerS: 480e9,
  /** H200 NVLS all-reduce busbw measured: 475 GB/s (NCCL-272). */
  h200NvlsAllreduceBusBytesPerS: 475e9,
  /** Inter-node busbw per 400G NIC: 46–48 GB/s (NCCL-290); midpoint. */
  interNodeBusBytesPerSPer400GNic: 47e9,
  interNodeBusBytesPerSPer400GNicRange: [46e9, 48e9] as const,
  src: {
    h100NvlinkLineBytesPerSPerDir: 'NCCL-212',
    nvlinkRingBusBytesPerS: 'NCCL-212',
    nvlsAllreduceBusBytesPerS: 'NCCL-212',
    h200NvlsAllreduceBusBytesPerS: 'NCCL-272',
    interNodeBusBytesPerSPer400GNic: 'NCCL-290',
  },
} as const;

/** Achieved fraction of NIC line rate for NCCL inter-node traffic: 47/50 GB/s (NCCL-290). */
export const NCCL_INTER_NODE_EFFICIENCY = NCCL_MEASURED.interNodeBusBytesPerSPer400GNic / (400e9 / 8);
