/**
 * Calibration parameters of the performance model. Each is either physical (with its
 * source id from ../shared/data/hardware.json) or fitted ONCE, globally or per GPU
 * generation, against ../shared/data/calibration-runs.json by scripts/calibration-fit.ts
 * (coordinate descent on the mean |log(predicted/measured)| of the verified throughput
 * rows) — never per row. The error they give is reported by scripts/calibration-report.ts
 * and in docs/plan.md.
 *
 * The fitted efficiencies are end-to-end effective values inside Megatron-class frameworks
 * (they absorb kernel launch gaps, unfused epilogues and the like), so they sit below the
 * micro-benchmark "maximum achievable matmul FLOPS" that STAS tabulates.
 */
import type { GpuGeneration, Precision } from '../hardware/types.js';

export interface GenerationParams {
  /** Achieved fraction of dense peak for a large GEMM, per precision (fitted). */
  gemmEff: Record<Precision, number>;
  /** Achieved fraction of BF16 peak for flash attention, forward and backward (fitted). */
  flashEff: number;
  /** Fraction of tensor-parallel communication hidden behind GEMMs (fitted; 0 = Megatron 2021, no TP overlap). */
  tpOverlap: number;
  /**
   * 1 when a collective's members inside one NVLink domain share their NICs (NCCL ≥ 2.12 PXN
   * and hierarchical rings, 2022 on); 0 when each rank's full share crosses its own NIC, as the
   * 2021 A100 runs (DeepSpeed ZeRO-3 scaling in Narayanan et al. 2021, Table 2) behave.
   */
  nicAggregation: number;
}

export interface PerfParams {
  generation: Record<GpuGeneration, GenerationParams>;
  /** GEMM dimension at which a dimension alone halves efficiency: s(d) = d / (d + gemmHalfDim) (fitted; tile/wave quantisation). */
  gemmHalfDim: number;
  /** Multiplier on the itemised element-wise traffic of model-costs.ts (unfused kernels, extra passes) (fitted). */
  elementwiseFactor: number;
  /** The same for the MoE block's router, permutation and combine kernels (index gathers run below HBM peak) (fitted). */
  moeElementwiseFactor: number;
  /** Bytes per GEMM-input element for FP8/FP4 quantisation: read 2, write 1, plus a 1-byte transposed copy for the backward (physical). */
  quantBytesPerElement: number;
  /** Fixed time per layer per micro-batch (kernel launches, synchronisation), s (fitted). */
  layerOverheadS: number;
  /** Extra fixed GPU time per MoE layer per micro-batch (router, permute/unpermute bookkeeping), s (fitted). */
  moeLayerOverheadS: number;
  /**
   * CPU time to issue one dropless MoE layer's forward kernels apart from the per-expert GEMMs
   * (router, aux loss, permutation, combine); the backward issues twice as many, s (fitted).
   */
  hostPerMoeLayerS: number;
  /** CPU time to issue one local expert's forward grouped-GEMM work (quantise, fc1, fc2), s (fitted). */
  hostPerLocalExpertS: number;
  /** CPU stall at a dropless MoE layer's device-to-host copy of the per-expert token counts, s (fitted). */
  moeSyncS: number;
  /** CPU time per pipeline chunk per pass (wait for the point-to-point receive, schedule bookkeeping), s (fitted). */
  chunkSyncS: number;
  /** Compute slowdown per second of communication overlapped with it (SM and HBM contention) (fitted). */
  overlapSlowdown: number;
  /** Achieved fraction of the NIC's bus bandwidth for all-to-all across domains (fitted). */
  a2aInterEff: number;
  /** Achieved fraction of NVLink bus bandwidth for all-to-all inside a domain (fitted). */
  a2aNvlinkEff: number;
  /** Fraction of expert all-to-all hidden behind other micro-batches' compute under the interleaved schedule (Megatron-Core combined-1F1B A2A overlap) (fitted). */
  epOverlap: number;
  /** Latency per ring step inside an NVLink domain, s (assumed, typical NCCL Simple protocol). */
  alphaNvlinkS: number;
  /** Latency per ring step across the fabric, s (assumed). */
  alphaFabricS: number;
  /**
   * Bytes per gradient element in the data-parallel reduce-scatter / all-reduce: 4 where the
   * framework reduces in FP32 (Megatron-Core with BF16: main_grad accumulation and reduction in
   * FP32), 2 where it reduces in BF16/FP16. Set by the software release (software.ts).
   */
  gradReduceBytes: number;
  /** Bytes read+written per parameter by the Adam step on fp32 master weights (physical: p,g,m,v read; p,m,v,bf16 p written). */
  optimizerBytesPerParam: number;
  /** Framework memory allowance per GPU, bytes: CUDA context, cuBLAS workspaces, NCCL buffers (assumed). */
  frameworkBytes: number;
  /** Allocator fragmentation, as a fraction of activation + transient memory (assumed, PyTorch caching allocator). */
  fragmentation: number;
}

const gen = (bf16: number, fp8: number, fp4: number, flashEff: number, tpOverlap: number, nicAggregation = 1): GenerationParams => ({
  gemmEff: { bf16, fp8, fp4 },
  flashEff,
  tpOverlap,
  nicAggregation,
});

/** The calibrated parameter set (scripts/calibration-fit.ts; see docs/plan.md). */
export const DEFAULT_PARAMS: PerfParams = {
  generation: {
    // A100 has no FP8/FP4 path; those entries are never used.
    ampere: gen(0.724, 0.8, 0.8, 0.25, 0, 0),
    hopper: gen(0.619, 0.745, 0.62, 0.28, 0.9),
    blackwell: gen(0.477, 0.723, 0.62, 0.25, 0.00578),
    'blackwell-ultra': gen(0.463, 0.92, 0.534, 0.422, 0.0867),
  },
  gemmHalfDim: 453,
  elementwiseFactor: 1,
  moeElementwiseFactor: 2.76,
  quantBytesPerElement: 4,
  layerOverheadS: 0.000497,
  moeLayerOverheadS: 0.000331,
  hostPerMoeLayerS: 0.000478,
  hostPerLocalExpertS: 9.81e-05,
  moeSyncS: 0.00123,
  chunkSyncS: 0.008,
  overlapSlowdown: 0.3,
  a2aInterEff: 0.9,
  a2aNvlinkEff: 0.657,
  epOverlap: 0.759,
  alphaNvlinkS: 5e-6,
  alphaFabricS: 15e-6,
  gradReduceBytes: 4,
  optimizerBytesPerParam: 36,
  frameworkBytes: 3e9,
  fragmentation: 0.08,
};

/** Merges overrides into the defaults (shallow per generation). */
export function resolveParams(over?: Partial<PerfParams>): PerfParams {
  if (!over) return DEFAULT_PARAMS;
  return { ...DEFAULT_PARAMS, ...over, generation: { ...DEFAULT_PARAMS.generation, ...(over.generation ?? {}) } };
}
