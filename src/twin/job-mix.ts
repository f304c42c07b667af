/**
 * Submits the twin's jobs through the control plane: the flagship first (highest
 * priority, effectively unlimited restarts), then background jobs from several
 * teams arriving as a Poisson process sized to keep the rest of the fleet busy.
 * Jobs submitted by users through the API get a generic plan (1 h at 5 s/step).
 */
import type { Controller } from '../core/control/controller.js';
import type { JobRec } from '../core/control/types.js';
import type { Cluster } from '../core/cluster/types.js';
import type { ModelSpec } from '../core/model/types.js';
import { exponential } from '../core/sim/distributions.js';
import { Rng, streamKey } from '../core/sim/rng.js';
import type { TwinCause } from './failures.js';
import { TEMPLATES, flagshipGpus, planJob, specPlanOf, type JobPlan, type PlanSoftware, type Template } from './workloads.js';
import { getModelPreset } from '../core/model/catalog.js';
import { ColossusError } from '../core/errors.js';

/** Default token budget of the flagship: 15 T tokens (Llama 3's pre-training corpus, Meta 2024). */
export const DEFAULT_FLAGSHIP_TOKENS = 15e12;

export class JobMix {
  readonly plans = new Map<string, JobPlan>();
  flagshipId: string | null = null;
  readonly flagship: JobPlan;
  private readonly rng: Rng;
  private readonly templates: Template[];
  private readonly templatePlans = new Map<Template, JobPlan>();
  private readonly meanGapS: number;
  private counter = 0;
  /** Flagship runs submitted (a run that has trained its tokens is followed by the next), by job id. */
  readonly flagshipIds: string[] = [];
  get flagshipRuns(): number {
    return this.flagshipIds.length;
  }

  constructor(readonly cluster: Cluster, model: ModelSpec, seed: number, causes: TwinCause[], flagshipTokens = DEFAULT_FLAGSHIP_TOKENS, software?: PlanSoftware) {
    this.rng = Rng.fromKey(streamKey(seed, 0x10b5));
    const gpus = flagshipGpus(cluster);
    const unexpectedPerS = causes.filter((c) => c.kind !== 'planned').reduce((s, c) => s + c.ratePerS * (c.scope === 'job' ? 1 : gpus / cluster.gpus), 0);
    const mtbiS = unexpectedPerS > 0 ? 1 / unexpectedPerS : 86_400;
    const plan = planJob(cluster, { name: `${model.name}-pretrain`, team: 'pretrain', model, gpus, priority: 100, maxRestarts: 10_000, durationS: 0, tokens: flagshipTokens, mtbiS, software });
    if (!plan) {
      throw new ColossusError('usage', `the flagship ${model.name} does not fit this cluster: no layout of it fits ${gpus.toLocaleString('en-US')} GPUs (92 % of ${cluster.gpus.toLocaleString('en-US')}) of ${cluster.name}`, {
        where: '--gpus',
        hint: 'give more GPUs (--gpus), a larger --cluster, or a smaller --model (e.g. llama3-8b)',
      });
    }
    this.flagship = plan;
    const spare = cluster.gpus - gpus;
    const maxGpus = Math.max(8, Math.floor(spare / 2));
    for (const t of TEMPLATES) {
      if (t.gpus > maxGpus) continue;
      const p = planJob(cluster, { name: t.prefix, team: t.team, model: getModelPreset(t.model), gpus: t.gpus, priority: t.priority, maxRestarts: 3, durationS: t.medianS, mtbiS: 86_400 * 30, software });
      if (p) this.templatePlans.set(t, p);
    }
    this.templates = TEMPLATES.filter((t) => this.templatePlans.has(t));
    const w = this.templates.reduce((s, t) => s + t.weight, 0);
    const meanGpuS = this.templates.reduce((s, t) => s + (t.weight / w) * t.gpus * t.medianS * Math.exp(0.18), 0);
    // Offered load ≈ 85 % of the GPUs the flagship leaves free.
    this.meanGapS = meanGpuS > 0 && spare > 0 ? meanGpuS / (0.85 * spare) : Infinity;
  }

  submitInitial(ctl: Controller): void {
    this.submitFlagship(ctl);
    const initial = Number.isFinite(this.meanGapS) ? Math.min(200, Math.round((6 * 3600) / this.meanGapS)) : 0;
    for (let i = 0; i < initial; i++) this.submitNext(ctl);
  }

  /** Submits the next flagship run (the first, or the one after a run trained its tokens). */
  submitFlagship(ctl: Controller): JobRec {
    const f = this.flagship;
    const name = this.flagshipIds.length === 0 ? f.name : `${f.name}-${this.flagshipIds.length + 1}`;
    const job = ctl.submitJob({ name, gpus: f.gpus, priority: f.priority, team: f.team, maxRestarts: f.maxRestarts, command: ['python', '-m', 'train', '--model', f.model, '--layout', f.layout], cwd: null, env: { MODEL: f.model, ...f.env }, gracePeriodS: 30, plan: specPlanOf(f) });
    this.flagshipId = job.id;
    this.flagshipIds.push(job.id);
    this.plans.set(job.id, { ...f, name });
    return job;
  }

  nextArrivalGapS(): number {
    return Number.isFinite(this.meanGapS) ? exponential(this.rng, 1 / this.meanGapS) : 1e12;
  }

  submitNext(ctl: Controller): JobRec | null {
    if (this.templates.length === 0) return null;
    const total = this.templates.reduce((s, t) => s + t.weight, 0);
    let x = this.rng.nextFloat() * total;
    const t = this.templates.find((tt) => (x -= tt.weight) < 0) ?? this.templates[0];
    const base = this.templatePlans.get(t)!;
    const durationS = t.medianS * Math.exp(0.6 * (this.rng.nextFloat() + this.rng.nextFloat() + this.rng.nextFloat() - 1.5) * 2);
    const plan: JobPlan = { ...base, name: `${t.prefix}-${String(++this.counter).padStart(4, '0')}`, totalSteps: Math.max(10, Math.round(durationS / base.stepTimeS)) };
    const job = ctl.submitJob({ name: plan.name, gpus: plan.gpus, priority: plan.priority, team: plan.team, maxRestarts: 3, command: ['python', '-m', 'train', '--model', plan.model], cwd: null, env: { MODEL: plan.model, ...plan.env }, gracePeriodS: 30, plan: specPlanOf(plan) });
    this.plans.set(job.id, plan);
    return job;
  }

  /** The plan of a job (a generic one for jobs the twin did not submit). */
  planFor(job: JobRec): JobPlan {
    let p = this.plans.get(job.id);
    if (!p) {
      p = { ...this.flagship, name: job.spec.name, team: job.spec.team, gpus: job.spec.gpus, priority: job.spec.priority, stepTimeS: 5, totalSteps: 720, checkpointEverySteps: 60, logEverySteps: 2, startupS: 30, checkpointBlockingS: 1, layout: 'generic' };
      this.plans.set(job.id, p);
    }
    return p;
  }
}
