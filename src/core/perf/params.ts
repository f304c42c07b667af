/**
 * Calibration parameters of the performance model. Each is either physical (with its
 * source id from ../shared/data/hardware.json) or fitted ONCE, globally or per GPU
 * generation, against ../shared/data/calibration-runs.json — never per row. The fitted
 * values and the error they give are reported by scripts/calibration-report.mjs and in
 * docs/plan.md.
 */
import type { GpuGeneration, Precision } from '../hardware/types.js';

export interface GenerationParams {
  /** Best achieved fraction of dense peak for a large GEMM, per precision (fitted; near the
   *  "maximum achievable matmul FLOPS" that STAS tabulates: A100 ≈ 86%, H100 ≈ 80% BF16). */
  gemmEff: Record<Precision, number>;
  /** Achieved fraction of BF16 peak for flash attention, forward and backward (fitted). */
  flashEff: number;
  /** Fraction of tensor-parallel communication hidden behind GEMMs (fitted; 0 = Megatron 2021, no TP overlap). */
  tpOverlap: number;
}

export interface PerfParams {
  generation: Record<GpuGeneration, GenerationParams>;
  /** GEMM dimension at which a dimension alone halves efficiency: s(d) = d / (d + gemmHalfDim) (fitted; tile/wave quantisation). */
  gemmHalfDim: number;
  /** Bytes moved by element-wise ops per token per layer, forward, per unit of hidden size (norms, residuals, rotary, casts) (fitted). */
  elementwiseBytesPerHidden: number;
  /** Extra bytes per GEMM-input element for FP8/FP4 quantisation (cast + transpose, read 2 write 1) (physical). */
  quantBytesPerElement: number;
  /** Fixed time per layer per micro-batch (kernel launches, MoE routing/permutation bookkeeping), s (fitted). */
  layerOverheadS: number;
  /** Extra fixed time per MoE layer per micro-batch (router, permute/unpermute, sync), s (fitted). */
  moeLayerOverheadS: number;
  /** Compute slowdown per second of communication overlapped with it (SM and HBM contention) (fitted). */
  overlapSlowdown: number;
  /** Achieved fraction of the NIC's bus bandwidth for all-to-all across domains (fitted). */
  a2aInterEff: number;
  /** Latency per ring step inside an NVLink domain, s (assumed, typical NCCL Simple protocol). */
  alphaNvlinkS: number;
  /** Latency per ring step across the fabric, s (assumed). */
  alphaFabricS: number;
  /** Bytes read+written per parameter by the Adam step on fp32 master weights (physical: p,g,m,v read; p,m,v,bf16 p written). */
  optimizerBytesPerParam: number;
  /** Framework memory allowance per GPU, bytes: CUDA context, cuBLAS workspaces, NCCL buffers (assumed). */
  frameworkBytes: number;
  /** Allocator fragmentation, as a fraction of activation + transient memory (assumed, PyTorch caching allocator). */
  fragmentation: number;
}

const gen = (bf16: number, fp8: number, fp4: number, flashEff: number, tpOverlap: number): GenerationParams => ({
  gemmEff: { bf16, fp8, fp4 },
  flashEff,
  tpOverlap,
});

/** The calibrated parameter set (see docs/plan.md for how each was set). */
export const DEFAULT_PARAMS: PerfParams = {
  generation: {
    ampere: gen(0.8, 0.8, 0.8, 0.45, 0),
    hopper: gen(0.78, 0.62, 0.62, 0.5, 0.7),
    blackwell: gen(0.75, 0.62, 0.5, 0.5, 0.7),
    'blackwell-ultra': gen(0.75, 0.62, 0.5, 0.5, 0.7),
  },
  gemmHalfDim: 48,
  elementwiseBytesPerHidden: 30,
  quantBytesPerElement: 3,
  layerOverheadS: 150e-6,
  moeLayerOverheadS: 400e-6,
  overlapSlowdown: 0.15,
  a2aInterEff: 0.6,
  alphaNvlinkS: 5e-6,
  alphaFabricS: 15e-6,
  optimizerBytesPerParam: 36,
  frameworkBytes: 3e9,
  fragmentation: 0.08,
};

/** Merges overrides into the defaults (shallow per generation). */
export function resolveParams(over?: Partial<PerfParams>): PerfParams {
  if (!over) return DEFAULT_PARAMS;
  return { ...DEFAULT_PARAMS, ...over, generation: { ...DEFAULT_PARAMS.generation, ...(over.generation ?? {}) } };
}
