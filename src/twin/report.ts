/**
 * The report `colossus twin --until-days D` prints at the end: what the flagship
 * got out of the fleet (goodput, interruptions by cause, lost GPU-hours) over all
 * its runs, and what the fleet went through. The CLI puts `colossus simulate`'s
 * figures for the same settings beside it.
 */
import type { Twin } from './twin.js';

export interface TwinReport {
  virtualDays: number;
  flagship: {
    runs: number;
    gpus: number;
    /** Productive time (surviving steps × planned step time) ÷ elapsed virtual time, over all runs. */
    goodput: number;
    interruptions: number;
    interruptionsByCause: Record<string, number>;
    restarts: number;
    /** (1 − goodput) × the flagship's GPU-hours: everything not spent on surviving steps. */
    unproductiveGpuHours: number;
    /** Of which: steps computed and then lost, plus restart overheads. */
    lostWorkGpuHours: number;
    tokensTrained: number;
  };
  fleet: { failures: number; failuresByCause: Record<string, number>; repairs: number; jobsByState: Record<string, number> };
}

export function twinReport(twin: Twin): TwinReport {
  const { ctl, mix, stats } = twin;
  const elapsedS = Math.max(1, twin.nowS);
  let productiveS = 0, lostS = 0, restarts = 0, tokens = 0;
  const byCause: Record<string, number> = {};
  for (const id of mix.flagshipIds) {
    const job = ctl.jobs.get(id);
    const plan = mix.plans.get(id) ?? mix.flagship;
    if (!job) continue;
    // Surviving steps: all of a finished run; a running one's last step; else up to its checkpoint.
    const steps = job.state === 'succeeded' ? plan.totalSteps : job.state === 'running' ? (job.lastStep ?? 0) : (job.lastCheckpointStep ?? 0);
    productiveS += steps * plan.stepTimeS;
    tokens += steps * plan.tokensPerStep;
    restarts += job.restarts;
    const loss = stats.jobLoss.get(id);
    lostS += loss?.lostS ?? 0;
    for (const [c, n] of Object.entries(loss?.interruptions ?? {})) byCause[c] = (byCause[c] ?? 0) + n;
  }
  const gpus = mix.flagship.gpus;
  const goodput = Math.min(1, productiveS / elapsedS);
  const jobsByState: Record<string, number> = { ...twin.memory.trimmedJobs };
  for (const j of ctl.jobs.values()) jobsByState[j.state] = (jobsByState[j.state] ?? 0) + 1;
  return {
    virtualDays: twin.nowS / 86_400,
    flagship: {
      runs: mix.flagshipRuns, gpus, goodput, interruptions: Object.values(byCause).reduce((a, b) => a + b, 0), interruptionsByCause: byCause, restarts,
      unproductiveGpuHours: ((1 - goodput) * elapsedS * gpus) / 3600, lostWorkGpuHours: (lostS * gpus) / 3600, tokensTrained: tokens,
    },
    fleet: { failures: Object.values(stats.failuresByCause).reduce((a, b) => a + b, 0), failuresByCause: { ...stats.failuresByCause }, repairs: stats.repairsDone, jobsByState },
  };
}
