/** `colossus node list|show|cordon|uncordon|drain|events`: nodes on the control plane. */
import type { Command } from 'commander';
import { ColossusError } from '../../core/errors.js';
import { NODE_SORT_KEYS } from '../../core/control/queries.js';
import type { NodeCounts, NodeDetail } from '../../protocol/nodes.js';
import { oneOf, positiveInt, sortKey } from '../options.js';
import { addClientOptions, clientFrom, fmtTime, printEvents, type ClientFlags } from '../control-client.js';
import { printJson, renderPairs, renderTable } from '../output.js';

type Flags = ClientFlags & { json?: boolean; reason?: string };
type ListFlags = Flags & { state?: string; rack?: string; array?: string; hall?: string; gpuModel?: string; job?: string; team?: string; sort?: string; limit?: number };

const NODE_STATES = ['idle', 'allocated', 'draining', 'drained', 'suspect', 'down', 'repair'] as const;

function csvStates(text: string): string {
  for (const s of text.split(',')) {
    if (!(NODE_STATES as readonly string[]).includes(s)) throw new ColossusError('usage', `--state: '${s}' is not a node state`, { where: '--state', hint: `one or more of ${NODE_STATES.join(', ')}, comma-separated` });
  }
  return text;
}

/** `colossus node summary`: one row per group, a column per state that occurs, totals last. */
function summaryHuman(c: NodeCounts): string {
  const states = NODE_STATES.filter((s) => c.states[s]);
  const total = { group: 'total', nodes: c.groups.reduce((s, g) => s + g.nodes, 0), gpus: c.groups.reduce((s, g) => s + g.gpus, 0), gpusFree: c.groups.reduce((s, g) => s + g.gpusFree, 0), states: c.states };
  return renderTable([...c.groups, total], [
    { header: c.by.toUpperCase(), value: (g) => g.group },
    { header: 'NODES', value: (g) => g.nodes },
    ...states.map((s) => ({ header: s.toUpperCase(), value: (g: typeof total) => g.states[s] ?? 0 })),
    { header: 'GPUS', value: (g) => g.gpus },
    { header: 'GPUS FREE', value: (g) => g.gpusFree },
  ]) + '\n';
}

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
  addClientOptions(node.command('list').description('Nodes: name, state, GPUs, rack, jobs, last heartbeat (filters run on the server)'))
    .option('--state <states>', 'only nodes in these states (comma-separated: idle,allocated,draining,drained,suspect,down,repair)', csvStates)
    .option('--rack <rack>', 'only this rack')
    .option('--array <array>', 'only this array')
    .option('--hall <hall>', 'only this hall')
    .option('--gpu-model <model>', 'GPU model contains this (case-insensitive), e.g. h100')
    .option('--job <id>', 'only nodes running this job')
    .option('--team <team>', 'only nodes running jobs of this team')
    .option('--sort <field>', `sort by ${NODE_SORT_KEYS.join('|')} (prefix - for descending)`, sortKey(NODE_SORT_KEYS))
    .option('--limit <n>', 'at most N nodes', positiveInt('--limit'))
    .action(async (f: ListFlags) => {
      const nodes = await clientFrom(f).listNodes({ state: f.state, rack: f.rack, array: f.array, hall: f.hall, gpuModel: f.gpuModel, job: f.job, team: f.team, sort: f.sort, limit: f.limit });
      if (f.json) printJson(nodes);
      else process.stdout.write(renderTable(nodes, [
        { header: 'NAME', value: (n) => n.name },
        { header: 'STATE', value: (n) => n.state },
        { header: 'GPUS', value: (n) => n.gpus },
        { header: 'FREE', value: (n) => n.gpusFree },
        { header: 'RACK', value: (n) => n.rack ?? '-' },
        { header: 'JOBS', value: (n) => (n.jobs.length > 2 ? `${n.jobs.slice(0, 2).join(',')},… (${n.jobs.length})` : n.jobs.join(',') || '-') },
        { header: 'LAST HEARTBEAT', value: (n) => n.lastHeartbeatAt ?? '-' },
      ]) + '\n');
    });
  addClientOptions(node.command('summary').description('Node counts by state per hall (or --by array|rack), like sinfo -s'))
    .option('--by <level>', 'hall, array or rack', oneOf('--by', ['hall', 'array', 'rack'] as const), 'hall')
    .action(async (f: Flags & { by: 'hall' | 'array' | 'rack' }) => {
      const c = await clientFrom(f).nodeCounts(f.by);
      if (f.json) printJson(c);
      else process.stdout.write(summaryHuman(c));
    });
  addClientOptions(node.command('show').description('A node: GPUs, telemetry, state transitions with reasons').argument('<name>')).action(async (name: string, f: Flags) => {
    const n = await clientFrom(f).showNode(name);
    if (f.json) printJson(n);
    else process.stdout.write(showHuman(n));
  });
  const actions = { cordon: 'Take no new work (running work continues)', uncordon: 'Return to service', drain: 'Stop its attempts (jobs recover elsewhere) and take no new work', repair: 'Send to repair: stop its attempts; no work until uncordoned',
    reset: 'Admin: revoke its credential and let the join token register the name once more (a reinstalled node)', revoke: 'Admin: revoke its credential (its agent cannot heartbeat or register until reset)' } as const;
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
