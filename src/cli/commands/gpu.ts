/** `colossus gpu list|compare`. */
import type { Command } from 'commander';
import { GPUS, getGpu } from '../../core/hardware/catalog.js';
import type { GpuSpec } from '../../core/hardware/types.js';
import { formatSi } from '../../core/units.js';
import { printJson, renderTable } from '../output.js';

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

export function registerGpu(program: Command): void {
  const gpu = program.command('gpu').description('The GPU catalog');
  gpu
    .command('list')
    .description('List GPUs with their headline figures')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      if (opts.json) return printJson(GPUS);
      process.stdout.write(
        renderTable(GPUS, [
          { header: 'GPU', value: (g) => g.id },
          { header: 'alias', value: (g) => g.aliases[0] },
          ...METRICS.map((m) => ({ header: m.label, value: (g: GpuSpec) => fmt(m.value(g), m.unit), align: 'right' as const })),
        ]) + '\n',
      );
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
