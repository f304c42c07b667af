/** `colossus cluster list|show`. */
import type { Command } from 'commander';
import { CLUSTER_PRESETS } from '../../core/cluster/presets.js';
import { resolveCluster } from '../../core/cluster/resolve.js';
import { switchCounts } from '../../core/cluster/fabric.js';
import type { Cluster } from '../../core/cluster/types.js';
import { formatBytes, formatCount, formatFlops, formatSi } from '../../core/units.js';
import { loadCluster } from '../load.js';
import { positiveInt } from '../options.js';
import { outputFormat, printJson, renderPairs, renderTable, type Column } from '../output.js';

/** The `cluster show --json` document (DESIGN.md contract, plus detail fields). */
export function clusterJson(c: Cluster) {
  return {
    name: c.name,
    description: c.spec.description,
    kind: c.spec.kind,
    gpuModel: c.gpu.id,
    gpus: c.gpus,
    nodes: c.nodes,
    gpusPerNode: c.gpusPerNode,
    nvlinkDomainGpus: c.nvlinkDomainGpus,
    levels: c.levels.map((l) => ({ name: l.name, count: l.count })),
    pools: c.pools.map((p) => ({ gpuModel: p.gpu.id, gpus: p.gpus, nodes: p.nodes })),
    peakDenseFlops: { bf16: c.peakDenseFlops.bf16, fp8: c.peakDenseFlops.fp8, fp4: c.peakDenseFlops.fp4 },
    hbmBytes: c.hbmBytes,
    hbmBandwidthBytesPerS: c.hbmBandwidthBytesPerS,
    itPowerW: c.itPowerW,
    facilityPowerW: c.facilityPowerW,
    fabric: { ...c.spec.fabric, switches: switchCounts(c) },
    facility: c.spec.facility,
    sources: c.spec.src,
  };
}

function renderCluster(c: Cluster): string {
  const j = clusterJson(c);
  const pairs: [string, string][] = [
    ['cluster', `${c.name} — ${c.spec.description}`],
    ['GPUs', `${formatCount(c.gpus)} (${c.pools.map((p) => `${formatCount(p.gpus)} × ${p.gpu.id}`).join(' + ')})`],
    ['nodes', `${formatCount(c.nodes)} × ${c.gpusPerNode} GPUs, NVLink domain ${c.nvlinkDomainGpus}`],
    ['peak dense', `${formatFlops(c.peakDenseFlops.bf16)} BF16` + (c.peakDenseFlops.fp8 ? `, ${formatFlops(c.peakDenseFlops.fp8)} FP8` : '') + (c.peakDenseFlops.fp4 ? `, ${formatFlops(c.peakDenseFlops.fp4)} FP4` : '')],
    ['HBM', `${formatBytes(c.hbmBytes)}, ${formatSi(c.hbmBandwidthBytesPerS, 'B/s')}`],
    ['fabric', `${c.spec.fabric.technology}, ${c.spec.fabric.nicGbpsPerGpu} Gb/s per GPU, ${j.fabric.switches.length} tier(s)${c.spec.fabric.railOptimized ? ', rail-optimized' : ''}`],
    ['power', `${formatSi(c.itPowerW, 'W')} IT, ${formatSi(c.facilityPowerW, 'W')} facility (PUE ${c.spec.facility.pue})`],
  ];
  const levels = renderTable(c.levels, [
    { header: 'level', value: (l) => l.name },
    { header: 'count', value: (l) => l.count },
    { header: 'children each', value: (l) => (l.name === 'node' ? `${l.childrenPer} GPUs` : `${l.childrenPer}`), align: 'right' },
  ]);
  const switches = j.fabric.switches.length
    ? '\n\n' + renderTable(j.fabric.switches, [
        { header: 'tier', value: (s) => s.tier },
        { header: 'switches', value: (s) => s.switches },
        { header: 'derivation', value: (s) => s.formula },
      ])
    : '';
  return `${renderPairs(pairs)}\n\n${levels}${switches}\n`;
}

/** The extra columns of `cluster list -o wide`, from each row's resolved cluster. */
function wideColumns<T>(cluster: (row: T) => Cluster): Column<T>[] {
  return [
    { header: 'nodes', value: (r) => formatCount(cluster(r).nodes), align: 'right' },
    { header: 'fabric', value: (r) => { const f = cluster(r).spec.fabric; return `${f.technology} ${f.nicGbpsPerGpu} Gb/s/GPU${f.railOptimized ? ', rails' : ''}`; } },
    { header: 'IT power', value: (r) => formatSi(cluster(r).itPowerW, 'W'), align: 'right' },
    { header: 'PUE', value: (r) => cluster(r).spec.facility.pue },
  ];
}

export function registerCluster(program: Command): void {
  const cluster = program.command('cluster').description('Cluster presets and files: topology, totals, fabric');
  cluster
    .command('list')
    .description('List the cluster presets (-o wide: nodes, fabric, power)')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const resolved = new Map<string, Cluster>();
      const rows = Object.values(CLUSTER_PRESETS).map((s) => {
        const c = resolveCluster(s);
        resolved.set(s.name, c);
        return { name: s.name, kind: s.kind, gpuModel: c.gpu.id, gpus: c.gpus, gpusPerNode: s.gpusPerNode, nvlinkDomainGpus: s.nvlinkDomainGpus, description: s.description };
      });
      if (opts.json) return printJson(rows);
      process.stdout.write(
        renderTable(rows, [
          { header: 'name', value: (r) => r.name },
          { header: 'kind', value: (r) => r.kind },
          { header: 'GPU', value: (r) => r.gpuModel },
          { header: 'GPUs', value: (r) => (r.kind === 'site' ? formatCount(r.gpus) : `--gpus N (${r.gpus})`), align: 'right' },
          { header: 'NVLink', value: (r) => r.nvlinkDomainGpus },
          ...(outputFormat() === 'wide' ? wideColumns((r: { name: string }) => resolved.get(r.name)!) : []),
          { header: 'description', value: (r) => r.description },
        ]) + '\n',
      );
    });
  cluster
    .command('show')
    .description('Show a cluster preset or file (sized with --gpus)')
    .argument('<cluster>', 'preset name or cluster .yaml file')
    .option('--gpus <n>', 'size: a partition of a site, or N GPUs of a node type', positiveInt('--gpus'))
    .option('--json', 'print JSON')
    .action((name: string, opts: { gpus?: number; json?: boolean }) => {
      const c = loadCluster(name, opts.gpus);
      if (opts.json) return printJson(clusterJson(c));
      process.stdout.write(renderCluster(c));
    });
}
