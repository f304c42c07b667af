/**
 * The end of `colossus twin --until-days D`: the twin's report (src/twin/report.ts)
 * beside `colossus simulate` for the same cluster, flagship size, model, failure
 * rates (provider, fleet age), days and seed. Loaded only when the report is due.
 */
import { buildScenario } from '../../core/sim/scenario.js';
import { summarizeRuns } from '../../core/sim/summary.js';
import { twinReport, type TwinReport } from '../../twin/report.js';
import type { Twin } from '../../twin/twin.js';
import type { Provider } from '../../core/reliability/types.js';
import { simulateSetup } from '../simulate-options.js';
import { runMonteCarlo } from '../simulate-runner.js';

/** Runs of the simulate comparison (its 5th–95th percentile band says how far one twin run may fall). */
const SIMULATE_RUNS = 200;

export interface TwinVsSimulate extends TwinReport {
  simulate: {
    command: string;
    runs: number;
    ettr: { mean: number; p5: number; p95: number };
    interruptions: { mean: number; p5: number; p95: number };
    byCause: Record<string, number>;
    lostGpuHours: { mean: number; p5: number; p95: number };
  };
}

export async function compareWithSimulate(twin: Twin, f: { cluster: string; model: string; failureRates?: string; provider?: Provider; fleetAgeDays?: number; days: number; seed: number }): Promise<TwinVsSimulate> {
  const report = twinReport(twin);
  const gpus = report.flagship.gpus;
  const setup = simulateSetup({ cluster: f.cluster, gpus, days: Math.max(f.days, 1 / 24), model: f.model, failureRates: f.failureRates, provider: f.provider, fleetAgeDays: f.fleetAgeDays, checkpointIntervalMin: 'auto', runs: SIMULATE_RUNS, seed: f.seed });
  const { config } = buildScenario(setup.input);
  const [rows] = await runMonteCarlo([setup.input], f.seed, SIMULATE_RUNS, 1);
  const s = summarizeRuns(config, rows);
  const band = (b: { mean: number; p5: number; p95: number }) => ({ mean: b.mean, p5: b.p5, p95: b.p95 });
  return {
    ...report,
    simulate: {
      command: `colossus simulate --cluster ${f.cluster} --gpus ${gpus} --days ${f.days} --model ${f.model}${f.failureRates ? ` --failure-rates ${f.failureRates}` : ''}${f.provider ? ` --provider ${f.provider}` : ''}${f.fleetAgeDays !== undefined ? ` --fleet-age-days ${f.fleetAgeDays}` : ''} --runs ${SIMULATE_RUNS} --seed ${f.seed}`,
      runs: SIMULATE_RUNS, ettr: band(s.ettr), interruptions: band(s.interruptions), byCause: s.byCause, lostGpuHours: band(s.lostGpuHours),
    },
  };
}

const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
const pc = (x: number) => `${(100 * x).toFixed(1)} %`;

export function renderTwinReport(r: TwinVsSimulate): string {
  const f = r.flagship, s = r.simulate;
  const causes = [...new Set([...Object.keys(f.interruptionsByCause), ...Object.keys(s.byCause)])]
    .filter((c) => (f.interruptionsByCause[c] ?? 0) > 0 || (s.byCause[c] ?? 0) >= 0.05)
    .sort((a, b) => (s.byCause[b] ?? 0) - (s.byCause[a] ?? 0));
  const lines = [
    `\ncolossus twin: report after ${r.virtualDays.toFixed(2)} virtual days (flagship ${n0(f.gpus)} GPUs, ${f.runs} run(s), ${(f.tokensTrained / 1e12).toFixed(2)} T tokens trained)`,
    '',
    '                           twin        simulate (mean, 5th–95th pct)',
    `  goodput / ETTR       ${pc(f.goodput).padStart(9)}        ${pc(s.ettr.mean)} (${pc(s.ettr.p5)}–${pc(s.ettr.p95)})`,
    `  interruptions        ${String(f.interruptions).padStart(9)}        ${s.interruptions.mean.toFixed(1)} (${s.interruptions.p5.toFixed(0)}–${s.interruptions.p95.toFixed(0)})`,
    `  lost GPU-hours       ${n0(f.unproductiveGpuHours).padStart(9)}        ${n0(s.lostGpuHours.mean)} (${n0(s.lostGpuHours.p5)}–${n0(s.lostGpuHours.p95)})`,
    `    of which recomputed steps + restarts (twin): ${n0(f.lostWorkGpuHours)}`,
    '',
    '  interruptions by cause   twin   simulate',
    ...causes.map((c) => `    ${c.padEnd(26)} ${String(f.interruptionsByCause[c] ?? 0).padStart(4)}   ${(s.byCause[c] ?? 0).toFixed(1).padStart(8)}`),
    '',
    `  fleet: ${n0(r.fleet.failures)} failures, ${n0(r.fleet.repairs)} repairs; jobs ${Object.entries(r.fleet.jobsByState).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `  simulate: ${s.command}`,
    '',
  ];
  return lines.join('\n');
}
