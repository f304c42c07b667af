/** Human output of `colossus perf` and `colossus plan`. */
import { recomputeLabel, type Layout, type PerfResult } from '../core/perf/types.js';
import type { TrainingEstimate } from '../core/perf/energy.js';
import { formatBytes, formatCount, formatDuration, formatPercent, formatSi } from '../core/units.js';
import { renderPairs, renderTable } from './output.js';

/** `tp8 pp16×4 cp1 ep1 dp64 z1 mbs1 fp8 selective`; `full(3)`: 3 layers per virtual stage recomputed. */
export function layoutLabel(l: Layout): string {
  const pp = l.vpp > 1 ? `pp${l.pp}×${l.vpp}` : `pp${l.pp}`;
  return `tp${l.tp} ${pp} cp${l.cp} ep${l.ep} dp${l.dp} z${l.zero} mbs${l.mbs} ${l.precision} ${recomputeLabel(l)}`;
}

/** Ranks as compact ranges: [0] → '0', [1..14] → '1–14'. */
function rankText(ranks: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ranks.length; ) {
    let j = i;
    while (j + 1 < ranks.length && ranks[j + 1] === ranks[j] + 1) j++;
    parts.push(j === i ? `${ranks[i]}` : `${ranks[i]}–${ranks[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** The pipeline lines of `perf`: the split and each class of ranks. */
function pipelinePairs(r: PerfResult): [string, string][] {
  const p = r.pipeline;
  if (!p) return [];
  const stage = (c: NonNullable<PerfResult['pipeline']>['stages'][number]): [string, string] => {
    const extra = [c.embedding ? '+ embedding' : '', c.mtpLayers ? `+ ${c.mtpLayers} MTP` : '', c.loss ? '+ output/loss' : ''].filter(Boolean).join(' ');
    return [`  rank ${rankText(c.ranks)}`, `${c.layers} layers ${extra}`.trim() + `, ${formatBytes(c.memoryPerGpuBytes)}, ${formatDuration(c.microbatchTimeS)}/micro-batch`];
  };
  return [['pipeline', `${p.layout}  (${p.kind})`], ...p.stages.map(stage)];
}

export function renderPerf(r: PerfResult, software?: string): string {
  const m = r.memory;
  const b = r.breakdown;
  const pct = (x: number) => formatPercent(x / r.stepTimeS);
  const pairs: [string, string][] = [
    ['layout', `${layoutLabel(r.layout)}  (gbs ${r.layout.gbs}, seq ${r.layout.seq}, ${r.gpus} GPUs)`],
    ...(software ? [['software', software] as [string, string]] : []),
    ['memory/GPU', `${formatBytes(r.memoryPerGpuBytes)} of ${formatBytes(r.usableMemoryBytes)} usable — ${r.fits ? 'fits' : 'DOES NOT FIT'}`],
    ['  weights', formatBytes(m.weights)],
    ['  gradients', formatBytes(m.gradients)],
    ['  optimizer', formatBytes(m.optimizer)],
    ['  activations', formatBytes(m.activations)],
    ['  other', `${formatBytes(m.other)} (framework, fragmentation)`],
    ...pipelinePairs(r),
    ['step time', formatDuration(r.stepTimeS)],
    ['  compute', `${formatDuration(b.computeS)} (${pct(b.computeS)})`],
    ['  pipeline bubble', `${formatDuration(b.ppBubbleS)} (${pct(b.ppBubbleS)})`],
    ['  exposed comm', `${formatDuration(b.exposedCommS)} (${pct(b.exposedCommS)})`],
    ['  comm totals', `tp ${formatDuration(b.tpCommS)}, cp ${formatDuration(b.cpCommS)}, ep ${formatDuration(b.epCommS)}, dp ${formatDuration(b.dpCommS)}`],
    ['throughput', `${formatSi(r.tokensPerS, 'tokens/s')} (${formatCount(r.tokensPerSPerGpu)} per GPU)`],
    ['MFU / HFU', `${formatPercent(r.mfu)} / ${formatPercent(r.hfu)} (${formatSi(r.modelFlopsPerGpuPerS, 'FLOP/s')} model per GPU)`],
  ];
  return renderPairs(pairs);
}

export function renderTraining(t: TrainingEstimate): string {
  return renderPairs([
    ['tokens', formatSi(t.tokens)],
    ['time', `${t.days.toFixed(1)} days`],
    ['GPU-hours', formatSi(t.gpuHours)],
    ['energy', `${t.energyMWh.toFixed(0)} MWh (facility, at ${formatSi(t.itPowerW, 'W')} IT)`],
    ['cost', t.costBasis === 'electricity' ? `$${formatSi(t.costUsd)} electricity only (no GPU-hour price for this cluster; pass --gpu-hour-usd)` : `$${formatSi(t.costUsd)} at $${t.gpuHourUsd}/GPU-hour, electricity $${formatSi(t.electricityUsd)}`],
  ]);
}

export function renderTop(top: readonly { best: PerfResult; alternatives: string[] }[]): string {
  return renderTable(top.map((f, i) => ({ r: f.best, alt: f.alternatives, i })), [
    { header: '#', value: ({ i }) => i + 1 },
    { header: 'layout', value: ({ r }) => layoutLabel(r.layout) },
    { header: 'tokens/s/GPU', value: ({ r }) => formatCount(r.tokensPerSPerGpu), align: 'right' },
    { header: 'MFU', value: ({ r }) => formatPercent(r.mfu), align: 'right' },
    { header: 'step', value: ({ r }) => formatDuration(r.stepTimeS), align: 'right' },
    { header: 'mem/GPU', value: ({ r }) => formatBytes(r.memoryPerGpuBytes), align: 'right' },
    { header: 'bubble', value: ({ r }) => formatPercent(r.breakdown.ppBubbleS / r.stepTimeS), align: 'right' },
    { header: 'exposed comm', value: ({ r }) => formatPercent(r.breakdown.exposedCommS / r.stepTimeS), align: 'right' },
    { header: 'also within 1% (ZeRO, recompute)', value: ({ alt }) => alt.join(', ') },
  ]);
}
