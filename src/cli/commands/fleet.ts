/**
 * `colossus fleet reliability`: the fleet's own failure rate per cause (GET /api/v1/fleet/reliability);
 * `colossus fleet reserve`: the spare reserve (GET /api/v1/fleet/reserve).
 */
import type { Command } from 'commander';
import type { FleetReliabilityView, SpareReserveView } from '../../protocol/reliability.js';
import { formatDuration } from '../../core/units.js';
import { addClientOptions, clientFrom, type ClientFlags } from '../control-client.js';
import { printJson, renderPairs, renderTable } from '../output.js';

const sci = (x: number) => x.toExponential(2);

export function reliabilityText(r: FleetReliabilityView): string {
  const table = renderTable(r.causes, [
    { header: 'CAUSE', value: (c) => c.cause },
    { header: 'EVENTS', value: (c) => c.events },
    { header: 'GPU-HOURS', value: (c) => (c.exposureGpuHours < 10 ? Number(c.exposureGpuHours.toFixed(2)) : Math.round(c.exposureGpuHours)) },
    { header: 'PRIOR/GPU-H', value: (c) => sci(c.priorPerGpuHour) },
    { header: 'POSTERIOR/GPU-H', value: (c) => sci(c.posteriorMeanPerGpuHour) },
    { header: '90% INTERVAL', value: (c) => `${sci(c.p5PerGpuHour)}–${sci(c.p95PerGpuHour)}` },
  ]);
  const head = `${r.nodes} nodes × ${r.gpusPerNode} GPUs (${r.gpuModel ?? 'unknown GPU'}), prior: the '${r.preset}' preset; all causes ${sci(r.totalPerGpuHour)} per GPU-hour`;
  return `${head}\n${table}\n`;
}

/** One line: `spare reserve: 3 nodes (auto), 2 held idle for job-000001 (448 nodes)`. */
export function reserveLine(r: SpareReserveView): string {
  if (r.mode === 'off') return 'spare reserve: off (colossus server --spare-reserve auto|N)';
  const what = `${r.targetNodes} node${r.targetNodes === 1 ? '' : 's'} (${r.mode === 'auto' ? 'auto' : 'fixed'})`;
  return r.gang ? `spare reserve: ${what}, ${r.heldNodes} held idle for ${r.gang.jobId} (${r.gang.nodes} nodes)` : `spare reserve: ${what}, none held: no multi-node job is running`;
}

export function reserveText(r: SpareReserveView): string {
  const pairs: [string, string | number][] = [
    ['spare reserve', r.mode === 'off' ? 'off' : `${r.targetNodes} node${r.targetNodes === 1 ? '' : 's'} (${r.mode === 'auto' ? 'auto' : `--spare-reserve ${r.setting}`})`],
    ['for', r.gang ? `${r.gang.jobId}: ${r.gang.gpus} GPUs on ${r.gang.nodes} nodes (the largest running gang)` : '- (no multi-node job is running)'],
    ['held idle', r.heldNodes === 0 ? '0' : `${r.heldNodes}: ${r.nodes.join(', ')}${r.heldNodes > r.nodes.length ? ', …' : ''}`],
  ];
  if (r.auto) {
    pairs.push(['hardware rate', `${sci(r.auto.hardwarePerGpuHour)} per GPU-hour (posterior: gpu-hardware + node-lost; prior '${r.auto.preset}')`]);
    pairs.push(['repair time', `${formatDuration(r.auto.repairMeanS)} mean (the '${r.auto.preset}' preset)`]);
    if (r.auto.meanNodesInRepair !== null) pairs.push(['sizing', `${r.auto.meanNodesInRepair.toPrecision(3)} of the gang's nodes in repair on average; P99 ${r.auto.spares} (the simulator's spare pool)`]);
  }
  return `${renderPairs(pairs)}\n`;
}

export function registerFleet(program: Command): void {
  const fleet = program.command('fleet').description('The fleet as the control plane sees it: its own failure rate, the spare reserve (COLOSSUS_SERVER, COLOSSUS_TOKEN)');
  addClientOptions(fleet.command('reliability').description('Interruptions by cause from the server\'s history: events, GPU-hours, prior, posterior mean and 90% interval'))
    .action(async (f: ClientFlags & { json?: boolean }) => {
      const client = clientFrom(f);
      const r = await client.fleetReliability();
      if (f.json) printJson(r);
      else process.stdout.write(`${reliabilityText(r)}${reserveLine(await client.fleetReserve())}\n`);
    });
  addClientOptions(fleet.command('reserve').description('The spare reserve: idle nodes kept for the largest running gang\'s restart (colossus server --spare-reserve auto|N), and what auto sized it from'))
    .action(async (f: ClientFlags & { json?: boolean }) => {
      const r = await clientFrom(f).fleetReserve();
      if (f.json) printJson(r);
      else process.stdout.write(reserveText(r));
    });
}
