/**
 * Plan-face vocabulary: a parallel layout and what the performance model says about it.
 * Field names follow DESIGN.md's `colossus perf` contract.
 */
import type { Precision } from '../hardware/types.js';

export type Recompute = 'none' | 'selective' | 'full';
export const RECOMPUTES: readonly Recompute[] = ['none', 'selective', 'full'];
/** `full`, or `full(3)` when only 3 layers per virtual stage are recomputed (Layout.recomputeLayers). */
export const recomputeLabel = (l: { recompute: Recompute; recomputeLayers?: number }): string => (l.recomputeLayers ? `${l.recompute}(${l.recomputeLayers})` : l.recompute);
export type ZeroStage = 0 | 1 | 2 | 3;

/** A parallel configuration. `tp·pp·cp·dp = gpus`; `ep` divides `dp·cp` (Megatron-Core). */
export interface Layout {
  tp: number;
  pp: number;
  /** Virtual pipeline stages per rank (interleaved 1F1B); 1 = plain 1F1B. */
  vpp: number;
  cp: number;
  ep: number;
  dp: number;
  /** 0 = DDP; 1 = distributed optimizer (optimizer state sharded over dp); 2 = +gradients; 3 = +weights (FSDP). */
  zero: ZeroStage;
  /** Micro-batch size, sequences. */
  mbs: number;
  /** Global batch size, sequences. */
  gbs: number;
  /** Sequence length, tokens. */
  seq: number;
  precision: Precision;
  recompute: Recompute;
  /**
   * With recompute 'full': layers of each virtual pipeline stage that are recomputed, the rest
   * keeping all their activations (Megatron --recompute-method block --recompute-num-layers N).
   * Absent: every layer. The planner, when recompute is not given, recomputes the fewest layers
   * that fit in memory.
   */
  recomputeLayers?: number;
  /** Transformer layers of the first pipeline stage (Megatron --decoder-first-pipeline-num-layers); input. */
  ppFirstLayers?: number;
  /** Transformer layers of the last pipeline stage (--decoder-last-pipeline-num-layers); input. */
  ppLastLayers?: number;
  /**
   * Megatron pipeline layout string (E embedding, t layer, m MTP layer, L loss, | between virtual
   * stages). As input: the split to use; in results: the split the model used (pp > 1).
   */
  ppLayout?: string;
}

/** One class of identical pipeline ranks of a result. */
export interface StageReport {
  /** Pipeline ranks with this content. */
  ranks: number[];
  /** Transformer layers per rank (over its virtual stages), of which MoE. */
  layers: number;
  moeLayers: number;
  embedding: boolean;
  loss: boolean;
  mtpLayers: number;
  /** Memory of the rank of the class holding the most micro-batches (its lowest rank), bytes. */
  memoryPerGpuBytes: number;
  /** Time of one micro-batch (forward + backward) on the stage, s. */
  microbatchTimeS: number;
}

/** Bytes per GPU (the most loaded pipeline stage). */
export interface MemoryBreakdown {
  weights: number;
  gradients: number;
  optimizer: number;
  activations: number;
  /** Framework allowance: CUDA context, NCCL buffers, allocator fragmentation, logits. */
  other: number;
}

/**
 * Seconds per step on the critical path. `*CommS` are the total time of each collective
 * per step; `exposedCommS` is the part of all of them not hidden behind compute.
 * stepTimeS = computeS + ppBubbleS + exposedCommS.
 */
export interface TimeBreakdown {
  computeS: number;
  tpCommS: number;
  cpCommS: number;
  epCommS: number;
  ppBubbleS: number;
  dpCommS: number;
  exposedCommS: number;
}

export interface PerfResult {
  layout: Layout;
  gpus: number;
  fits: boolean;
  memoryPerGpuBytes: number;
  usableMemoryBytes: number;
  memory: MemoryBreakdown;
  stepTimeS: number;
  breakdown: TimeBreakdown;
  tokensPerS: number;
  tokensPerSPerGpu: number;
  modelFlopsPerGpuPerS: number;
  mfu: number;
  hfu: number;
  /** The pipeline split: how it was chosen and each class of ranks (pp > 1). */
  pipeline?: { kind: string; layout: string; stages: StageReport[] };
}

/** Knobs of the evaluation that are not part of the layout. */
export interface PerfOptions {
  /** Overrides the model's calibration parameters (tests, what-if studies). */
  params?: Partial<import('./params.js').PerfParams>;
  /**
   * Multi-token-prediction depth (DeepSeek-V3 "w/ MTP": 1): each depth adds one transformer
   * layer (of the model's last-layer kind) and one output-head GEMM to the last pipeline stage.
   * Default 0.
   */
  mtpLayers?: number;
  /**
   * MoE with token dropping (a capacity factor): expert inputs have static shapes, so the
   * dropless path's device-to-host sync of the per-expert token counts is not needed. Default
   * false (dropless, Megatron-Core's default).
   */
  moeTokenDrop?: boolean;
  /**
   * Software-release factors (software.ts) applied on top of `params`; default: the newest
   * release the model knows (DEFAULT_SOFTWARE).
   */
  software?: import('./software.js').SoftwareParams;
}
