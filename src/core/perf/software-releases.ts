/**
 * Per-release software factors (see software.ts), written by
 * `node --import tsx scripts/calibration-fit-releases.ts` from each release's own verified rows
 * of ../shared/data/calibration-runs.json. Neutral (1, 1, 1) where a release has no rows.
 */
import type { SoftwareRelease } from './software.js';

/**
 * Bytes per gradient element each family's data-parallel reduction moves: a framework
 * property, not fitted (assumed from the frameworks' defaults; not in ../shared/data).
 *   - Megatron-Core (NeMo, Megatron-Bridge) with BF16 accumulates main_grad in FP32 and
 *     reduce-scatters it in FP32 (Megatron-LM forces --accumulate-allreduce-grads-in-fp32 for
 *     BF16; Megatron-Bridge's bf16 mixed-precision configs set grad_reduce_in_fp32);
 *   - torchtitan's FSDP2 reduces in FP32 (mixed_precision_reduce = float32);
 *   - the 2021–2023 FP16 / DeepSpeed / llm-foundry (FSDP mixed_precision PURE) runs reduce in
 *     the training dtype, 2 bytes.
 */
const GRAD_REDUCE_BYTES: Record<string, number> = { 'megatron-bridge': 4, torchtitan: 4 };

const r = (name: string, family: string, rows: number, gemmBf16 = 1, gemmLowPrecision = 1, moeHost = 1, moeComm = 1, attention = 1): SoftwareRelease => ({
  name, family, rows, params: { gemmBf16, gemmLowPrecision, moeHost, moeComm, attention, gradReduceBytes: GRAD_REDUCE_BYTES[family] ?? 2 },
});

export const RELEASES: SoftwareRelease[] = [
  r('megatron-lm-2021', 'megatron-lm', 17, 1, 1, 1, 1, 1),
  r('megatron-lm-2022', 'megatron-lm', 8, 1.25, 1, 1, 1, 1),
  r('deepspeed-2021', 'deepspeed', 6, 0.689, 1, 1, 1, 1),
  r('megatron-deepspeed-2022', 'megatron-deepspeed', 4, 0.931, 1, 1, 1, 1),
  r('megatron-deepspeed-vtrain', 'megatron-deepspeed', 21, 1, 1, 1, 1, 1),
  r('llm-foundry-2023', 'llm-foundry', 10, 1.058, 1, 1, 1, 0.688),
  r('nemo-24.07', 'megatron-bridge', 12, 1, 0.902, 1, 1, 1),
  r('torchtitan-2024.12', 'torchtitan', 0),
  r('megatron-bridge-25.09', 'megatron-bridge', 17, 1, 1.015, 1, 0.738, 1.058),
  r('megatron-bridge-25.11', 'megatron-bridge', 28, 1.322, 0.985, 1.25, 0.923, 1.025),
  r('megatron-bridge-26.02', 'megatron-bridge', 33, 0.826, 0.947, 1.238, 1.04, 0.878),
  r('megatron-bridge-26.02.01', 'megatron-bridge', 32, 1, 1.015, 0.985, 1.366, 0.788),
  r('megatron-bridge-26.04', 'megatron-bridge', 32, 0.931, 0.985, 1.025, 1.518, 0.887),
  r('megatron-bridge-26.04.01', 'megatron-bridge', 34, 0.931, 1, 1.04, 1.563, 0.88),
];
