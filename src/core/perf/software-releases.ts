/**
 * Per-release software factors (see software.ts), written by
 * `node --import tsx scripts/calibration-fit-releases.ts` from each release's own verified rows
 * of ../shared/data/calibration-runs.json. Neutral (1, 1, 1) where a release has no rows.
 */
import type { SoftwareRelease } from './software.js';

const r = (name: string, family: string, rows: number, gemmBf16 = 1, gemmLowPrecision = 1, moeHost = 1, moeComm = 1): SoftwareRelease => ({
  name, family, rows, params: { gemmBf16, gemmLowPrecision, moeHost, moeComm },
});

export const RELEASES: SoftwareRelease[] = [
  r('megatron-lm-2021', 'megatron-lm', 17, 1, 1, 1, 1),
  r('megatron-lm-2022', 'megatron-lm', 8, 1.25, 1, 1, 1),
  r('deepspeed-2021', 'deepspeed', 6, 0.689, 1, 1, 1),
  r('megatron-deepspeed-2022', 'megatron-deepspeed', 4, 0.931, 1, 1, 1),
  r('megatron-deepspeed-vtrain', 'megatron-deepspeed', 21, 1, 1, 1, 1),
  r('llm-foundry-2023', 'llm-foundry', 10, 0.962, 1, 1, 1),
  r('nemo-24.07', 'megatron-bridge', 12, 1, 0.907, 1, 1),
  r('torchtitan-2024.12', 'torchtitan', 0),
  r('megatron-bridge-25.09', 'megatron-bridge', 17, 1, 1.015, 1, 0.788),
  r('megatron-bridge-25.11', 'megatron-bridge', 28, 1.1, 0.976, 1.303, 0.814),
  r('megatron-bridge-26.02', 'megatron-bridge', 33, 0.8, 0.962, 1.25, 1),
  r('megatron-bridge-26.02.01', 'megatron-bridge', 32, 0.976, 0.976, 1, 0.985),
  r('megatron-bridge-26.04', 'megatron-bridge', 32, 0.923, 1.015, 1.04, 1.058),
  r('megatron-bridge-26.04.01', 'megatron-bridge', 34, 0.909, 1.04, 1.04, 1.342),
];
