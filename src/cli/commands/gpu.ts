/** `colossus gpu list|show|compare`. */
import type { Command } from 'commander';
import { GPUS, getGpu } from '../../core/hardware/catalog.js';
import type { GpuSpec } from '../../core/hardware/types.js';
import { formatBytes, formatSi } from '../../core/units.js';
import { outputFormat, printJson, renderPairs, renderTable, type Column } from '../output.js';

interface Metric {
  key: string;
  label: string;
  value: (g: GpuSpec) => number | null;
  unit: string;
}

const METRICS: Metric[] = [
  { key: 'bf16Flops', label: 'BF16 dense', value: (g) => g.peakDenseFlops.bf16, unit: 'FLOP/s' },
  { key: 'fp8Flops', label: 'FP8 dense', value: (g) => g.peakDenseFlops.fp8, unit: 'FLOP/s' },
  { key: 'fp4Flops', label: 'FP4 dense', value: (g) => g.peakDenseFlops.fp4, unit: 'FLOP/s' },
  { key: 'hbmBytes', label: 'HBM capacity', value: (g) => g.hbmBytes, unit: 'B' },
  { key: 'hbmBandwidthBytesPerS', label: 'HBM bandwidth', value: (g) => g.hbmBandwidthBytesPerS, unit: 'B/s' },
  { key: 'nvlinkBytesPerSPerDir', label: 'NVLink per direction', value: (g) => g.nvlinkBytesPerSPerDir, unit: 'B/s' },
  { key: 'nvlinkDomainGpus', label: 'NVLink domain', value: (g) => g.nvlinkDomainGpus, unit: 'GPUs' },
  { key: 'tdpW', label: 'TDP', value: (g) => g.tdpW, unit: 'W' },
];

/** The extra columns of `gpu list -o wide`. */
const WIDE: Column<GpuSpec>[] = [
  { header: 'generation', value: (g) => g.generation },
  { header: 'TF32 dense', value: (g) => formatSi(g.peakDenseFlops.tf32, 'FLOP/s'), align: 'right' },
  { header: 'HBM usable', value: (g) => formatBytes(g.hbmUsableBytes), align: 'right' },
  { header: 'HBM type', value: (g) => g.hbmType ?? '-' },
  { header: 'SMs', value: (g) => g.sms ?? '-', align: 'right' },
  { header: 'L2', value: (g) => (g.l2Bytes === null ? '-' : formatBytes(g.l2Bytes)), align: 'right' },
];

const fmt = (v: number | null, unit: string) => (v === null ? '-' : unit === 'GPUs' ? String(v) : formatSi(v, unit));

export function compareGpus(a: GpuSpec, b: GpuSpec) {
  return {
    a: a.id,
    b: b.id,
    metrics: METRICS.map((m) => {
      const va = m.value(a);
      const vb = m.value(b);
      const changePct = va && vb !== null ? Math.round(((vb - va) / va) * 1000) / 10 : null;
      return { metric: m.key, label: m.label, a: va, b: vb, ratio: va && vb !== null ? vb / va : null, changePct };
    }),
  };
}

/** `gpu show` for people: each figure, with the source id of hardware.json beside it. */
function showPairs(g: GpuSpec): [string, string][] {
  const src = (field: string) => (g.src[field] ? ` [${g.src[field]}]` : '');
  const flops = (['bf16', 'fp16', 'tf32', 'fp8', 'fp4'] as const).map((p) => `${p.toUpperCase()} ${g.peakDenseFlops[p] === null ? '-' : formatSi(g.peakDenseFlops[p], 'FLOP/s')}`);
  return [
    ['GPU', `${g.id} (${g.aliases.join(', ')}), ${g.generation}`],
    ['peak dense', flops.join(', ') + src('peakDenseFlops')],
    ['HBM', `${formatBytes(g.hbmBytes)}${g.hbmType ? ` ${g.hbmType}` : ''}${src('hbmBytes')}${g.hbmUsableBytes !== g.hbmBytes ? `, ${formatBytes(g.hbmUsableBytes)} usable${src('hbmUsableBytes')}` : ''}`],
    ['HBM bandwidth', formatSi(g.hbmBandwidthBytesPerS, 'B/s') + src('hbmBandwidthBytesPerS')],
    ['NVLink', `${formatSi(g.nvlinkBytesPerSPerDir, 'B/s')} per direction${src('nvlinkBytesPerSPerDir')}, domain of ${g.nvlinkDomainGpus} GPUs${src('nvlinkDomainGpus')}`],
    ['TDP', formatSi(g.tdpW, 'W') + src('tdpW')],
    ['SMs', `${g.sms ?? '-'}${src('sms')}`],
    ['L2', (g.l2Bytes === null ? '-' : formatBytes(g.l2Bytes)) + src('l2Bytes')],
  ];
}

export function registerGpu(program: Command): void {
  const gpu = program.command('gpu').description('The GPU catalog');
  gpu
    .command('list')
    .description('List GPUs with their headline figures (-o wide: more)')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      if (opts.json) return printJson(GPUS);
      process.stdout.write(
        renderTable(GPUS, [
          { header: 'GPU', value: (g) => g.id },
          { header: 'alias', value: (g) => g.aliases[0] },
          ...METRICS.map((m) => ({ header: m.label, value: (g: GpuSpec) => fmt(m.value(g), m.unit), align: 'right' as const })),
          ...(outputFormat() === 'wide' ? WIDE : []),
        ]) + '\n',
      );
    });
  gpu
    .command('show')
    .description('Show one GPU: every figure with its source id (../shared/data/hardware.json)')
    .argument('<gpu>', 'GPU id or alias (h100, h200, b200, …)')
    .option('--json', 'print JSON')
    .action((name: string, opts: { json?: boolean }) => {
      const g = getGpu(name, 'gpu');
      if (opts.json) return printJson(g);
      process.stdout.write(renderPairs(showPairs(g)) + '\n');
    });
  gpu
    .command('compare')
    .description('Compare two GPUs: B against A, with the change in percent')
    .argument('<a>', 'GPU id or alias (h100, h200, b200, …)')
    .argument('<b>', 'GPU id or alias')
    .option('--json', 'print JSON')
    .action((a: string, b: string, opts: { json?: boolean }) => {
      const r = compareGpus(getGpu(a, 'gpu A'), getGpu(b, 'gpu B'));
      if (opts.json) return printJson(r);
      process.stdout.write(
        renderTable(r.metrics, [
          { header: 'metric', value: (m) => m.label },
          { header: r.a, value: (m) => fmt(m.a, METRICS.find((x) => x.key === m.metric)!.unit), align: 'right' },
          { header: r.b, value: (m) => fmt(m.b, METRICS.find((x) => x.key === m.metric)!.unit), align: 'right' },
          { header: 'change', value: (m) => (m.changePct === null ? '-' : `${m.changePct > 0 ? '+' : ''}${m.changePct.toFixed(1)}%`), align: 'right' },
        ]) + '\n',
      );
    });
}
