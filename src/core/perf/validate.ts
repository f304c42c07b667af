/**
 * Layout rules. Each violation names the rule and the values that would satisfy it given the
 * rest of the layout, e.g. `tp=12: must divide the 8 GPUs of a node (try 1, 2, 4, 8)`.
 */
import { ColossusError } from '../errors.js';
import type { Cluster } from '../cluster/types.js';
import type { ModelSpec } from '../model/types.js';
import type { Layout } from './types.js';
import { splitModel } from './model-costs.js';
import { alternativeFor, explicitSplit } from './pipeline-spec.js';
import { autoSplit } from './stages.js';

/** Divisors of n in ascending order, O(√n). */
export const divisors = (n: number): number[] => {
  const lo: number[] = [];
  const hi: number[] = [];
  for (let d = 1; d * d <= n; d++) {
    if (n % d !== 0) continue;
    lo.push(d);
    if (d * d !== n) hi.push(n / d);
  }
  return lo.concat(hi.reverse());
};

const fail = (knob: string, value: number | string, rule: string, valid: readonly (number | string)[]): never => {
  const hint = valid.length > 0 ? `try ${valid.slice(0, 12).join(', ')}${valid.length > 12 ? ', …' : ''}` : 'no value works with the rest of the layout';
  throw new ColossusError('invalid', `${knob}=${value}: ${rule} (${hint})`, { where: `--${knob}`, details: { rule, valid } });
};

export type Knob = 'tp' | 'pp' | 'vpp' | 'cp' | 'ep' | 'dp' | 'mbs' | 'zero' | 'precision';

/**
 * Throws the first violated rule as an `invalid` ColossusError; returns nothing when valid.
 * With `given`, only the rules whose knobs the caller set are checked (the planner fills the rest).
 */
