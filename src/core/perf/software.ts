/**
 * Software releases. The hardware physics and the framework-effective values in params.ts are
 * one set; a software release (a framework container such as `megatron-bridge-26.04.01`)
 * scales them with a few global factors, fitted on that release's calibration rows only
 * (scripts/calibration-fit-releases.ts), never per row:
 *   - gemmBf16, gemmLowPrecision: multipliers on the GEMM efficiency of BF16 and of FP8/FP4
 *     (kernels, fusions, quantisation recipes);
 *   - moeHost: multiplier on the CPU-issue floor of dropless MoE (launches, token-count syncs,
 *     pipeline-chunk waits), which Megatron-Core releases keep cutting;
 *   - moeComm: multiplier on the achieved all-to-all bandwidth of expert dispatch and combine
 *     (DeepEP / HybridEP dispatchers, overlap features);
 *   - attention: multiplier on the attention kernel's efficiency (flashEff): FlashAttention-1/
 *     Triton, FlashAttention-2, FlashAttention-3 and cuDNN kernels differ by up to 2× on the
 *     same GPU, and which one a stack runs is a software choice.
 * A release the model does not know can be described by a params file (`colossus calibrate`).
 */
import { ColossusError } from '../errors.js';
import type { PerfParams } from './params.js';
import { RELEASES } from './software-releases.js';

export interface SoftwareParams {
  gemmBf16: number;
  gemmLowPrecision: number;
  moeHost: number;
  moeComm: number;
  /** Multiplier on flashEff (the attention kernel); absent (factors written before it existed): 1. */
  attention?: number;
  /**
   * Bytes per gradient element the release's data-parallel reduction moves (4 FP32, 2 BF16/FP16);
   * a property of the framework, not fitted. Absent: the physics default (params.ts).
   */
  gradReduceBytes?: number;
}

export const NEUTRAL_SOFTWARE: SoftwareParams = { gemmBf16: 1, gemmLowPrecision: 1, moeHost: 1, moeComm: 1, attention: 1 };
export const SOFTWARE_KEYS = ['gemmBf16', 'gemmLowPrecision', 'moeHost', 'moeComm', 'attention'] as const;

export interface SoftwareRelease {
  name: string;
  /** Releases of one family are ordered; an unknown release of a family borrows its neighbour. */
  family: string;
  /** Verified calibration rows the factors were fitted on (0: neutral, not fitted). */
  rows: number;
  params: SoftwareParams;
}

/** Every release the model knows, oldest first within a family. */
export const SOFTWARE_RELEASES: readonly SoftwareRelease[] = RELEASES;

/** The release used when none is given: the newest Megatron-Bridge container. */
export const DEFAULT_SOFTWARE = 'megatron-bridge-26.04.01';

/** The release named `name`; throws a usage error listing the known ones. */
export function softwareRelease(name: string = DEFAULT_SOFTWARE): SoftwareRelease {
  const r = SOFTWARE_RELEASES.find((s) => s.name === name);
  if (r) return r;
  throw new ColossusError('usage', `unknown software release '${name}'`, {
    where: '--software',
    hint: `known releases: ${SOFTWARE_RELEASES.map((s) => s.name).join(', ')}; for another stack measure a few runs and use colossus calibrate, then --params`,
  });
}

/** The physics and framework parameters with a release's factors applied. */
export function applySoftware(P: PerfParams, s: SoftwareParams): PerfParams {
  const attention = s.attention ?? 1;
  const gradReduceBytes = s.gradReduceBytes ?? P.gradReduceBytes;
  if (s.gemmBf16 === 1 && s.gemmLowPrecision === 1 && s.moeHost === 1 && s.moeComm === 1 && attention === 1 && gradReduceBytes === P.gradReduceBytes) return P;
  const generation = Object.fromEntries(
    Object.entries(P.generation).map(([g, v]) => [g, { ...v, flashEff: v.flashEff * attention, gemmEff: { bf16: v.gemmEff.bf16 * s.gemmBf16, fp8: v.gemmEff.fp8 * s.gemmLowPrecision, fp4: v.gemmEff.fp4 * s.gemmLowPrecision } }]),
  ) as PerfParams['generation'];
  return {
    ...P,
    generation,
    hostPerMoeLayerS: P.hostPerMoeLayerS * s.moeHost,
    hostPerLocalExpertS: P.hostPerLocalExpertS * s.moeHost,
    moeSyncS: P.moeSyncS * s.moeHost,
    chunkSyncS: P.chunkSyncS * s.moeHost,
    a2aInterEff: P.a2aInterEff * s.moeComm,
    a2aNvlinkEff: P.a2aNvlinkEff * s.moeComm,
    gradReduceBytes,
  };
}

/** A release's neighbour in its family (the previous one, else the next): what an unseen release is predicted with. */
export function neighbourRelease(name: string, exclude: string = name): SoftwareRelease | null {
  const r = SOFTWARE_RELEASES.find((s) => s.name === name);
  if (!r) return null;
  const fam = SOFTWARE_RELEASES.filter((s) => s.family === r.family && s.name !== exclude && s.rows > 0);
  const i = SOFTWARE_RELEASES.indexOf(r);
  const before = fam.filter((s) => SOFTWARE_RELEASES.indexOf(s) < i);
  return before.at(-1) ?? fam.find((s) => SOFTWARE_RELEASES.indexOf(s) > i) ?? null;
}
