/**
 * A layout as plain numbers (precision and recompute as indices) for the planner's inner
 * loop, and the slot indices of the evaluation's output vector.
 */
import type { Precision } from '../hardware/types.js';
import type { Layout, Recompute, ZeroStage } from './types.js';

export interface NumLayout {
  tp: number;
  pp: number;
  vpp: number;
  cp: number;
  ep: number;
  dp: number;
  zero: number;
  mbs: number;
  gbs: number;
  seq: number;
  /** 0 bf16, 1 fp8, 2 fp4. */
  precision: number;
  /** 0 none, 1 selective, 2 full. */
  recompute: number;
  /** With recompute 2: layers recomputed per virtual stage (Layout.recomputeLayers); 0 or absent = all. */
  rlayers?: number;
  /** Pipeline split: 0 the default for (pp, vpp) (stages.ts autoSplit), 1 the caller's explicit one. */
  split?: number;
}

export const PRECISION_INDEX: Record<Precision, number> = { bf16: 0, fp8: 1, fp4: 2 };
export const PRECISION_NAMES: readonly Precision[] = ['bf16', 'fp8', 'fp4'];
export const RECOMPUTE_INDEX: Record<Recompute, number> = { none: 0, selective: 1, full: 2 };
export const RECOMPUTE_NAMES: readonly Recompute[] = ['none', 'selective', 'full'];

/** Output slots: memory (bytes) then time (seconds). */
export const M = {
  weights: 0,
  gradients: 1,
  optimizer: 2,
  activations: 3,
  other: 4,
  total: 5,
  stepTimeS: 6,
  computeS: 7,
  tpCommS: 8,
  cpCommS: 9,
  epCommS: 10,
  ppBubbleS: 11,
  dpCommS: 12,
  exposedCommS: 13,
  size: 16,
} as const;

export function toNumLayout(l: Layout): NumLayout {
  const explicit = l.ppLayout !== undefined || l.ppFirstLayers !== undefined || l.ppLastLayers !== undefined;
  return {
    tp: l.tp, pp: l.pp, vpp: l.vpp, cp: l.cp, ep: l.ep, dp: l.dp, zero: l.zero, mbs: l.mbs, gbs: l.gbs, seq: l.seq,
    precision: PRECISION_INDEX[l.precision], recompute: RECOMPUTE_INDEX[l.recompute], split: explicit ? 1 : 0,
    rlayers: l.recompute === 'full' ? (l.recomputeLayers ?? 0) : 0,
  };
}

export function fromNumLayout(n: NumLayout): Layout {
  return {
    tp: n.tp,
    pp: n.pp,
    vpp: n.vpp,
    cp: n.cp,
    ep: n.ep,
    dp: n.dp,
    zero: n.zero as ZeroStage,
    mbs: n.mbs,
    gbs: n.gbs,
    seq: n.seq,
    precision: PRECISION_NAMES[n.precision],
    recompute: RECOMPUTE_NAMES[n.recompute],
    ...(n.recompute === 2 && n.rlayers ? { recomputeLayers: n.rlayers } : {}),
  };
}