export function validateLayout(model: ModelSpec, cluster: Cluster, l: Layout, given?: ReadonlySet<Knob>, mtpLayers = 0): void {
  const has = (...k: Knob[]) => !given || k.every((x) => given.has(x));
  const gpus = cluster.gpus;
  const domain = cluster.nvlinkDomainGpus;
  const where = domain === cluster.gpusPerNode ? `the ${domain} GPUs of a node` : `the ${domain} GPUs of an NVLink domain`;
  for (const [k, v] of Object.entries({ tp: l.tp, pp: l.pp, vpp: l.vpp, cp: l.cp, ep: l.ep, dp: l.dp, mbs: l.mbs })) {
    if (has(k as Knob) && (!Number.isInteger(v) || v < 1)) fail(k, v, 'must be a positive whole number', []);
  }
  if (!Number.isInteger(l.gbs) || l.gbs < 1) fail('gbs', l.gbs, 'must be a positive whole number', []);
  if (!Number.isInteger(l.seq) || l.seq < 1) fail('seq', l.seq, 'must be a positive whole number', []);
  const tpOk = (t: number) => domain % t === 0 && model.heads % t === 0 && (model.mla ? true : model.kvHeads % t === 0 || t % model.kvHeads === 0);
  if (has('tp') && domain % l.tp !== 0) fail('tp', l.tp, `must divide ${where}`, divisors(domain).filter(tpOk));
  if (has('tp') && !tpOk(l.tp)) fail('tp', l.tp, `must divide the ${model.heads} attention heads (and the ${model.kvHeads} kv heads)`, divisors(domain).filter(tpOk));
  if (has('pp') && l.pp > model.layers) fail('pp', l.pp, `more pipeline stages than the ${model.layers} layers`, divisors(gpus).filter((p) => p <= model.layers));
  if (has('vpp', 'pp') && l.vpp > 1 && l.pp === 1) fail('vpp', l.vpp, 'interleaving needs pp > 1', [1]);
  pipelineRules(model, l, has('pp'), has('vpp', 'pp'), mtpLayers);
  if (has('cp') && l.cp > 1 && l.seq % (2 * l.cp) !== 0) fail('cp', l.cp, `2·cp must divide seq=${l.seq} (load-balanced causal split)`, [1, 2, 4, 8, 16].filter((c) => c === 1 || l.seq % (2 * c) === 0));
  if (has('tp', 'pp', 'cp', 'dp') && l.tp * l.pp * l.cp * l.dp !== gpus) {
    const dp = gpus / (l.tp * l.pp * l.cp);
    fail('dp', l.dp, `tp·pp·cp·dp must equal the ${gpus} GPUs`, Number.isInteger(dp) ? [dp] : []);
  }
  const experts = model.moe?.experts ?? 1;
  if (has('ep') && !model.moe && l.ep > 1) fail('ep', l.ep, `${model.name} has no experts`, [1]);
  if (has('ep') && experts % l.ep !== 0) fail('ep', l.ep, `must divide the ${experts} experts`, divisors(experts));
  // Megatron's expert-tensor-parallel-1 layouts fold the tensor ranks into the expert group (ep up to dp·cp·tp).
  if (has('ep', 'dp', 'cp') && (l.dp * l.cp) % l.ep !== 0 && (l.dp * l.cp * l.tp) % l.ep !== 0) fail('ep', l.ep, `must divide dp·cp=${l.dp * l.cp} (or dp·cp·tp=${l.dp * l.cp * l.tp} with expert tensor parallelism 1)`, divisors(l.dp * l.cp * l.tp).filter((e) => experts % e === 0));
  if (has('dp') && l.gbs % l.dp !== 0) fail('dp', l.dp, `must divide gbs=${l.gbs}`, []);
  if (has('dp', 'mbs') && l.gbs % (l.dp * l.mbs) !== 0) {
    fail('mbs', l.mbs, `gbs=${l.gbs} must be divisible by dp·mbs=${l.dp * l.mbs}`, divisors(l.gbs / l.dp).filter((m) => m <= 64));
  }
  if (has('vpp', 'pp', 'dp', 'mbs') && l.vpp > 1) {
    const m = l.gbs / (l.dp * l.mbs);
    if (m % l.pp !== 0) fail('vpp', l.vpp, `interleaving needs the ${m} micro-batches to be a multiple of pp=${l.pp}`, [1]);
  }
  if (has('zero') && ![0, 1, 2, 3].includes(l.zero)) fail('zero', l.zero, 'must be 0, 1, 2 or 3', [0, 1, 2, 3]);
  if (l.recomputeLayers !== undefined) {
    if (!Number.isInteger(l.recomputeLayers) || l.recomputeLayers < 1) fail('recompute-layers', l.recomputeLayers, 'must be a positive whole number', []);
    if (l.recompute !== 'full') fail('recompute-layers', l.recomputeLayers, `needs recompute 'full' (got '${l.recompute}')`, []);
  }
  const peak = cluster.gpu.peakDenseFlops;
  if (l.precision !== 'bf16' && peak[l.precision] == null) {
    fail('precision', l.precision, `${cluster.gpu.id} has no ${l.precision} tensor cores`, ['bf16', ...(peak.fp8 ? ['fp8'] : [])]);
  }
}

/** The pipeline split: the explicit one must follow Megatron's rules, the default must exist. */
function pipelineRules(model: ModelSpec, l: Layout, checkExplicit: boolean, checkAuto: boolean, mtpLayers: number): void {
  if (!checkExplicit) return;
  const sm = splitModel(model, mtpLayers);
  const spec = { ppLayout: l.ppLayout, ppFirstLayers: l.ppFirstLayers, ppLastLayers: l.ppLastLayers };
  if (spec.ppLayout !== undefined || spec.ppFirstLayers !== undefined || spec.ppLastLayers !== undefined) {
    const r = explicitSplit(sm, spec, l.pp, l.vpp);
    if (typeof r !== 'string') return;
    const knob = spec.ppLayout !== undefined ? 'pp-layout' : spec.ppFirstLayers !== undefined ? 'pp-first-layers' : 'pp-last-layers';
    const value = spec.ppLayout ?? spec.ppFirstLayers ?? spec.ppLastLayers!;
    throw new ColossusError('invalid', `${knob}=${value}: ${r} (try ${alternativeFor(sm, spec, l.pp, l.vpp)})`, { where: `--${knob}`, details: { rule: r } });
  }
  if (!checkAuto || autoSplit(sm, l.pp, l.vpp)) return;
  const valid = divisors(Math.floor(model.layers / l.pp)).filter((v) => autoSplit(sm, l.pp, v));
  fail('vpp', l.vpp, `pp·vpp = ${l.pp * l.vpp} virtual stages need at least one of the ${model.layers} layers each`, valid);
}
