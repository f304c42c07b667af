/**
 * Per-job Prometheus series for jobs that are not over (queued, running,
 * recovering): their number is bounded by what the fleet runs at once, not by
 * history. Labels: job (id), team, name. Scrape with `honor_labels: true` so
 * Prometheus keeps our `job` label instead of renaming it `exported_job`.
 */
import type { Controller } from '../core/control/controller.js';
import { jobThroughput } from '../core/control/throughput.js';
import { attemptsOf } from '../core/control/views.js';
import { familyText } from '../protocol/prometheus.js';

const LIVE_STATES = new Set(['queued', 'running', 'recovering']);
type Sample = [Record<string, string>, number];

const FAMILIES = [
  ['colossus_job_tokens_per_second', 'gauge', 'Tokens trained per second at the achieved step time (jobs with a plan)'],
  ['colossus_job_step', 'gauge', 'Last step rank 0 reported'],
  ['colossus_job_goodput_ratio', 'gauge', 'Productive time / wall time since the first attempt started'],
  ['colossus_job_mfu_ratio', 'gauge', 'Model FLOPs utilisation: FLOPs per token x tokens/s / (GPUs x dense peak)'],
  ['colossus_job_restarts_total', 'counter', 'Restarts after failures (preemptions not counted)'],
  ['colossus_job_step_seconds', 'gauge', 'Achieved mean step time of the current or last attempt'],
  ['colossus_job_planned_step_seconds', 'gauge', 'Step time of the job plan'],
  ['colossus_job_eta_seconds', 'gauge', 'Time to the token budget at the achieved pace and goodput'],
  ['colossus_job_gpus', 'gauge', 'GPUs the job asks for'],
  ['colossus_job_running', 'gauge', '1 while the job holds a running attempt, else 0'],
] as const;

export function jobMetricsText(ctl: Controller): string {
  const samples = new Map<string, Sample[]>(FAMILIES.map(([n]) => [n, []]));
  const put = (name: string, l: Record<string, string>, v: number | null) => {
    if (v !== null) samples.get(name)!.push([l, v]);
  };
  const now = ctl.now();
  for (const j of ctl.jobs.values()) {
    if (!LIVE_STATES.has(j.state)) continue;
    const t = jobThroughput(j, attemptsOf(ctl, j), now);
    const l = { job: j.id, team: j.spec.team, name: j.spec.name };
    put('colossus_job_tokens_per_second', l, t.tokensPerS);
    put('colossus_job_step', l, j.lastStep ?? 0);
    put('colossus_job_goodput_ratio', l, t.goodput);
    put('colossus_job_mfu_ratio', l, t.mfu);
    put('colossus_job_restarts_total', l, j.restarts);
    put('colossus_job_step_seconds', l, t.achievedStepS);
    put('colossus_job_planned_step_seconds', l, t.plannedStepS);
    put('colossus_job_eta_seconds', l, t.etaS);
    put('colossus_job_gpus', l, j.spec.gpus);
    put('colossus_job_running', l, j.state === 'running' ? 1 : 0);
  }
  return FAMILIES.map(([name, type, help]) => familyText(name, type, help, samples.get(name)!)).join('');
}
