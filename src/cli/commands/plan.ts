/**
 * `colossus plan`: every valid layout of a model on a GPU count (or several, --sweep-gpus),
 * pruned by memory first and ranked by tokens/s; the top K with their breakdowns, and with
 * --tokens the days, GPU-hours, energy and cost of a training run.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ColossusError } from '../../core/errors.js';
import type { Cluster } from '../../core/cluster/types.js';
import type { ModelSpec } from '../../core/model/types.js';
import { countLayouts, searchLayouts, trainingEstimate, type PerfResult } from '../../core/perf/index.js';
import { parseQuantity } from '../../core/units.js';
import { loadCluster, loadModel } from '../load.js';
import { nonNegative, positiveInt } from '../options.js';
import { printJson, progressBar, type Progress } from '../output.js';
import { addPipelineFlags, addWorkloadFlags, fixedFrom, type LayoutFlags } from '../plan-options.js';
import { layoutLabel, renderTop, renderTraining } from '../plan-format.js';
import { sweepSvg, topSvg } from '../plan-svg.js';
import { foldPlans } from '../plan-fold.js';
import { addSoftwareFlags, resolveSoftware, softwareLabel, type ResolvedSoftware, type SoftwareFlags } from '../perf-software.js';

interface PlanFlags extends LayoutFlags, SoftwareFlags {
  top: number;
  sweepGpus?: number[];
  tokens?: number;
  gpuHourUsd?: number;
  svg?: string;
}

const gpuList = (text: string): number[] => text.split(',').map((t) => positiveInt('--sweep-gpus')(t.trim()));

function planOne(model: ModelSpec, cluster: Cluster, f: PlanFlags, showProgress: boolean, software: ResolvedSoftware) {
  const { fixed } = fixedFrom(f);
  const split = { ppFirstLayers: fixed.ppFirstLayers, ppLastLayers: fixed.ppLastLayers, ppLayout: fixed.ppLayout, pp: fixed.pp, vpp: fixed.vpp };
  const hasSplit = split.ppFirstLayers !== undefined || split.ppLastLayers !== undefined || split.ppLayout !== undefined;
  // Ask for more than --top so that ZeRO/recompute variants can fold into distinct layouts.
  const req = { gbs: f.gbs, seq: f.seq, precision: f.precision ?? 'bf16', top: Math.min(f.top * 8, 200), fixed: hasSplit ? { ...JSON.parse(JSON.stringify(split)), precision: f.precision ?? 'bf16' } : undefined };
  // The bar (a terminal only) for searches over 200k layouts; the search reports progress first
  // at 65,536 layouts, so smaller searches never count their layouts.
  let bar: Progress | null | undefined;
  const onProgress = (n: number) => {
    if (bar === undefined) {
      const total = countLayouts(model, cluster, req);
      bar = total > 200_000 ? progressBar(`plan ${cluster.gpus} GPUs`, total) : null;
    }
    bar?.update(n);
  };
  const s = searchLayouts(model, cluster, { ...req, onProgress: showProgress && process.stderr.isTTY ? onProgress : undefined }, { software: software.params });
  bar?.done();
  const withTraining = (r: PerfResult) => (f.tokens ? { ...r, training: trainingEstimate(cluster, r, f.tokens, f.gpuHourUsd) } : r);
  const distinct = foldPlans(s.top, f.top);
  return { gpus: cluster.gpus, searched: s.searched, feasible: s.feasible, best: s.top[0] ? withTraining(s.top[0]) : null, top: s.top.slice(0, f.top).map(withTraining), distinct };
}

function run(f: PlanFlags): void {
  const t0 = performance.now();
  const software = resolveSoftware(f);
  const model = loadModel(f.model);
  const counts = f.sweepGpus ?? [f.gpus ?? loadCluster(f.cluster).gpus];
  const results = counts.map((n) => planOne(model, loadCluster(f.cluster, n), f, !f.json || process.stderr.isTTY, software));
  const elapsedS = (performance.now() - t0) / 1000;
  const main = results.reduce((a, b) => ((b.best?.tokensPerS ?? 0) > (a.best?.tokensPerS ?? 0) ? b : a));
  const out = {
    model: model.name,
    cluster: f.cluster,
    software: software.name,
    gpus: main.gpus,
    searched: results.reduce((s, r) => s + r.searched, 0),
    feasible: results.reduce((s, r) => s + r.feasible, 0),
    elapsedS,
    best: main.best,
    top: main.top,
    distinct: main.distinct.map((d) => ({ layout: d.best.layout, tokensPerSPerGpu: d.best.tokensPerSPerGpu, alternatives: d.alternatives })),
    ...(f.sweepGpus ? { sweep: results.map((r) => ({ gpus: r.gpus, searched: r.searched, feasible: r.feasible, best: r.best })) } : {}),
  };
  if (f.svg) {
    const title = `${model.name} on ${f.cluster}, gbs ${f.gbs}, seq ${f.seq}`;
    writeFileSync(f.svg, f.sweepGpus ? sweepSvg(title, results) : topSvg(title, main.top));
  }
  if (!f.json) printHuman(out, results, f, softwareLabel(software));
  else if (main.best) printJson(out); // else the error document carries `out` beside `error` (one JSON document)
  if (!main.best) {
    const none = results.every((r) => r.searched === 0);
    throw new ColossusError('infeasible', `no layout of ${model.name} ${none ? 'is valid' : 'fits'} on ${counts.join(', ')} GPUs of ${f.cluster} at gbs ${f.gbs}, seq ${f.seq}`, {
      hint: none ? gbsHint(counts[0], f.gbs) : 'use more GPUs, a GPU with more memory, or a smaller --seq',
      details: out,
    });
  }
}

function printHuman(out: { searched: number; feasible: number; elapsedS: number; best: (PerfResult & { training?: never }) | null; top: PerfResult[]; distinct: { alternatives: string[] }[] }, results: ReturnType<typeof planOne>[], f: PlanFlags, software: string): void {
  const w = (s: string) => process.stdout.write(s + '\n');
  w(`software ${software}`);
  if (results.length > 1) {
    for (const r of results) w(`${String(r.gpus).padStart(7)} GPUs: ${r.best ? `${layoutLabel(r.best.layout)}  ${r.best.tokensPerSPerGpu.toFixed(0)} tok/s/GPU, MFU ${(r.best.mfu * 100).toFixed(1)}%` : 'nothing fits'}`);
    w('');
  }
  w(`searched ${out.searched} layouts, ${out.feasible} fit, in ${out.elapsedS.toFixed(2)} s`);
  const main = results.find((r) => r.best === out.best) ?? results[0];
  if (main.distinct.length > 0) w(renderTop(main.distinct));
  const best = out.best as (PerfResult & { training?: ReturnType<typeof trainingEstimate> }) | null;
  if (best?.training) w('\n' + renderTraining(best.training));
  if (f.svg) w(`\nchart written to ${f.svg}`);
}

/** dp = gpus/(tp·pp·cp) must divide gbs: with an odd factor in the GPU count, gbs needs it too. */
function gbsHint(gpus: number, gbs: number): string {
  let odd = gpus;
  while (odd % 2 === 0) odd /= 2;
  const unit = odd * 1024;
  if (odd > 1 && gbs % odd !== 0) return `data parallelism must divide --gbs, and every dp for ${gpus} GPUs has the factor ${odd}: try --gbs ${Math.max(1, Math.round(gbs / unit)) * unit}`;
  return 'no tp·pp·cp of this model leaves a data-parallel size that divides --gbs: try a --gbs with more factors of 2, or another GPU count';
}

export function registerPlan(program: Command): void {
  const c = program.command('plan').description('Search every layout of a model on a cluster; rank by tokens/s within memory');
  addSoftwareFlags(addPipelineFlags(addWorkloadFlags(c)))
    .option('--top <k>', 'how many layouts to show', positiveInt('--top'), 5)
    .option('--sweep-gpus <list>', 'comma-separated GPU counts to plan for (e.g. 8192,16384,32768)', gpuList)
    .option('--tokens <n>', 'training tokens (e.g. 15e12): adds days, GPU-hours, energy and cost', (t: string) => parseQuantity(t, '--tokens'))
    .option('--gpu-hour-usd <x>', 'price per GPU-hour for the cost (default: the cluster facility price)', nonNegative('--gpu-hour-usd'))
    .option('--svg <file>', 'write a chart (tokens/s and MFU vs GPUs with --sweep-gpus, else the top layouts)')
    .action((f: PlanFlags) => run(f));
}
