/**
 * Turns a row of ../shared/data/calibration-runs.json (field names as collected, values
 * sometimes strings like '8 (U)' or '31508 (29789)') into a CalibrationCase the model can
 * run, or a reason it cannot. The first number of a string is the value the row reports;
 * a parenthesised alternative (another quantisation granularity) is ignored.
 */
import { findModelPreset } from '../../model/catalog.js';
import type { ModelSpec } from '../../model/types.js';
import type { Precision } from '../../hardware/types.js';
import type { Recompute, ZeroStage } from '../types.js';
import { CALIBRATION_MODELS } from './models.js';
import type { CalibrationCase, Measure, SkippedRow } from './types.js';

type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** First number in a value ('8 (U)' → 8, '31508 (29789)' → 31508); null when none. */
export function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string') return null;
  const m = /-?[0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?/i.exec(v);
  return m ? Number(m[0]) : null;
}

const CLUSTERS: [RegExp, string, string][] = [
  [/^DGX-GB300/, 'gb300-nvl72', 'blackwell-ultra'],
  [/^DGX-GB200/, 'gb200-nvl72', 'blackwell'],
  [/^DGX-B300/, 'dgx-b300', 'blackwell-ultra'],
  [/^DGX-B200/, 'dgx-b200', 'blackwell'],
  [/^(DGX-H100|H100-SXM5-80GB)$/, 'dgx-h100', 'hopper'],
  [/^A100-SXM4-80GB$|^A100 \(vTrain|^A100 \(80GB|^NVIDIA Ampere \(A100 class\)$/, 'dgx-a100', 'ampere'],
];

const NAMED: [RegExp, string][] = [
  [/^llama ?3(\.1)?[_ -]?8b/i, 'llama3-8b'],
  [/^llama ?3(\.1)?[_ -]?70b/i, 'llama3-70b'],
  [/^llama ?3(\.1)?[_ -]?405b/i, 'llama3-405b'],
  [/^gpt ?oss ?120b/i, 'gpt-oss-120b'],
  [/^qwen3_30b_a3b/i, 'qwen3-30b-a3b'],
  [/^qwen3_235b_a22b/i, 'qwen3-235b-a22b'],
  [/^deepseekv3/i, 'deepseek-v3'],
  [/^kimi_k2/i, 'kimi-k2'],
  [/^mpt-(1|7|13|30|70)b$/i, 'mpt-$1b'],
  [/^gpt3-5b$/i, 'nemo-gpt3-5b'],
  [/^gpt3-20b$/i, 'nemo-gpt3-20b'],
  [/^nemotron-8b$/i, 'nemo-nemotron-8b'],
  [/^nemotron-22b$/i, 'nemo-nemotron-22b'],
];

/** The model a row names or describes; a string is the reason it cannot be built. */
export function rowModel(m: Raw): ModelSpec | string {
  const name = String(m.name ?? '');
  if (/nemotron_3/i.test(name)) {
    return `${name} is a hybrid Mamba-2/Transformer MoE: Mamba-2 layers (state-space scan, convolution, state memory) are not modelled, and neither the row nor ../shared/data gives its architecture`;
  }
  if (num(m.layers) && num(m.hidden) && num(m.heads)) {
    const h = num(m.hidden)!;
    const heads = num(m.heads)!;
    return {
      name, layers: num(m.layers)!, hiddenSize: h, heads, kvHeads: num(m.kv_heads) ?? heads, headDim: h / heads,
      ffnHiddenSize: num(m.ffn) ?? 4 * h, vocabSize: num(m.vocab) ?? 51200,
      gatedMlp: /llama/i.test(name), tiedEmbeddings: false,
    };
  }
  for (const [re, id] of NAMED) {
    const mm = re.exec(name);
    if (!mm) continue;
    const key = id.replace('$1', mm[1] ?? '');
    const spec = CALIBRATION_MODELS[key] ?? findModelPreset(key);
    if (spec) return spec;
  }
  return `model '${name}' has no dimensions in the row and no preset`;
}

/** Variants written into the model name: DeepSeek-V3 'w/ MTP' (one MTP depth), '(tokendrop)'. */
export function rowVariant(name: string): CalibrationCase['variant'] {
  const v: CalibrationCase['variant'] = {};
  if (/w\/ ?MTP/i.test(name)) v.mtpLayers = 1;
  if (/tokendrop/i.test(name)) v.moeTokenDrop = true;
  return v;
}

export function rowPrecision(p: string): Precision {
  if (/fp4/i.test(p)) return 'fp4';
  if (/fp8/i.test(p)) return 'fp8';
  return 'bf16';
}

export function rowRecompute(r: string): Recompute | undefined {
  if (/^full/i.test(r)) return 'full';
  if (/^selective/i.test(r)) return 'selective';
  if (/^none/i.test(r)) return 'none';
  return undefined;
}

export function rowZero(p: Raw): ZeroStage | undefined {
  const fsdp = p.fsdp;
  if (typeof fsdp === 'string' && /full_shard|zero-3/i.test(fsdp)) return 3;
  if (num(fsdp) !== null && num(fsdp)! > 0) return 3;
  const z = String(p.zero ?? '');
  if (/zero-3|fsdp/i.test(z)) return 3;
  if (/zero-1|distributed optimizer|zero-1-equivalent/i.test(z)) return 1;
  if (/^none/i.test(z)) return 0;
  if (num(fsdp) === 0) return 1; // Megatron-Bridge: distributed optimizer unless FSDP
  return undefined;
}

/** The software release a row ran, from its source (and, for Narayanan et al.'s Table 2, its ZeRO column). */
export function rowRelease(r: Raw): string {
  const src = String(r.source ?? '');
  const container = /NeMo container ([0-9.]+[0-9])/.exec(src);
  if (container) return `megatron-bridge-${container[1]}`;
  if (/NeMo .*performance_summary|NeMo 24\.07/.test(src)) return 'nemo-24.07';
  if (/Korthikanti/.test(src)) return 'megatron-lm-2022';
  if (/Narayanan|Megatron-LM README/.test(src)) return /zero-3|ZeRO-3/i.test(String(r.parallelism?.zero ?? '')) ? 'deepspeed-2021' : 'megatron-lm-2021';
  if (/vTrain/.test(src)) return 'megatron-deepspeed-vtrain';
  if (/llm-foundry/.test(src)) return 'llm-foundry-2023';
  if (/torchtitan/.test(src)) return 'torchtitan-2024.12';
  if (/Smith et al|BigScience/.test(src)) return 'megatron-deepspeed-2022';
  return 'unknown';
}

const scaleOf = (gpus: number) => (gpus <= 64 ? '≤64 GPUs' : gpus <= 1024 ? '65–1024 GPUs' : '>1024 GPUs');

/** The row's measured throughput (tokens/s/GPU or step time), converted if needed. */
function rowMeasure(r: Raw, model: ModelSpec, seq: number): { measure: Measure; value: number; conversion?: string } | string {
  const res = r.result ?? {};
  const tps = num(res.tokens_per_s_per_gpu);
  if (tps) return { measure: 'tokensPerSPerGpu', value: tps };
  const step = num(res.step_time_s);
  if (step) return { measure: 'stepTimeS', value: step };
  const tf = num(res.hw_or_model_tflops_per_gpu);
  if (tf && /narayanan|megatron-readme/.test(r.id)) {
    // Narayanan et al. 2021 count 96·B·s·l·h²·(1 + s/6h + V/16lh) FLOPs per batch (recompute included).
    const { layers: l, hiddenSize: h, vocabSize: V } = model;
    const perToken = 96 * l * h * h * (1 + seq / (6 * h) + V / (16 * l * h));
    return { measure: 'tokensPerSPerGpu', value: (tf * 1e12) / perToken, conversion: 'TFLOP/s ÷ Narayanan et al. FLOPs/token' };
  }
  const mfu = num(res.mfu_pct);
  if (mfu) return { measure: 'mfu', value: mfu / 100, conversion: "MFU as published (the source's FLOP count; the model's is DESIGN.md's)" };
  return 'no throughput the model can be compared with';
}

/** Why a row's result is not one run's throughput, or null. */
function notARun(r: Raw): string | null {
  const res = r.result ?? {};
  if (res.time_to_train_min !== undefined) return "time-to-train to a target perplexity, not a throughput (the submission's token count is not in the row)";
  if (num(res.tokens_per_s_per_gpu) === null && (res.gpu_hours !== undefined || res.gpu_hours_total !== undefined)) {
    return 'a whole-campaign average (GPU-hours over all tokens, failures, restarts and long-context phases included), not one run';
  }
  if (res.tflops_per_gpu_up_to !== undefined) return "'up to' TFLOP/s per GPU is a peak, not a run's average, and its FLOP convention is not stated";
  return null;
}

/** torchtitan's H100 SKU: 96 GB HBM2e at 2.4 TB/s (row notes); peak FLOP/s unpublished. */
const H100_96GB = { id: 'H100-96GB-HBM2e-500W (calibration variant)', hbmBytes: 96e9, hbmBandwidthBytesPerS: 2.4e12 };

/** Layout knobs written as prose ('FSDP32 x TP8', 'FSDP8 x TP8 x PP8 interleaved 1F1B'). */
function parseDesc(p: Raw): Raw {
  const d = String(p.desc ?? '');
  const m = (re: RegExp) => (re.exec(d) ? Number(re.exec(d)![1]) : undefined);
  if (!/FSDP/i.test(d)) return p;
  const pp = m(/PP ?(\d+)/i);
  return { ...p, fsdp: m(/FSDP ?(\d+)/i), tp: m(/TP ?(\d+)/i) ?? 1, pp: pp ?? 1, vp: pp && !/interleaved/i.test(d) ? 1 : undefined };
}

export function normaliseRow(r: Raw): CalibrationCase | SkippedRow {
  const id = String(r.id);
  const skip = (reason: string): SkippedRow => ({ id, reason });
  const ver = String(r.verification ?? '');
  if (/^U/.test(ver)) return skip('verification U (unverified: the source was not opened)');
  const why = notARun(r);
  if (why) return skip(why);
  const variant = /^H100 96GB/.test(String(r.gpu_type)) ? H100_96GB : undefined;
  const c = variant ? (['', 'dgx-h100', 'hopper'] as const) : CLUSTERS.find(([re]) => re.test(String(r.gpu_type)));
  if (!c) return skip(`GPU '${r.gpu_type}' is not in the hardware catalog`);
  const model = rowModel(r.model ?? {});
  if (typeof model === 'string') return skip(model);
  const p = parseDesc(r.parallelism ?? {});
  // No layout published: every knob is the planner's (run and shown, not scored).
  const layoutChosen = num(p.tp) === null && num(p.fsdp) === null && num(p.dp) === null;
  const gpus = num(r.gpu_count);
  const seq = num(r.model?.seq_len);
  if (!gpus || !seq) return skip('GPU count or sequence length missing');
  const b = r.batch ?? {};
  const tp = num(p.tp) ?? 1;
  const pp = num(p.pp) ?? 1;
  const cp = num(p.cp) ?? 1;
  const dp = gpus / (tp * pp * cp);
  // torchtitan's local batch is per data-parallel rank.
  const gbs = num(b.global_seqs) ?? (num(b.global_tokens) ? num(b.global_tokens)! / seq : num(b.local_batch) && !layoutChosen ? num(b.local_batch)! * dp : null);
  if (!gbs) return skip('global batch not published');
  if (!layoutChosen && (!Number.isInteger(dp) || (num(p.dp) !== null && num(p.dp) !== dp))) return skip(`tp·pp·cp·dp ≠ ${gpus} GPUs in the row`);
  const meas = rowMeasure(r, model, seq);
  const mem = num(r.result?.peak_mem_gib);
  if (typeof meas === 'string' && !mem) return skip(meas);
  const precision = rowPrecision(String(r.precision ?? ''));
  const fixed: CalibrationCase['fixed'] = layoutChosen ? { precision } : { tp, pp, cp, dp, ep: num(p.ep) ?? 1, precision };
  const vpp = num(p.vp);
  if (vpp) fixed.vpp = vpp;
  // The Megatron-Bridge tables leave VP empty for recipes without interleaving.
  else if (!layoutChosen && (/Megatron-Bridge/.test(String(r.source)) || /^1F1B$/i.test(String(p.schedule ?? '')))) fixed.vpp = 1;
  const mbs = num(b.micro) ?? (pp === 1 && !layoutChosen ? num(b.local_batch) : null);
  if (mbs) fixed.mbs = mbs;
  const zero = rowZero(p);
  if (zero !== undefined) fixed.zero = zero;
  // Megatron-LM's examples/pretrain_gpt3_175B.sh (the README's 175B run) passes --checkpoint-activations.
  const rc = rowRecompute(String(r.recompute ?? '')) ?? (/Megatron-LM README/.test(String(r.source)) ? 'full' : undefined);
  if (rc) fixed.recompute = rc;
  return {
    id, source: String(r.source ?? ''), release: rowRelease(r), verified: /^V[12]/.test(ver), model, rowModelName: String(r.model?.name ?? ''), cluster: c[1], gpus, fixed, gbs, seq,
    variant: rowVariant(String(r.model?.name ?? '')),
    measure: typeof meas === 'string' ? null : meas.measure,
    measured: typeof meas === 'string' ? 0 : meas.value,
    conversion: typeof meas === 'string' ? undefined : meas.conversion,
    peakMemoryBytes: mem ? mem * 2 ** 30 : null,
    group: { generation: c[2], kind: model.moe ? 'moe' : 'dense', precision, scale: scaleOf(gpus) },
    ...(variant ? { gpuVariant: variant } : {}),
    ...(layoutChosen ? { layoutChosen: true } : {}),
  };
}
