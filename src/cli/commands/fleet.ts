/** `colossus fleet reliability`: the fleet's own failure rate per cause (GET /api/v1/fleet/reliability). */
import type { Command } from 'commander';
import type { FleetReliabilityView } from '../../protocol/reliability.js';
import { addClientOptions, clientFrom, type ClientFlags } from '../control-client.js';
import { printJson, renderTable } from '../output.js';

const sci = (x: number) => x.toExponential(2);

export function reliabilityText(r: FleetReliabilityView): string {
  const table = renderTable(r.causes, [
    { header: 'CAUSE', value: (c) => c.cause },
    { header: 'EVENTS', value: (c) => c.events },
    { header: 'GPU-HOURS', value: (c) => Math.round(c.exposureGpuHours) },
    { header: 'PRIOR/GPU-H', value: (c) => sci(c.priorPerGpuHour) },
    { header: 'POSTERIOR/GPU-H', value: (c) => sci(c.posteriorMeanPerGpuHour) },
    { header: '90% INTERVAL', value: (c) => `${sci(c.p5PerGpuHour)}–${sci(c.p95PerGpuHour)}` },
  ]);
  const head = `${r.nodes} nodes × ${r.gpusPerNode} GPUs (${r.gpuModel ?? 'unknown GPU'}), prior: the '${r.preset}' preset; all causes ${sci(r.totalPerGpuHour)} per GPU-hour`;
  return `${head}\n${table}\n`;
}

export function registerFleet(program: Command): void {
  const fleet = program.command('fleet').description('The fleet as the control plane sees it: its own failure rate (COLOSSUS_SERVER, COLOSSUS_TOKEN)');
  addClientOptions(fleet.command('reliability').description('Interruptions by cause from the server\'s history: events, GPU-hours, prior, posterior mean and 90% interval'))
    .action(async (f: ClientFlags & { json?: boolean }) => {
      const r = await clientFrom(f).fleetReliability();
      if (f.json) printJson(r);
      else process.stdout.write(reliabilityText(r));
    });
}
