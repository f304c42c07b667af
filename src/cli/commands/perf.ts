/**
 * `colossus perf`: the performance model for one layout. Layout flags left out are chosen
 * by the planner (best throughput within memory). Exit 2 for an invalid layout (the rule and
 * valid alternatives), 3 when it does not fit (with the memory breakdown).
 */
import type { Command } from 'commander';
import { ColossusError } from '../../core/errors.js';
import { searchLayouts, validateLayout, type PerfResult } from '../../core/perf/index.js';
import { formatBytes } from '../../core/units.js';
import { loadCluster, loadModel } from '../load.js';
import { printJson } from '../output.js';
import { addLayoutFlags, addPipelineFlags, addWorkloadFlags, fixedFrom, probeLayout, type LayoutFlags } from '../plan-options.js';
import { renderPerf } from '../plan-format.js';
import { addSoftwareFlags, resolveSoftware, softwareLabel, type SoftwareFlags } from '../perf-software.js';

/** Runs the model for the flags; throws `invalid` or `infeasible` ColossusErrors. */
export function perfFor(f: LayoutFlags & SoftwareFlags): PerfResult {
  const software = resolveSoftware(f).params;
  const model = loadModel(f.model);
  const cluster = loadCluster(f.cluster, f.gpus);
  const { fixed, given } = fixedFrom(f);
  validateLayout(model, cluster, probeLayout(f, cluster.gpus), given);
  const s = searchLayouts(model, cluster, { gbs: f.gbs, seq: f.seq, fixed, top: 1 }, { software });
  if (s.top.length > 0) return s.top[0];
  if (s.searched === 0) {
    throw new ColossusError('invalid', `no valid layout of ${model.name} on ${cluster.gpus} GPUs matches the flags given`, {
      hint: 'leave more of --tp/--pp/--cp/--dp/--ep/--mbs/--vpp out for the planner to choose, or check that tp·pp·cp divides the GPUs, dp divides --gbs and a --pp-first-layers/--pp-last-layers split fits the pp searched',
    });
  }
  const r = s.leastMemory!;
  const m = r.memory;
  throw new ColossusError('infeasible', `does not fit: ${formatBytes(r.memoryPerGpuBytes)} per GPU > ${formatBytes(r.usableMemoryBytes)} usable on ${cluster.gpu.id}`, {
    hint: `weights ${formatBytes(m.weights)}, gradients ${formatBytes(m.gradients)}, optimizer ${formatBytes(m.optimizer)}, activations ${formatBytes(m.activations)}, other ${formatBytes(m.other)}; try more pp/tp, --zero 3, --recompute full or a smaller --mbs`,
    details: { ...r } as unknown as Record<string, unknown>,
  });
}

export function registerPerf(program: Command): void {
  const c = program
    .command('perf')
    .description('Memory, step time, throughput and MFU of one layout (omitted layout flags are chosen by the planner)');
  addSoftwareFlags(addPipelineFlags(addLayoutFlags(addWorkloadFlags(c)))).action((f: LayoutFlags & SoftwareFlags) => {
    const software = resolveSoftware(f);
    const r = perfFor(f);
    if (f.json) return printJson({ ...r, software: software.name });
    process.stdout.write(renderPerf(r, softwareLabel(software)) + '\n');
  });
}
