/** `colossus job submit|list|show|cancel|logs|events`: jobs on the control plane. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { ColossusError, isColossusError } from '../../core/errors.js';
import { formatDuration, formatSi } from '../../core/units.js';
import type { AdviceView, JobDetail, JobSummary, ThroughputView } from '../../protocol/jobs.js';
import { addClientOptions, clientFrom, fmtTime, printEvents, type ClientFlags } from '../control-client.js';
import { positiveInt, sortKey } from '../options.js';
import { JOB_SORT_KEYS } from '../../core/control/queries.js';
import { printJson, renderPairs, renderTable } from '../output.js';
import { addPlanFlags, wantsPlan, type PlanFlags } from '../job-plan-flags.js';

interface SubmitFlags extends ClientFlags, PlanFlags {
  name: string;
  gpus: number;
  priority: string;
  team?: string;
  checkpointDir?: string;
  maxRestarts?: string;
  graceS?: string;
  env: string[];
  cwd?: string;
  perNode?: boolean;
  json?: boolean;
}

function int(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isInteger(v)) throw new ColossusError('usage', `${flag} must be a whole number, got '${text}'`, { where: flag });
  return v;
}

function parseEnv(entries: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of entries) {
    const i = e.indexOf('=');
    if (i <= 0) throw new ColossusError('usage', `--env expects KEY=VALUE, got '${e}'`, { where: '--env' });
    env[e.slice(0, i)] = e.slice(i + 1);
  }
  return env;
}

async function submit(command: string[], f: SubmitFlags): Promise<void> {
  if (command.length === 0) throw new ColossusError('usage', 'no command given', { where: 'command', hint: 'put it after --, e.g. colossus job submit --name t --gpus 8 -- node train.mjs' });
  const planning = wantsPlan(f) ? await import('../job-plan-submit.js') : null; // the planner: only for --model
  const client = clientFrom(f);
  const planned = planning ? await planning.planForSubmit({ ...f, model: f.model! }, f.gpus, client) : null;
  const env = parseEnv(f.env);
  const spec = {
    name: f.name, gpus: f.gpus, priority: int('--priority', f.priority), team: f.team,
    checkpointDir: f.checkpointDir ? resolve(f.checkpointDir) : undefined, maxRestarts: int('--max-restarts', f.maxRestarts),
    gracePeriodS: int('--grace-s', f.graceS), env: planning && planned ? planning.mergePlanEnv(planned.env, env) : env, cwd: f.cwd ? resolve(f.cwd) : process.cwd(), command,
    ...(f.perNode ? { launch: 'per-node' as const } : {}),
    ...(planned ? { plan: planned.plan } : {}),
  };
  if (planned && !f.json) process.stderr.write(`${planned.summary}\n`);
  // One Idempotency-Key per invocation, the same on each retry: a lost answer never makes a second job.
  const key = randomUUID();
  let job: JobDetail | undefined;
  for (let attempt = 1; !job; attempt++) {
    try {
      job = await client.submitJob(spec, key);
    } catch (e) {
      if (!isColossusError(e) || e.code !== 'failure' || attempt >= 3) throw e;
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
  if (f.json) printJson(job);
  else process.stdout.write(`${job.id} submitted (${job.state}: ${job.reason ?? ''})\n`);
}

const summaryColumns = [
  { header: 'ID', value: (j: JobSummary) => j.id },
  { header: 'NAME', value: (j: JobSummary) => j.name },
  { header: 'STATE', value: (j: JobSummary) => j.state },
  { header: 'GPUS', value: (j: JobSummary) => j.gpus },
  { header: 'PRIO', value: (j: JobSummary) => j.priority },
  { header: 'TEAM', value: (j: JobSummary) => j.team },
  { header: 'RESTARTS', value: (j: JobSummary) => j.restarts },
  { header: 'STEP', value: (j: JobSummary) => j.lastStep ?? '-' },
  { header: 'CKPT', value: (j: JobSummary) => j.lastCheckpointStep ?? '-' },
  { header: 'TOKENS/S', value: (j: JobSummary) => (j.throughput.tokensPerS === null ? '-' : formatSi(j.throughput.tokensPerS)) },
  { header: 'MFU', value: (j: JobSummary) => pct(j.throughput.mfu) },
  { header: 'REASON', value: (j: JobSummary) => (j.reason ?? '').slice(0, 60) },
];

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)} %`);
const planned = (achieved: string, plan: string | null) => (plan === null ? achieved : `${achieved} (plan ${plan})`);

/** Throughput lines of `job show`: achieved vs planned, goodput, tokens and ETA. */
export function throughputPairs(t: ThroughputView): [string, string][] {
  const out: [string, string][] = [
    ['step time', planned(t.achievedStepS === null ? '-' : `${t.achievedStepS.toPrecision(3)} s`, t.plannedStepS === null ? null : `${t.plannedStepS.toPrecision(3)} s${t.efficiency === null ? '' : `, ${pct(t.efficiency)} of plan`}`)],
  ];
  if (t.efficiency !== null) out.push(['efficiency', `${t.efficiency.toFixed(2)} (planned ÷ achieved step time; 1 = as planned)`]);
  if (t.tokensPerS !== null || t.plannedTokensPerS !== null) {
    out.push(['tokens/s', planned(t.tokensPerS === null ? '-' : formatSi(t.tokensPerS), t.plannedTokensPerS === null ? null : formatSi(t.plannedTokensPerS))]);
    out.push(['MFU', planned(pct(t.mfu), t.plannedMfu === null ? null : pct(t.plannedMfu))]);
  }
  out.push(['goodput', pct(t.goodput)]);
  if (t.tokensTrained !== null) out.push(['tokens', t.tokenBudget === null ? formatSi(t.tokensTrained) : `${formatSi(t.tokensTrained)} of ${formatSi(t.tokenBudget)} (${pct(t.tokensTrained / t.tokenBudget)})`]);
  if (t.tokenBudget !== null) out.push(['ETA', t.etaS === null ? '-' : t.etaS === 0 ? 'budget reached' : formatDuration(t.etaS)]);
  return out;
}

