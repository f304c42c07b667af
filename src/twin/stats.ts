/**
 * What the twin counts for the dashboard: failures and job interruptions by
 * cause and by virtual day, lost work, and each job's step/loss series.
 */

export interface SeriesPoint {
  tS: number;
  step: number;
  loss: number;
}

/** A bounded series: when full, every other point is dropped (keeps the shape). */
export class Series {
  points: SeriesPoint[] = [];
  constructor(private readonly cap = 4000) {}
  push(p: SeriesPoint): void {
    this.points.push(p);
    if (this.points.length > this.cap) this.points = this.points.filter((_, i) => i % 2 === 0 || i === this.points.length - 1);
  }

  /** Keeps at most `maxPoints` (≥ 2) evenly spaced points, the first and the last among them. */
  compact(maxPoints: number): void {
    const n = this.points.length;
    if (n <= maxPoints) return;
    const out: SeriesPoint[] = [];
    for (let k = 0; k < maxPoints; k++) out.push(this.points[Math.round((k * (n - 1)) / (maxPoints - 1))]);
    this.points = out;
  }
}

export interface JobLoss {
  /** Steps computed and then lost to failures (progress past the last checkpoint). */
  lostSteps: number;
  /** Virtual seconds of those steps plus the restart overheads. */
  lostS: number;
  /** Interruptions of this job by cause. */
  interruptions: Record<string, number>;
}

export class TwinStats {
  /** Every failure injected, by cause. */
  readonly failuresByCause: Record<string, number> = {};
  /** Interruptions of running jobs per virtual day, by cause. */
  readonly interruptionsByDay: Record<string, number>[] = [];
  readonly jobLoss = new Map<string, JobLoss>();
  readonly series = new Map<string, Series>();
  repairsDone = 0;
  /** Background arrivals not submitted because the queue was full. */
  arrivalsDropped = 0;

  failure(cause: string): void {
    this.failuresByCause[cause] = (this.failuresByCause[cause] ?? 0) + 1;
  }

  interruption(jobId: string, cause: string, nowS: number): void {
    const day = Math.floor(nowS / 86_400);
    while (this.interruptionsByDay.length <= day) this.interruptionsByDay.push({});
    const d = this.interruptionsByDay[day];
    d[cause] = (d[cause] ?? 0) + 1;
    const l = this.loss(jobId);
    l.interruptions[cause] = (l.interruptions[cause] ?? 0) + 1;
  }

  loss(jobId: string): JobLoss {
    let l = this.jobLoss.get(jobId);
    if (!l) this.jobLoss.set(jobId, (l = { lostSteps: 0, lostS: 0, interruptions: {} }));
    return l;
  }

  point(jobId: string, p: SeriesPoint): void {
    let s = this.series.get(jobId);
    if (!s) this.series.set(jobId, (s = new Series()));
    s.push(p);
  }
}
