/**
 * Cluster presets. Figures from ../shared/data/hardware.json (source ids in `src`);
 * 'D: …' marks a figure derived by the formula given; 'U: …' marks one no source in
 * shared/data confirms (an assumption, stated).
 */
import type { ClusterSpec, FabricSpec, FacilitySpec } from './types.js';

/** Hyperscale PUE 1.1 and US industrial electricity $0.0806/kWh (EPOCH). */
const HYPERSCALE: FacilitySpec = { pue: 1.1, electricityUsdPerKWh: 0.0806, gpuHourUsd: 2.97 };
/** Default PUE 1.25 (EPOCH) for a generic data centre. */
const GENERIC = (gpuHourUsd: number | null): FacilitySpec => ({ pue: 1.25, electricityUsdPerKWh: 0.0806, gpuHourUsd });
/** H100 on-demand rental $2.45–3.49 per GPU-hour (EPOCH): midpoint. */
const H100_GPU_HOUR_USD = 2.97;

/** NCCL inter-node busbw 47 of 50 GB/s per 400G NIC (NCCL-290). */
const NCCL_IB_EFFICIENCY = 0.94;

const colossusFabric: FabricSpec = {
  technology: 'spectrum-x',
  nicGbpsPerGpu: 400,
  nicModel: 'bluefield-3-supernic',
  switchModel: 'spectrum-sn5600',
  railOptimized: true,
  rails: 8,
  tiers: [
    { name: 'leaf', oversubscription: 1 },
    { name: 'spine', oversubscription: 1 },
    { name: 'core', oversubscription: 1 },
  ],
  efficiency: 0.95,
};

/** Colossus topology: 8 servers per rack, 8 racks per array (STH), 49 arrays per hall (D, see colossusSrc). */
const colossusLevels = [
  { name: 'rack', childrenPer: 8 },
  { name: 'array', childrenPer: 8 },
  { name: 'hall', childrenPer: 49 },
];

const colossusSrc = {
  gpuModel: 'NV-PR',
  gpus: 'NV-PR',
  gpusPerNode: 'STH',
  'levels.rack': 'STH (8 servers per rack)',
  'levels.array': 'STH (8 racks, 512 GPUs per array)',
  'levels.hall': 'D: 25,000 GPUs per hall (SMC) / 512 per array = 48.8 → 49 arrays',
  nodeMaxPowerW: 'U: DGX H100 10.2 kW (DGXH100) as a proxy; the Supermicro rating is not published',
  'fabric.technology': 'NV-PR',
  'fabric.nicGbpsPerGpu': 'DCD',
  'fabric.tiers': 'NV-PR (3 tiers); oversubscription 1 is D (the non-blocking estimate of hardware.json)',
  'fabric.rails': 'U: one NIC per GPU implies 8 rails; wiring not disclosed',
  'fabric.efficiency': 'NV-PR (95% effective throughput with Spectrum-X)',
  'facility.pue': 'U: hyperscale PUE 1.1 (EPOCH), not published for Colossus',
  'facility.electricityUsdPerKWh': 'EPOCH',
  'facility.gpuHourUsd': 'D: midpoint of $2.45–3.49 (EPOCH)',
};

const dgxFabric = (nicGbpsPerGpu: number, nicModel: string): FabricSpec => ({
  technology: 'infiniband',
  nicGbpsPerGpu,
  nicModel,
  switchModel: 'quantum-2-qm9700',
  railOptimized: true,
  rails: 8,
  // Two tiers up to 8 SUs (2,048 GPUs), three above (NV-SPOD-B200 table); resolve.ts trims by size.
  tiers: [
    { name: 'leaf', oversubscription: 1 },
    { name: 'spine', oversubscription: 1 },
    { name: 'core', oversubscription: 1 },
  ],
  efficiency: NCCL_IB_EFFICIENCY,
});

const dgxSrc = (extra: Record<string, string>) => ({
  'levels.rack': 'U: 4 systems per rack (a SuperPOD power budget assumption)',
  'levels.su': 'NV-SPOD-H100 (32 nodes per scalable unit)',
  'fabric.tiers': 'NV-SPOD-B200 (2 tiers up to 2,048 GPUs, 3 above; non-blocking)',
  'fabric.rails': 'NV-ERA (rail-optimized: NIC i of every node to leaf i)',
  'fabric.efficiency': 'NCCL-290 (46–48 GB/s busbw per 400G NIC)',
  'facility.pue': 'EPOCH (default 1.25)',
  'facility.electricityUsdPerKWh': 'EPOCH',
  ...extra,
});