/** Advice lines of `job show`: interruptions at the job's size, checkpoint cost and interval, restart, goodput. */
export function advicePairs(a: AdviceView, gpus: number): [string, string][] {
  const src = (s: string) => (s === 'measured' ? 'measured' : `${s}, not measured yet`);
  const pct2 = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(2)} %`);
  return [
    ['interruptions', `every ${formatDuration(a.mtbiS)} (fleet ${a.ratePerGpuHour.toExponential(2)} per GPU-hour × ${gpus} GPUs)`],
    ['checkpoint cost', `${formatDuration(a.checkpointCostS)} (${src(a.checkpointCostSource)})`],
    ['restart', `${formatDuration(a.restartS)} (${src(a.restartSource)})`],
    ['checkpoint every', `${a.actualCheckpointIntervalS === null ? '- (not measured yet)' : formatDuration(a.actualCheckpointIntervalS)}; optimal ${formatDuration(a.optimalCheckpointIntervalS)} (Daly)${a.attemptIntervalS === null ? '' : `; COLOSSUS_CHECKPOINT_INTERVAL_S=${a.attemptIntervalS}`}`],
    ['expected goodput', `${pct2(a.expectedGoodput)} at the optimum, ${pct2(a.achievedGoodput)} at the actual interval`],
    ...(a.warning ? [['warning', a.warning] as [string, string]] : []),
  ];
}

function showHuman(j: JobDetail): string {
  const head = renderPairs([
    ['id', j.id], ['name', j.name], ['state', j.state], ['reason', j.reason ?? '-'], ['gpus', j.gpus], ['priority', j.priority], ['team', j.team],
    ['command', j.command.join(' ')], ['launch', j.launch], ['checkpoint dir', j.checkpointDir], ['restarts', `${j.restarts} of ${j.maxRestarts}`],
    ['last step', j.lastStep ?? '-'], ['last checkpoint', j.lastCheckpointStep ?? '-'], ['submitted', fmtTime(j.submittedAtMs)], ['ended', fmtTime(j.endedAtMs)],
    ['result', j.result ? JSON.stringify(j.result) : '-'],
    ...(j.plan ? [['plan', `${j.plan.model} ${j.plan.precision}${j.plan.layout ? `, ${j.plan.layout}` : ''}${j.plan.software ? ` (${j.plan.software})` : ''}`] as [string, string]] : []),
    ...throughputPairs(j.throughput),
    ...(j.advice ? advicePairs(j.advice, j.gpus) : []),
  ]);
  const attempts = renderTable(j.attempts, [
    { header: '#', value: (a) => a.number },
    { header: 'STATE', value: (a) => a.state },
    { header: 'NODES', value: (a) => (a.nodes.length > 3 ? `${a.nodes.slice(0, 3).join(',')},… (${a.nodes.length})` : a.nodes.join(',')) },
    { header: 'EXIT', value: (a) => a.exitCode ?? '-' },
    { header: 'FROM', value: (a) => a.resumedFromStep ?? '-' },
    { header: 'STEP', value: (a) => a.lastStep ?? '-' },
    { header: 'CKPT EVERY', value: (a) => (a.checkpointIntervalS == null ? '-' : `${a.checkpointIntervalS} s`) },
    { header: 'STARTED', value: (a) => fmtTime(a.startedAtMs) },
    { header: 'REASON', value: (a) => (a.reason ?? '').slice(0, 60) },
  ]);
  return `${head}\n\n${attempts}\n`;
}

export function registerJob(program: Command): void {
  const job = program.command('job').description('Submit and inspect jobs on the control plane (COLOSSUS_SERVER, COLOSSUS_TOKEN)');
  const submitCmd = addClientOptions(job.command('submit').description('Submit a gang job: colossus job submit --name N --gpus G [--model M …] [options] -- CMD ARGS…'))
    .requiredOption('--name <name>', 'job name')
    .requiredOption('--gpus <n>', 'GPUs in the gang (multi-node jobs take whole nodes)', positiveInt('--gpus'))
    .option('--priority <p>', 'higher runs first and may preempt lower (default 0)')
    .option('--team <team>', 'team for GPU quotas (default "default")')
    .option('--checkpoint-dir <dir>', 'COLOSSUS_CHECKPOINT_DIR (default <server data dir>/checkpoints/<job id>)')
    .option('--max-restarts <k>', 'restarts after failures (default 3)')
    .option('--grace-s <s>', 'SIGTERM→SIGKILL and preemption grace, s (default 30)')
    .option('--cwd <dir>', 'working directory of the processes (default: here)')
    .option('--per-node', 'one process per node (torchrun) instead of one per GPU; env NNODES, NODE_RANK, NPROC_PER_NODE, MASTER_ADDR, MASTER_PORT (and PET_*)')
    .option('--env <KEY=VALUE>', 'extra environment (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .argument('[command...]', 'the command, after --');
  addPlanFlags(submitCmd).action((command: string[], f: SubmitFlags) => submit(command, f));
  addClientOptions(job.command('list').description('List jobs (filters run on the server)'))
    .option('--state <states>', 'only jobs in these states (comma-separated: queued,running,recovering,succeeded,failed,cancelled)')
    .option('--team <team>', 'only jobs of this team')
    .option('--sort <field>', `sort by ${JOB_SORT_KEYS.join('|')} (prefix - for descending; default: submission order)`, sortKey(JOB_SORT_KEYS))
    .option('--limit <n>', 'at most N jobs (default 1000: the newest, or the first after --sort)', positiveInt('--limit'))
    .action(async (f: ClientFlags & { state?: string; team?: string; sort?: string; limit?: number; json?: boolean }) => {
      const jobs = await clientFrom(f).listJobs({ state: f.state, team: f.team, sort: f.sort, offset: f.sort ? 0 : undefined, limit: f.limit });
      if (f.json) printJson(jobs);
      else process.stdout.write(renderTable(jobs, summaryColumns) + '\n');
    });
  addClientOptions(job.command('show').description('A job with attempts, restarts, steps and result').argument('<id>'))
    .action(async (id: string, f: ClientFlags & { json?: boolean }) => {
      const j = await clientFrom(f).showJob(id);
      if (f.json) printJson(j);
      else process.stdout.write(showHuman(j));
    });
  addClientOptions(job.command('cancel').description('Cancel a job (its processes get SIGTERM, then SIGKILL)').argument('<id>'))
    .option('--reason <text>', 'recorded with the cancellation')
    .action(async (id: string, f: ClientFlags & { reason?: string; json?: boolean }) => {
      const j = await clientFrom(f).cancelJob(id, f.reason);
      if (f.json) printJson(j);
      else process.stdout.write(`${j.id} ${j.state}\n`);
    });
  addClientOptions(job.command('logs').description('Tail of the job’s stdout/stderr').argument('<id>'))
    .option('--attempt <n>', 'only this attempt', positiveInt('--attempt'))
    .option('--tail <n>', 'last N lines', positiveInt('--tail'), 200)
    .action(async (id: string, f: ClientFlags & { attempt?: number; tail: number; json?: boolean }) => {
      const r = await clientFrom(f).jobLogs(id, { attempt: f.attempt, tail: f.tail });
      if (f.json) printJson(r);
      else for (const l of r.lines) process.stdout.write(`[a${l.attempt} ${l.node} r${l.rank ?? '-'}${l.stream === 'stderr' ? ' err' : ''}] ${l.text.replace(/\n$/, '')}\n`);
    });
  addClientOptions(job.command('events').description('Every decision about the job, with its reason').argument('<id>'))
    .action(async (id: string, f: ClientFlags & { json?: boolean }) => {
      const { events } = await clientFrom(f).events({ jobId: id, limit: 10_000 });
      printEvents(events, f.json);
    });
}
