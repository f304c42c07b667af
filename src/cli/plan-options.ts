/**
 * Flags shared by `colossus perf` and `colossus plan`, and their translation into the
 * planner's request. Only the I/O edge parses; the core receives plain numbers.
 */
import type { Command } from 'commander';
import { PRECISIONS, type Precision } from '../core/hardware/types.js';
import { RECOMPUTES, type Layout, type Recompute, type ZeroStage } from '../core/perf/types.js';
import type { Knob } from '../core/perf/validate.js';
import { nonNegative, oneOf, positiveInt } from './options.js';
import { ColossusError } from '../core/errors.js';
import { expandLayout } from '../core/perf/pipeline-layout.js';

export interface LayoutFlags {
  model: string;
  cluster: string;
  gpus?: number;
  gbs: number;
  seq: number;
  precision?: Precision;
  tp?: number;
  pp?: number;
  vpp?: number;
  cp?: number;
  ep?: number;
  dp?: number;
  zero?: number;
  mbs?: number;
  recompute?: Recompute;
  recomputeLayers?: number;
  ppFirstLayers?: number;
  ppLastLayers?: number;
  ppLayout?: string;
  json?: boolean;
}

/** --model, --cluster, --gpus, --gbs, --seq, --precision. */
export function addWorkloadFlags(c: Command): Command {
  return c
    .requiredOption('--model <name|file>', 'model preset or model .yaml')
    .requiredOption('--cluster <name|file>', 'cluster preset or cluster .yaml')
    .option('--gpus <n>', 'GPUs to use (whole nodes)', positiveInt('--gpus'))
    .requiredOption('--gbs <n>', 'global batch size, sequences', positiveInt('--gbs'))
    .requiredOption('--seq <n>', 'sequence length, tokens', positiveInt('--seq'))
    .option('--precision <p>', 'GEMM precision: bf16 | fp8 | fp4', oneOf('--precision', PRECISIONS))
    .option('--json', 'print one JSON document on stdout');
}

/** The layout knobs; each one left out is chosen by the planner. */
export function addLayoutFlags(c: Command): Command {
  return c
    .option('--tp <n>', 'tensor parallel (with sequence parallel)', positiveInt('--tp'))
    .option('--pp <n>', 'pipeline parallel', positiveInt('--pp'))
    .option('--vpp <n>', 'virtual stages per pipeline rank (interleaved 1F1B)', positiveInt('--vpp'))
    .option('--cp <n>', 'context parallel', positiveInt('--cp'))
    .option('--ep <n>', 'expert parallel', positiveInt('--ep'))
    .option('--dp <n>', 'data parallel', positiveInt('--dp'))
    .option('--zero <n>', 'ZeRO stage 0-3 (1 = distributed optimizer)', nonNegative('--zero'))
    .option('--mbs <n>', 'micro-batch size, sequences', positiveInt('--mbs'))
    .option('--recompute <r>', 'activation recompute: none | selective | full (left out: the planner may recompute only the layers memory needs)', oneOf('--recompute', RECOMPUTES))
    .option('--recompute-layers <n>', 'with --recompute full: layers per virtual pipeline stage recomputed, the rest keep their activations (Megatron --recompute-method block --recompute-num-layers); default all', positiveInt('--recompute-layers'));
}

/** Uneven pipeline splits (Megatron-Core's flags); without them the model splits as Megatron would, or balanced. */
export function addPipelineFlags(c: Command): Command {
  return c
    .option('--pp-first-layers <n>', 'transformer layers on the first pipeline stage (Megatron --decoder-first-pipeline-num-layers)', nonNegative('--pp-first-layers'))
    .option('--pp-last-layers <n>', 'transformer layers on the last pipeline stage (--decoder-last-pipeline-num-layers)', nonNegative('--pp-last-layers'))
    .option('--pp-layout <s>', "Megatron pipeline layout: E embedding, t layer, m MTP, L loss, | between virtual stages (e.g. 'Et*7|(t*8|)*14t*7L')");
}

/** pp and vpp implied by --pp-layout's stage count and the --pp/--vpp given. */
function ppFromLayout(f: LayoutFlags): { pp: number; vpp: number } | null {
  if (f.ppLayout === undefined) return null;
  const stages = expandLayout(f.ppLayout).split('|').length;
  const pp = f.pp ?? (f.vpp ? stages / f.vpp : stages);
  const vpp = f.vpp ?? stages / pp;
  if (!Number.isInteger(pp) || !Number.isInteger(vpp) || pp * vpp !== stages) {
    throw new ColossusError('invalid', `pp-layout has ${stages} virtual stages: pp·vpp must equal it (--pp ${f.pp ?? '?'}, --vpp ${f.vpp ?? '?'})`, {
      where: '--pp-layout',
      hint: `leave --vpp out for --pp to set it, or give a layout with pp·vpp stages separated by '|'`,
    });
  }
  return { pp, vpp };
}

const KNOBS: Knob[] = ['tp', 'pp', 'vpp', 'cp', 'ep', 'dp', 'mbs', 'zero'];

/** The knobs the user fixed, for the planner and for validation. */
export function fixedFrom(f: LayoutFlags): { fixed: Partial<Omit<Layout, 'gbs' | 'seq'>>; given: Set<Knob> } {
  const fixed: Partial<Omit<Layout, 'gbs' | 'seq'>> = {};
  const given = new Set<Knob>(['precision']);
  const implied = ppFromLayout(f);
  if (implied) Object.assign(f, implied);
  for (const k of KNOBS) {
    const v = f[k] as number | undefined;
    if (v === undefined) continue;
    given.add(k);
    if (k === 'zero') fixed.zero = v as ZeroStage;
    else (fixed as Record<string, number>)[k] = v;
  }
  if (f.recompute) fixed.recompute = f.recompute;
  if (f.recomputeLayers !== undefined) {
    if (f.recompute !== 'full') {
      throw new ColossusError('usage', `--recompute-layers ${f.recomputeLayers} needs --recompute full`, {
        where: '--recompute-layers',
        hint: 'add --recompute full (Megatron recomputes a number of layers per stage only with full granularity), or leave --recompute out for the planner to choose',
      });
    }
    fixed.recomputeLayers = f.recomputeLayers;
  }
  if (f.ppFirstLayers !== undefined) fixed.ppFirstLayers = f.ppFirstLayers;
  if (f.ppLastLayers !== undefined) fixed.ppLastLayers = f.ppLastLayers;
  if (f.ppLayout !== undefined) fixed.ppLayout = f.ppLayout;
  fixed.precision = f.precision ?? 'bf16';
  return { fixed, given };
}

/** A full layout for validation: given knobs, the rest at neutral values the rules skip. */
export function probeLayout(f: LayoutFlags, gpus: number): Layout {
  const tp = f.tp ?? 1, pp = f.pp ?? 1, cp = f.cp ?? 1;
  return {
    tp, pp, cp, vpp: f.vpp ?? 1, ep: f.ep ?? 1, dp: f.dp ?? gpus / (tp * pp * cp), zero: (f.zero ?? 1) as ZeroStage,
    mbs: f.mbs ?? 1, gbs: f.gbs, seq: f.seq, precision: f.precision ?? 'bf16', recompute: f.recompute ?? 'none',
    ...(f.recomputeLayers !== undefined ? { recomputeLayers: f.recomputeLayers } : {}),
    ppFirstLayers: f.ppFirstLayers, ppLastLayers: f.ppLastLayers, ppLayout: f.ppLayout,
  };
}