const dgx = (name: string, gpuModel: string, description: string, nodeMaxPowerW: number, fabric: FabricSpec, gpuHourUsd: number | null, src: Record<string, string>): ClusterSpec => ({
  name,
  description,
  kind: 'node-type',
  pools: [{ gpuModel, gpus: 8 }],
  gpusPerNode: 8,
  nvlinkDomainGpus: 8,
  nodeMaxPowerW,
  levels: [
    { name: 'rack', childrenPer: 4 },
    { name: 'su', childrenPer: 8 },
  ],
  fabric,
  facility: GENERIC(gpuHourUsd),
  src: dgxSrc(src),
});

const nvl72 = (name: string, gpuModel: string, description: string, nicGbpsPerGpu: number, src: Record<string, string>): ClusterSpec => ({
  name,
  description,
  kind: 'node-type',
  pools: [{ gpuModel, gpus: 72 }],
  gpusPerNode: 4,
  nvlinkDomainGpus: 72,
  // 120 kW per 72-GPU rack (U in hardware.json) over 18 compute trays.
  nodeMaxPowerW: 120_000 / 18,
  levels: [
    { name: 'rack', childrenPer: 18 },
    { name: 'su', childrenPer: 8 },
  ],
  fabric: { ...dgxFabric(nicGbpsPerGpu, nicGbpsPerGpu >= 800 ? 'connectx-8' : 'connectx-7'), rails: 4 },
  facility: GENERIC(null),
  src: {
    gpusPerNode: 'NV-DGXGB200 (18 compute trays, 72 GPUs: D 4 per tray)',
    nvlinkDomainGpus: 'NV-DGXGB200',
    'levels.rack': 'NV-DGXGB200 (18 trays per rack)',
    'levels.su': 'U: 8 racks (576 GPUs) per scalable unit',
    nodeMaxPowerW: 'U: 120 kW per rack (hardware.json, weak sources) / 18 trays',
    'fabric.efficiency': 'NCCL-290',
    'facility.pue': 'EPOCH (default 1.25)',
    ...src,
  },
});

