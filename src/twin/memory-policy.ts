/**
 * The twin's memory policy for long runs. The control plane keeps jobs and
 * attempts in memory and the twin keeps per-job series and plans; over virtual
 * days, ended background jobs (~180 a day at 100k GPUs, each with several
 * attempts after preemptions) and their step/loss series would grow the live
 * heap without bound, and V8 sizes the heap to a multiple of what is live.
 *
 * What leaves memory, only once its final state is committed to the store (the
 * store keeps everything):
 * - an ended attempt of more than `bigAttemptNodes` nodes (a flagship attempt
 *   holds ~11,000 parts), beyond the last `keepBigAttempts` of its job;
 * - an ended job (not the flagship), with its attempts, series, lost-work record
 *   and plan, beyond the last `keepEndedJobs` ended jobs. Their final states are
 *   counted in `trimmedJobs` so the dashboard's job counts stay whole.
 * A job's step/loss series is also downsampled to `endedSeriesPoints` when it ends.
 */
import type { Controller } from '../core/control/controller.js';
import type { AttemptRec, JobRec } from '../core/control/types.js';
import type { TwinStats } from './stats.js';

/** What the policy needs of the twin (the Twin implements it; no import of twin.ts, so no cycle). */
export interface MemoryHost {
  readonly ctl: Controller;
  readonly stats: TwinStats;
  readonly runs: ReadonlyMap<string, unknown>;
  readonly mix: { readonly flagshipId: string | null; readonly plans: Map<string, unknown> };
}

/** Limits of the memory policy (counts). */
export interface MemoryLimits {
  /** Attempts over this many nodes are big (default 64) … */
  bigAttemptNodes?: number;
  /** … and each job keeps this many big attempts in memory (default 10). */
  keepBigAttempts?: number;
  /** Ended jobs kept in memory, besides the flagship (default 200). */
  keepEndedJobs?: number;
  /** Points an ended job's step/loss series keeps (default 240). */
  endedSeriesPoints?: number;
}

/** What ended before a commit: evictable once that commit has resolved. */
export interface Evictable {
  attempts: string[];
  jobs: string[];
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

export class MemoryPolicy {
  /** Jobs that left memory, by final state. */
  readonly trimmedJobs: Record<string, number> = {};
  private endedBig: string[] = [];
  private endedJobs: string[] = [];
  /** Committed ended jobs still in memory, oldest first. */
  private readonly keptJobs: string[] = [];

  constructor(
    private readonly twin: MemoryHost,
    private readonly limits: MemoryLimits,
  ) {}

  private get bigNodes(): number {
    return this.limits.bigAttemptNodes ?? 64;
  }

  /** The twin settled an ended attempt. */
  attemptEnded(att: AttemptRec): void {
    if (att.parts.length > this.bigNodes) this.endedBig.push(att.id);
  }

  /** The twin stopped following an ended job: shrink its series, queue it. */
  jobEnded(job: JobRec): void {
    this.twin.stats.series.get(job.id)?.compact(this.limits.endedSeriesPoints ?? 240);
    if (job.id !== this.twin.mix.flagshipId) this.endedJobs.push(job.id);
  }

  /** Call just before a commit; pass the result to `evict` once the commit has resolved. */
  take(): Evictable {
    const out = { attempts: this.endedBig, jobs: this.endedJobs };
    this.endedBig = [];
    this.endedJobs = [];
    return out;
  }

  evict(e: Evictable): void {
    const ctl = this.twin.ctl;
    for (const id of e.attempts) {
      const att = ctl.attempts.get(id);
      const job = att ? ctl.jobs.get(att.jobId) : undefined;
      if (!att || !job || att.parts.some((p) => !p.exited)) continue;
      // A finished flagship run (the next one has started) keeps only its last big attempt.
      const keep = TERMINAL.has(job.state) ? 1 : (this.limits.keepBigAttempts ?? 10);
      const big = job.attemptIds.filter((a) => (ctl.attempts.get(a)?.parts.length ?? 0) > this.bigNodes);
      if (big.indexOf(id) < big.length - keep) ctl.attempts.delete(id);
      else this.endedBig.push(id);
    }
    for (const j of e.jobs) this.keptJobs.push(j); // not push(...): the list can be long
    const max = this.limits.keepEndedJobs ?? 200;
    while (this.keptJobs.length > max) this.dropJob(this.keptJobs.shift()!);
  }

  private dropJob(id: string): void {
    const ctl = this.twin.ctl;
    const job = ctl.jobs.get(id);
    if (!job || !TERMINAL.has(job.state) || ctl.liveAttempt(job)) return;
    if (job.attemptIds.some((a) => this.twin.runs.has(a) || ctl.attempts.get(a)?.parts.some((p) => !p.exited))) return;
    for (const a of job.attemptIds) ctl.attempts.delete(a);
    ctl.jobs.delete(id);
    this.trimmedJobs[job.state] = (this.trimmedJobs[job.state] ?? 0) + 1;
    this.twin.stats.series.delete(id);
    this.twin.stats.jobLoss.delete(id);
    this.twin.mix.plans.delete(id);
  }
}
