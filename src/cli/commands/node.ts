/** `colossus node list|show|cordon|uncordon|drain|events`: nodes on the control plane. */
import type { Command } from 'commander';
import type { NodeDetail } from '../../protocol/nodes.js';
import { addClientOptions, clientFrom, fmtTime, printEvents, type ClientFlags } from '../control-client.js';
import { printJson, renderPairs, renderTable } from '../output.js';

type Flags = ClientFlags & { json?: boolean; reason?: string };

function showHuman(n: NodeDetail): string {
  const head = renderPairs([
    ['name', n.name], ['state', n.state], ['gpus', `${n.gpus} × ${n.gpuModel ?? '?'} (${n.gpusFree} free)`], ['rack / array / hall', `${n.rack ?? '-'} / ${n.array ?? '-'} / ${n.hall ?? '-'}`],
    ['hold', n.hold ? `${n.hold}: ${n.holdReason ?? ''}` : '-'], ['address', n.address ?? '-'], ['last heartbeat', n.lastHeartbeatAt ?? '-'], ['attempts', n.attempts.join(', ') || '-'], ['recent failures', n.recentFailures],
  ]);
  const gpus = renderTable(n.gpuList, [
    { header: 'GPU', value: (g) => g.index },
    { header: 'UUID', value: (g) => g.uuid },
    { header: 'TEMP C', value: (g) => g.temperatureC ?? '-' },
    { header: 'POWER W', value: (g) => g.powerW ?? '-' },
    { header: 'UTIL %', value: (g) => g.utilizationPct ?? '-' },
    { header: 'ECC', value: (g) => g.eccVolatileUncorrected ?? '-' },
  ]);
  const tr = renderTable(n.transitions, [
    { header: 'TIME', value: (t) => fmtTime(t.atMs) },
    { header: 'FROM', value: (t) => t.from ?? '-' },
    { header: 'TO', value: (t) => t.to },
    { header: 'SOURCE', value: (t) => t.source },
    { header: 'REASON', value: (t) => t.reason },
  ]);
  return `${head}\n\n${gpus}\n\n${tr}\n`;
}

export function registerNode(program: Command): void {
  const node = program.command('node').description('Inspect and operate nodes (COLOSSUS_SERVER, COLOSSUS_TOKEN)');
  addClientOptions(node.command('list').description('Nodes: name, state, GPUs, rack, last heartbeat')).action(async (f: Flags) => {
    const nodes = await clientFrom(f).listNodes();
    if (f.json) printJson(nodes);
    else process.stdout.write(renderTable(nodes, [
      { header: 'NAME', value: (n) => n.name },
      { header: 'STATE', value: (n) => n.state },
      { header: 'GPUS', value: (n) => n.gpus },
      { header: 'RACK', value: (n) => n.rack ?? '-' },
      { header: 'LAST HEARTBEAT', value: (n) => n.lastHeartbeatAt ?? '-' },
    ]) + '\n');
  });
  addClientOptions(node.command('show').description('A node: GPUs, telemetry, state transitions with reasons').argument('<name>')).action(async (name: string, f: Flags) => {
    const n = await clientFrom(f).showNode(name);
    if (f.json) printJson(n);
    else process.stdout.write(showHuman(n));
  });
  const actions = { cordon: 'Take no new work (running work continues)', uncordon: 'Return to service', drain: 'Stop its attempts (jobs recover elsewhere) and take no new work', repair: 'Send to repair: stop its attempts; no work until uncordoned' } as const;
  for (const [action, description] of Object.entries(actions) as [keyof typeof actions, string][]) {
    addClientOptions(node.command(action).description(description).argument('<name>'))
      .option('--reason <text>', 'recorded with the transition')
      .action(async (name: string, f: Flags) => {
        const n = await clientFrom(f).nodeAction(name, action, f.reason);
        if (f.json) printJson(n);
        else process.stdout.write(`${n.name}: ${n.state}\n`);
      });
  }
  addClientOptions(node.command('events').description('Decisions about the node, with reasons').argument('<name>')).action(async (name: string, f: Flags) => {
    const { events } = await clientFrom(f).events({ node: name, limit: 10_000 });
    printEvents(events, f.json);
  });
}
