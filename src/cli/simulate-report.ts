/**
 * The `colossus simulate` outputs: the --json document (DESIGN.md fields
 * first, then detail) and the human report.
 */
import { exactPoissonEttr, kokolisEttr } from '../core/reliability/checkpoint-theory.js';
import { KIND_PLANNED, RECOVERY_MODES, type SimConfig } from '../core/sim/config.js';
import { describeDist } from '../core/sim/distributions.js';
import type { GridPoint } from '../core/sim/optimize.js';
import type { ScenarioInfo } from '../core/sim/scenario.js';
import { sig, type Band, type RunStats } from '../core/sim/summary.js';
import { formatCount, formatDuration } from '../core/units.js';
import { renderPairs, renderTable } from './output.js';
import type { SimulateSetup } from './simulate-options.js';

export interface OptimizeResult {
  objective: string;
  best: GridPoint;
  bestEttr: GridPoint;
  grid: GridPoint[];
}

/** First-order (Kokolis) and exact Poisson ETTR for the same rates and mean restart, for comparison. */
function theory(cfg: SimConfig) {
  const unexpected = cfg.causes.filter((c) => c.kind !== KIND_PLANNED);
  const rate = unexpected.reduce((a, c) => a + c.ratePerS, 0);
  const restartS = rate > 0 ? unexpected.reduce((a, c) => a + c.ratePerS * (c.detectMeanS + c.restartS), 0) / rate : 0;
  const p = { failuresPerS: rate, intervalS: cfg.intervalS, restartS, writeS: cfg.blockingS };
  return { failuresPerHour: sig(rate * 3600), meanRestartS: sig(restartS), firstOrderEttr: sig(kokolisEttr(p)), poissonEttr: sig(exactPoissonEttr(p)) };
}

function recoveryJson(cfg: SimConfig) {
  const mode = RECOVERY_MODES[cfg.recovery];
  if (mode === 'full') return { mode };
  const memory = { snapshotIntervalS: cfg.memIntervalS, replicas: cfg.memReplicas };
  if (mode === 'in-memory') return { mode, ...memory };
  return { mode, ...memory, dataParallelReplicas: cfg.replicas, spareJoinS: sig(cfg.spareJoinS), rejoinS: sig(cfg.rejoinS) };
}

export function simulateJson(setup: SimulateSetup, seed: number, cfg: SimConfig, info: ScenarioInfo, stats: RunStats, optimize?: OptimizeResult) {
  const { cluster, failures, input } = setup;
  return {
    runs: stats.runs,
    seed,
    interruptions: stats.interruptions,
    unexpectedInterruptions: stats.unexpectedInterruptions,
    byCause: stats.byCause,
    interruptionsByKind: stats.interruptionsByKind,
    mtbiHours: stats.mtbiHours,
    ettr: stats.ettr,
    lostGpuHours: stats.lostGpuHours,
    checkpointIntervalMin: sig(cfg.intervalS / 60),
    cluster: cluster.name,
    gpus: cfg.gpus,
    nodes: cfg.nodes,
    days: input.days,
    failureRates: failures.name,
    ...(failures.fleetAgeDays !== undefined ? { fleet: { provider: failures.provider ?? 'onprem', fleetAgeDays: failures.fleetAgeDays } } : {}),
    scope: info.scope,
    ...(info.scope === 'fleet' ? { fleetNodes: info.fleetNodes } : {}),
    recovery: recoveryJson(cfg),
    mtbiUnexpectedHours: stats.mtbiUnexpectedHours,
    lostGpuHoursBy: stats.lostGpuHoursBy,
    failSlow: stats.failSlow,
    checkpoint: {
      policy: info.intervalPolicy,
      dalyIntervalMin: sig(info.dalyIntervalS / 60),
      blockingS: sig(cfg.blockingS),
      persistS: sig(cfg.persistS),
      loadS: sig(input.checkpoint.loadS),
      ...(setup.stateBytes !== undefined ? { stateBytes: setup.stateBytes } : {}),
      source: setup.checkpointSource,
    },
    restart: { totalS: input.restartS ?? failures.restartTotalS ?? null, detectS: input.detectS ?? null, requeueS: sig(cfg.requeueRestartS), byCauseS: Object.fromEntries(cfg.causes.map((c) => [c.id, sig(c.detectMeanS + c.restartS)])) },
    spareScope: info.spareScope,
    sparesPerScope: Number.isFinite(cfg.spares) ? cfg.spares : ('unlimited' as const),
    spares: {
      nodes: Number.isFinite(cfg.spares) ? cfg.spares * cfg.spareInstances : ('unlimited' as const),
      policy: info.sparesPolicy,
      repair: describeDist(failures.repair),
      waitsPerRun: stats.spareWaits,
      pools: cfg.spareInstances,
    },
    theory: theory(cfg),
    interruptionsPerDay: stats.interruptionsPerDay,
    eventsPerRun: stats.eventsPerRun,
    ...(optimize ? { optimize } : {}),
  };
}

