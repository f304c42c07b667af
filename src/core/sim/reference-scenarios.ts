/** Reference scenarios (Llama 3 job, Kokolis et al. settings) shared by the validation tests, the benchmark and the docs. */
import { failurePreset } from '../reliability/presets.js';
import type { FailureModel } from '../reliability/types.js';
import { simulateRuns } from './monte-carlo.js';
import { buildScenario, type ScenarioInput } from './scenario.js';
import { summarizeRuns, type RunStats } from './summary.js';

export const H100_JOB = (gpus: number) => ({ gpus, gpusPerNode: 8, nodesPerRack: 8 });

export function scenario(over: Partial<ScenarioInput> & { failures?: FailureModel } = {}): ScenarioInput {
  return {
    job: H100_JOB(16_384),
    days: 54,
    failures: failurePreset('llama3-h100'),
    checkpoint: { interval: 'auto', blockingS: 0.59, persistS: 51.06, loadS: 129.49 },
    ...over,
  };
}

export function simulate(input: ScenarioInput, runs: number, seed = 1): RunStats {
  const { config } = buildScenario(input);
  return summarizeRuns(config, simulateRuns(config, seed, 0, runs));
}

/** Kokolis et al. setting: Poisson node failures, restart u0, non-blocking checkpoints every Δ. */
export function kokolisScenario(preset: 'rsc1-a100' | 'rsc2-a100', nodes: number, intervalMin: number, restartS: number): ScenarioInput {
  return scenario({
    job: H100_JOB(nodes * 8),
    failures: failurePreset(preset),
    checkpoint: { interval: intervalMin * 60, blockingS: 0, persistS: 0, loadS: 0 },
    restartS,
  });
}