export const CLUSTER_PRESETS: Record<string, ClusterSpec> = {
  'colossus-100k': {
    name: 'colossus-100k',
    description: 'xAI Colossus phase 1, Memphis: 100,000 H100 on Spectrum-X Ethernet (2024)',
    kind: 'site',
    pools: [{ gpuModel: 'H100-SXM5-80GB', gpus: 100_000 }],
    gpusPerNode: 8,
    nvlinkDomainGpus: 8,
    nodeMaxPowerW: 10_200,
    levels: colossusLevels,
    fabric: colossusFabric,
    facility: HYPERSCALE,
    src: colossusSrc,
  },
  'colossus-200k': {
    name: 'colossus-200k',
    description: 'xAI Colossus phase 2: 150,000 H100 + 50,000 H200 on Spectrum-X Ethernet (2025)',
    kind: 'site',
    pools: [
      { gpuModel: 'H100-SXM5-80GB', gpus: 150_000 },
      { gpuModel: 'H200-SXM-141GB', gpus: 50_000 },
    ],
    gpusPerNode: 8,
    nvlinkDomainGpus: 8,
    nodeMaxPowerW: 10_200,
    levels: colossusLevels,
    fabric: colossusFabric,
    facility: HYPERSCALE,
    src: { ...colossusSrc, pools: 'TH-2024 (200K with 50K H200)', 'levels.rack': 'U: assumed as phase 1 (8 servers per rack)', 'fabric.tiers': 'U: 3 tiers assumed as phase 1' },
  },
  'meta-24k-roce': {
    name: 'meta-24k-roce',
    description: "Meta's 24,576-H100 RoCE cluster (Llama 3 training, 2024)",
    kind: 'site',
    pools: [{ gpuModel: 'H100-SXM5-80GB', gpus: 24_576 }],
    gpusPerNode: 8,
    nvlinkDomainGpus: 8,
    nodeMaxPowerW: 10_200,
    levels: [
      { name: 'rack', childrenPer: 2 },
      { name: 'pod', childrenPer: 192 },
      { name: 'cluster', childrenPer: 8 },
    ],
    fabric: {
      technology: 'roce',
      nicGbpsPerGpu: 400,
      nicModel: 'connectx-7',
      switchModel: 'U: Arista 7800 / Wedge400 / Minipack2 (META); radix taken as SN5600-class',
      railOptimized: false,
      rails: 8,
      tiers: [
        { name: 'rack', oversubscription: 1 },
        { name: 'cluster', oversubscription: 1 },
        { name: 'aggregation', oversubscription: 7 },
      ],
      efficiency: NCCL_IB_EFFICIENCY,
    },
    facility: GENERIC(H100_GPU_HOUR_USD),
    src: {
      gpus: 'META (24,576 GPUs)',
      gpusPerNode: 'META (Grand Teton, 8 GPUs)',
      'levels.rack': 'LLAMA3 §3.3.1 (16 GPUs per rack, two servers)',
      'levels.pod': 'LLAMA3 §3.3.1 (192 racks, 3,072 GPUs per pod)',
      'levels.cluster': 'LLAMA3 §3.3.1 (8 pods, 24K GPUs)',
      'fabric.nicGbpsPerGpu': 'LLAMA3 / META (400 Gbps RoCE)',
      'fabric.tiers': 'LLAMA3 §3.3.1 (full bisection within a pod, 1:7 at the aggregation layer)',
      nodeMaxPowerW: 'U: DGX H100 10.2 kW (DGXH100) as a proxy for Grand Teton',
      'fabric.efficiency': 'NCCL-290',
      'facility.pue': 'EPOCH (default 1.25)',
    },
  },
  'dgx-a100': dgx('dgx-a100', 'A100-SXM4-80GB', 'NVIDIA DGX A100 (8× A100 80GB) on an HDR InfiniBand SuperPOD fabric', 6_500, dgxFabric(200, 'connectx-6'), null, {
    nodeMaxPowerW: 'U: 6.5 kW, NVIDIA DGX A100 datasheet (not yet in shared/data)',
    'fabric.nicGbpsPerGpu': 'U: 8× 200 Gb/s HDR (DGX A100 datasheet; not yet in shared/data)',
  }),
  'dgx-h100': dgx('dgx-h100', 'H100-SXM5-80GB', 'NVIDIA DGX H100 (8× H100) on an NDR InfiniBand SuperPOD fabric', 10_200, dgxFabric(400, 'connectx-7'), H100_GPU_HOUR_USD, {
    nodeMaxPowerW: 'DGXH100',
    'fabric.nicGbpsPerGpu': 'NV-CX7 (8× ConnectX-7 400 Gb/s, DGXH100)',
    'facility.gpuHourUsd': 'D: midpoint of $2.45–3.49 (EPOCH)',
  }),
  'dgx-h200': dgx('dgx-h200', 'H200-SXM-141GB', 'NVIDIA DGX H200 (8× H200) on an NDR InfiniBand SuperPOD fabric', 10_200, dgxFabric(400, 'connectx-7'), null, {
    nodeMaxPowerW: 'DGXH100 (the DGX H100/H200 user guide gives 10.2 kW for both)',
    'fabric.nicGbpsPerGpu': 'NV-CX7',
  }),
  'dgx-b200': dgx('dgx-b200', 'B200-HGX', 'NVIDIA DGX B200 (8× B200) on an NDR InfiniBand SuperPOD fabric', 14_300, dgxFabric(400, 'connectx-7'), null, {
    nodeMaxPowerW: 'NV-DGXB200',
    'fabric.nicGbpsPerGpu': 'NV-DGXB200 (8× ConnectX-7 400 Gb/s)',
  }),
  'dgx-b300': dgx('dgx-b300', 'B300-HGX', 'NVIDIA DGX B300 (8× B300) on an 800G InfiniBand fabric', 15_730, dgxFabric(800, 'connectx-8'), null, {
    nodeMaxPowerW: 'D: DGX B200 14.3 kW × B300/B200 TDP 1,100/1,000',
    'fabric.nicGbpsPerGpu': 'U: ConnectX-8 800 Gb/s per GPU as on GB300 (GLK)',
  }),
  'gb200-nvl72': nvl72('gb200-nvl72', 'GB200', 'NVIDIA GB200 NVL72 racks (72 GPUs per NVLink domain)', 400, {
    'fabric.nicGbpsPerGpu': 'U: ConnectX-7 400 Gb/s per GPU (as DGX B200, NV-DGXB200)',
  }),
  'gb300-nvl72': nvl72('gb300-nvl72', 'GB300', 'NVIDIA GB300 NVL72 racks (72 GPUs per NVLink domain)', 800, {
    'fabric.nicGbpsPerGpu': 'GLK (72× ConnectX-8 800 Gb/s)',
    nodeMaxPowerW: 'U: 120 kW per rack (hardware.json, weak sources: 120–142 kW) / 18 trays',
  }),
};
