/**
 * How a model's layers sit on the pipeline ranks. Megatron-Core splits L layers evenly over
 * pp·vpp virtual stages when they divide; with the embedding and loss counted as one layer
 * each (account_for_embedding/loss_in_pipeline_split) when L + 2 divides, as Llama 3 405B's 126
 * layers run on pp 16; with --decoder-first/last-pipeline-num-layers; or with an explicit
 * --pipeline-model-parallel-layout. Anything else gets a balanced layout (autoChunks).
 *
 * A split is summarised as classes of identical ranks (rank content and the lowest rank index,
 * which holds the most micro-batches in flight), so that the model evaluates 1–4 classes instead
 * of pp ranks.
 */
import type { Chunk } from './pipeline-layout.js';

/** Ranks with identical content. */
export interface StageClass {
  /** Lowest rank of the class (the one with the most micro-batches in flight). */
  rank: number;
  count: number;
  denseLayers: number;
  moeLayers: number;
  embed: number;
  loss: number;
  mtp: number;
}

export interface PipelineSplit {
  pp: number;
  vpp: number;
  chunks: Chunk[];
  /** Per rank (index = rank): its class index. */
  rankClass: number[];
  classes: StageClass[];
  /** 'even' | 'embedding+loss' | 'first/last' | 'balanced' | 'layout'. */
  kind: string;
  /** Transformer layers of the largest virtual stage. */
  maxChunkLayers: number;
}

/**
 * The share of layers a layout recomputes fully: 0 unless recompute is 'full'; rlayers of the
 * largest virtual stage's layers with --recompute-num-layers (block method), else 1.
 */
export function recomputeShare(recompute: number, rlayers: number | undefined, split: PipelineSplit): number {
  if (recompute !== 2) return 0;
  return rlayers ? Math.min(1, rlayers / Math.max(1, split.maxChunkLayers)) : 1;
}

/** What a split needs to know about the model. */
export interface SplitModel {
  layers: number;
  denseLayers: number;
  mtpLayers: number;
  /** Forward FLOPs per token of a dense layer, an MoE layer, the output layer + loss (balancing weights). */
  denseCost: number;
  moeCost: number;
  lossCost: number;
}

/** Groups ranks into classes. chunks.length must be pp·vpp. */
export function splitOf(sm: SplitModel, pp: number, vpp: number, chunks: Chunk[], kind: string): PipelineSplit {
  const per = Array.from({ length: pp }, () => ({ d: 0, m: 0, e: 0, l: 0, t: 0 }));
  let next = 0;
  chunks.forEach((c, i) => {
    const r = per[i % pp];
    const dense = Math.max(0, Math.min(next + c.layers, sm.denseLayers) - next);
    r.d += dense;
    r.m += c.layers - dense;
    r.e += c.embed;
    r.l += c.loss;
    r.t += c.mtp;
    next += c.layers;
  });
  const classes: StageClass[] = [];
  const keys: string[] = [];
  const rankClass = per.map((r, rank) => {
    const key = `${r.d},${r.m},${r.e},${r.l},${r.t}`;
    let k = keys.indexOf(key);
    if (k < 0) {
      k = keys.push(key) - 1;
      classes.push({ rank, count: 0, denseLayers: r.d, moeLayers: r.m, embed: r.e, loss: r.l, mtp: r.t });
    }
    classes[k].count++;
    return k;
  });
  const maxChunkLayers = chunks.reduce((m, c) => Math.max(m, c.layers), 0);
  return { pp, vpp, chunks, rankClass, classes, kind, maxChunkLayers };
}

const chunk = (layers: number, embed = 0, mtp = 0, loss = 0): Chunk => ({ embed, layers, mtp, loss });

/** Places per-rank layer counts into chunks (rank r's layers split as evenly as possible over its vpp chunks). */
export function chunksFromRanks(perRank: readonly number[], vpp: number, mtp: number): Chunk[] {
  const pp = perRank.length;
  const out: Chunk[] = [];
  for (let v = 0; v < vpp; v++) {
    for (let r = 0; r < pp; r++) {
      const n = perRank[r];
      const layers = Math.floor(n / vpp) + (v < n % vpp ? 1 : 0);
      const firstChunk = v === 0 && r === 0;
      const lastChunk = v === vpp - 1 && r === pp - 1;
      out.push(chunk(layers, firstChunk ? 1 : 0, lastChunk ? mtp : 0, lastChunk ? 1 : 0));
    }
  }
  return out;
}