export type SimulateJson = ReturnType<typeof simulateJson>;

const n3 = (x: number) => String(sig(x, 3));
/** A fraction to 3 digits, or more when 3 would round a value below 1 up to 1 (a tiny job loses a little). */
export const fraction = (x: number): string => {
  for (let d = 3; d < 9; d++) if (x === 1 || sig(x, d) !== 1) return String(sig(x, d));
  return String(x);
};
const plural = (n: number, word: string) => `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
const dur = (s: number) => (s === 0 ? '0 s' : formatDuration(s));
const bandText = (b: Band, f: (x: number) => string = n3) => `${f(b.mean)} (90% of runs: ${f(b.p5)} – ${f(b.p95)})`;
const gpuHours = (x: number) => (x >= 1e6 ? `${n3(x / 1e6)} M` : x >= 1e3 ? `${n3(x / 1e3)} k` : n3(x));

function mtbiText(j: SimulateJson): string {
  if (!(j.interruptions.mean > 0)) return `no interruptions in ${plural(j.runs, 'run')} of ${plural(j.days, 'day')}`;
  const unexpected = j.unexpectedInterruptions.mean > 0 ? formatDuration(j.mtbiUnexpectedHours * 3600) : 'none';
  return `${formatDuration(j.mtbiHours * 3600)} (unexpected only: ${unexpected})`;
}

function recoveryText(j: SimulateJson): string {
  const r = j.recovery;
  if (r.mode === 'full') return 'full: restart from the last persisted checkpoint';
  const mem = `RAM snapshots every ${dur(r.snapshotIntervalS)} on ${r.replicas} nodes (persisted checkpoint if a correlated failure takes every copy)`;
  if (r.mode === 'in-memory') return `in-memory: ${mem}`;
  return `elastic: ${plural(r.dataParallelReplicas, 'data-parallel replica')} keep running; ${mem}; a replacement joins after ${dur(r.spareJoinS)}, rejoining pauses ${dur(r.rejoinS)}`;
}

/** The spares line: pool size and scope, policy, repair distribution, waits. */
function sparesText(j: SimulateJson): string {
  const { spares, spareScope: scope } = j;
  if (spares.nodes === 'unlimited') return `unlimited: a replacement node is always at hand (spare scope ${scope})`;
  const pools = scope === 'cluster' ? `${plural(spares.nodes, 'node')} in one pool for the cluster` : `${j.sparesPerScope} node${j.sparesPerScope === 1 ? '' : 's'} per ${scope} × ${formatCount(spares.pools)} ${scope}s = ${formatCount(spares.nodes)} nodes`;
  const policy = spares.policy === 'auto' ? `auto: P99 of ${scope === 'cluster' ? '' : `one ${scope}'s `}nodes in repair` : 'fixed';
  return `${pools} (${policy}); repair ${spares.repair}; waited for a spare ${spares.waitsPerRun} times per run`;
}

export function renderSimulate(j: SimulateJson, labels: Record<string, string>): string {
  const by = j.lostGpuHoursBy;
  const pairs: [string, string][] = [
    ['scenario', `${j.cluster}, ${plural(j.gpus, 'GPU')} (${plural(j.nodes, 'node')}), ${plural(j.days, 'day')}, ${j.failureRates}`],
    ['runs', `${j.runs} (seed ${j.seed})`],
    ['interruptions', bandText(j.interruptions)],
    ['  unexpected', bandText(j.unexpectedInterruptions)],
    ['  by kind', `GPU ${n3(j.interruptionsByKind.gpu)}, other hardware ${n3(j.interruptionsByKind.otherHardware)}, software ${n3(j.interruptionsByKind.software)}, planned ${n3(j.interruptionsByKind.planned)}${j.scope === 'fleet' ? ` (fleet scope: every GPU of ${formatCount(j.fleetNodes ?? 0)} nodes; the job is hit by its share)` : ''}`],
    ['MTBI', mtbiText(j)],
    ['ETTR', bandText(j.ettr, fraction)],
    ['goodput', `${fraction(j.failSlow.goodput)} after fail-slow (stragglers cost ${(j.failSlow.throughputLoss * 100).toFixed(1)}% of throughput, ${gpuHours(j.failSlow.lostGpuHours)} GPU-hours)`],
    ['lost GPU-hours', bandText(j.lostGpuHours, gpuHours)],
    ['  of which', `lost work ${gpuHours(by.lostWork)}, recovery ${gpuHours(by.recovery)}, waiting for spares ${gpuHours(by.waitingForSpares)}, checkpointing ${gpuHours(by.checkpointing)}${by.degraded > 0 ? `, fewer replicas ${gpuHours(by.degraded)}` : ''}`],
    ['recovery', recoveryText(j)],
    ['checkpoint interval', `${formatDuration(j.checkpointIntervalMin * 60)} (${j.checkpoint.policy === 'auto' ? "auto: Daly's optimum" : 'fixed'}; Daly ${dur(j.checkpoint.dalyIntervalMin * 60)})`],
    ['checkpoint cost', `blocking ${dur(j.checkpoint.blockingS)}, persist ${dur(j.checkpoint.persistS)}, load ${j.restart.totalS === null ? dur(j.checkpoint.loadS) : 'in --restart-s'} — ${j.checkpoint.source}`],
    ['restart', j.restart.totalS === null ? `per cause (detection + ByteRobust restart + load), table below; after waiting for spares ${dur(j.restart.requeueS)}` : `${dur(j.restart.totalS)} from failure to resumed training${j.restart.detectS === null ? '' : ` after ${dur(j.restart.detectS)} detection`}`],
    ['spares', sparesText(j)],
    ['closed forms', `first-order ETTR ${j.theory.firstOrderEttr}, exact Poisson ${j.theory.poissonEttr} (one failure rate, mean restart ${formatDuration(j.theory.meanRestartS)})`],
  ];
  const total = j.interruptions.mean;
  const rows = Object.entries(j.byCause)
    .filter(([, mean]) => mean > 0)
    .sort((a, b) => b[1] - a[1]);
  const table = renderTable(rows, [
    { header: 'cause', value: ([id]) => labels[id] ?? id },
    { header: 'mean per run', value: ([, m]) => n3(m), align: 'right' },
    { header: 'share', value: ([, m]) => `${((m / total) * 100).toFixed(1)}%`, align: 'right' },
    { header: 'restart', value: ([id]) => formatDuration(j.restart.byCauseS[id] ?? 0), align: 'right' },
  ]);
  let out = `${renderPairs(pairs)}\n\n${table}\n`;
  if (j.optimize) {
    const o = j.optimize;
    const perScope = j.spareScope === 'cluster' ? '' : ` per ${j.spareScope}`;
    out += `\noptimize (${o.objective}):\n  best: interval ${formatDuration(o.best.intervalMin * 60)}, ${o.best.spares} spares${perScope} → ETTR ${o.best.ettr}, goodput per owned GPU ${o.best.goodputPerOwnedGpu}\n`;
    out += `  highest ETTR: interval ${formatDuration(o.bestEttr.intervalMin * 60)}, ${o.bestEttr.spares} spares${perScope} → ETTR ${o.bestEttr.ettr}\n`;
  }
  return out;
}