/** Even split, or embedding and loss counted as layers; null when neither divides. */
export function megatronChunks(layers: number, pp: number, vpp: number, mtp: number): Chunk[] | null {
  const s = pp * vpp;
  const acc = layers % s === 0 ? 0 : (layers + 2) % s === 0 && s > 2 ? 1 : -1;
  if (acc < 0) return null;
  const per = (layers + 2 * acc) / s;
  return Array.from({ length: s }, (_, i) => chunk(per - (acc && (i === 0 || i === s - 1) ? 1 : 0), i === 0 ? 1 : 0, i === s - 1 ? mtp : 0, i === s - 1 ? 1 : 0));
}

/**
 * --decoder-first/last-pipeline-num-layers: the first (last) rank holds `first` (`last`) layers,
 * the other ranks the rest evenly; with vpp each rank's layers split evenly over its chunks.
 * Returns the rule broken as a string.
 */
export function firstLastChunks(layers: number, pp: number, vpp: number, mtp: number, first?: number, last?: number): Chunk[] | string {
  if (pp < 2) return 'uneven first/last stages need pp ≥ 2';
  if (first !== undefined && last !== undefined && pp === 2 && first + last !== layers) return `with pp=2 the first and last stages must hold all ${layers} layers together`;
  const given = (first !== undefined ? 1 : 0) + (last !== undefined ? 1 : 0);
  const rest = layers - (first ?? 0) - (last ?? 0);
  const middle = pp - given;
  if (rest < 0) return `the first and last stages hold more than the ${layers} layers`;
  if (middle > 0 && rest % middle !== 0) return `the other ${middle} stages must split the remaining ${rest} layers evenly`;
  const each = middle > 0 ? rest / middle : 0;
  const perRank = Array.from({ length: pp }, (_, r) => (r === 0 && first !== undefined ? first : r === pp - 1 && last !== undefined ? last : each));
  if (perRank.some((n) => n % vpp !== 0)) return `each stage's layers must divide by vpp=${vpp} (stages hold ${[...new Set(perRank)].join(', ')})`;
  if (perRank.some((n) => n < vpp && vpp > 1)) return `with vpp=${vpp} every stage needs at least ${vpp} layers`;
  return chunksFromRanks(perRank, vpp, mtp);
}

/**
 * A balanced split for layer counts Megatron's even rules cannot split: layers go one at a time
 * to the rank whose forward cost would stay lowest (the last rank carries the output layer, the
 * loss and any MTP layers; ties go to the later rank, keeping the first rank, which holds the
 * most activations, light). Null when a virtual stage would be empty.
 */
export function balancedChunks(sm: SplitModel, pp: number, vpp: number): Chunk[] | null {
  if (pp * vpp > sm.layers) return null;
  const layerCost = (sm.denseCost * sm.denseLayers + sm.moeCost * (sm.layers - sm.denseLayers)) / Math.max(1, sm.layers);
  const cost = new Float64Array(pp);
  cost[pp - 1] = sm.lossCost + sm.mtpLayers * (sm.moeCost + sm.lossCost);
  const n = new Array<number>(pp).fill(vpp);
  for (let r = 0; r < pp; r++) cost[r] += vpp * layerCost;
  for (let left = sm.layers - pp * vpp; left > 0; left--) {
    let best = pp - 1;
    for (let r = pp - 2; r >= 0; r--) if (cost[r] < cost[best] - 1e-9 * cost[best]) best = r;
    n[best]++;
    cost[best] += layerCost;
  }
  return chunksFromRanks(n, vpp, sm.mtpLayers);
}

/** The split Megatron would use by default, else the balanced one; null when none exists. */
export function autoSplit(sm: SplitModel, pp: number, vpp: number): PipelineSplit | null {
  const meg = megatronChunks(sm.layers, pp, vpp, sm.mtpLayers);
  if (meg) return splitOf(sm, pp, vpp, meg, sm.layers % (pp * vpp) === 0 ? 'even' : 'embedding+loss');
  const bal = balancedChunks(sm, pp, vpp);
  return bal ? splitOf(sm, pp, vpp, bal, 'balanced') : null;
}
