/**
 * Reliability calibration: every V and D record of reliability-fleet.json
 * against the simulator. A record is `expressed` (simulated value and error),
 * `context` (simulated under an assumption the record does not pin down, e.g.
 * a job size it does not give: shown, not scored) or `not expressible` (with the
 * reason). Counts come from Monte Carlo runs of the real simulator; age and
 * fail-slow ratios from the same functions the simulator uses.
 * Used by scripts/reliability-report.ts and calibration.test.ts.
 */
import { ageMultiplier, meanAgeMultiplier } from '../reliability/age-hazard.js';
import { COMPUTE_AGE, FAIL_SLOW, failSlowLoss, NETWORK_AGE, TDP_EXPONENT } from '../reliability/fleet-fit.js';
import { DEFAULT_FLEET, fleetFailureModel, type FleetGpu, type FleetOptions, type FleetPool } from '../reliability/fleet-model.js';
import { BYTECHECKPOINT_405B } from '../reliability/recovery-catalog.js';
import { sparePoolP99ForModel } from '../reliability/spare-sizing.js';
import { KIND_HARDWARE } from './config.js';
import { simulateRuns } from './monte-carlo.js';
import { buildScenario, type ScenarioInput } from './scenario.js';
import { summarizeRuns, type RunStats } from './summary.js';
import { NOT_EXPRESSIBLE } from './calibration-reasons.js';

export interface FleetRecord {
  id: string;
  status: string;
  quantity: string;
}

export interface Comparison {
  label: string;
  /** A number, or a [low, high] range, or a lower bound {atLeast}. */
  published: number | [number, number] | { atLeast: number };
  simulated: number;
  /** simulated ÷ published − 1; 0 inside a range or above a bound; relative distance to the nearest end otherwise. */
  error: number;
}

export interface CalibrationRow {
  id: string;
  status: string;
  quantity: string;
  kind: 'expressed' | 'context' | 'not expressible';
  how: string;
  comparisons: Comparison[];
}

export function errorOf(published: Comparison['published'], simulated: number): number {
  if (typeof published === 'number') return simulated / published - 1;
  if (Array.isArray(published)) return simulated < published[0] ? simulated / published[0] - 1 : simulated > published[1] ? simulated / published[1] - 1 : 0;
  return simulated >= published.atLeast ? 0 : simulated / published.atLeast - 1;
}

const cmp = (label: string, published: Comparison['published'], simulated: number): Comparison => ({ label, published, simulated, error: errorOf(published, simulated) });

const gpu = (id: string, generation: string, tdpW: number, hbmGb: number): FleetGpu => ({ id, generation, tdpW, hbmGb });
const A100_40 = gpu('A100-40GB', 'ampere', 400, 40);
const A100_80 = gpu('A100-80GB', 'ampere', 400, 80);
const H100 = gpu('H100-SXM5-80GB', 'hopper', 700, 80);
const GH200_H100 = gpu('H100-96GB (GH200)', 'hopper', 700, 96);

/** Monte Carlo of a job on `pools` for `days` from `opts.fleetAgeDays`, unlimited spares (counts do not depend on them). */
export function simulateFleet(pools: FleetPool[], opts: FleetOptions, days: number, runs: number, over: Partial<ScenarioInput> = {}): { stats: RunStats; input: ScenarioInput } {
  const gpus = pools.reduce((a, p) => a + p.gpus, 0);
  const input: ScenarioInput = {
    job: { gpus, gpusPerNode: 8, nodesPerRack: 8 },
    days,
    failures: fleetFailureModel(pools, opts),
    checkpoint: { interval: 'auto', ...BYTECHECKPOINT_405B },
    spares: 'unlimited',
    ...over,
  };
  const { config } = buildScenario(input);
  return { stats: summarizeRuns(config, simulateRuns(config, 20_250_312, 0, runs)), input };
}

const perGpuHourMtbe = (count: number, gpus: number, days: number) => (gpus * days * 24) / count;

function deltaMemory(runs: number): Comparison[] {
  const a = simulateFleet([{ gpu: A100_40, gpus: 448 }], { provider: 'onprem', fleetAgeDays: 0 }, 895, runs).stats;
  const h = simulateFleet([{ gpu: GH200_H100, gpus: 608 }], { provider: 'onprem', fleetAgeDays: 0 }, 146, runs).stats;
  return [
    cmp('A100-40GB per-GPU MTBE, h (895 d from new)', 283_271, perGpuHourMtbe(a.byCause.gpuHbm3Memory, 448, 895)),
    cmp('H100-96GB per-GPU MTBE, h (first 146 d)', 88_768, perGpuHourMtbe(h.byCause.gpuHbm3Memory, 608, 146)),
  ];
}

function aegisFleet(runs: number): { perWeek: Comparison; gpuShare: Comparison } {
  const hosts = 1_500;
  const pools = [{ gpu: A100_80, gpus: hosts * 4 }, { gpu: H100, gpus: hosts * 4 }];
  const s = simulateFleet(pools, { provider: 'cloud', fleetAgeDays: 365 }, 7, runs).stats;
  const k = s.interruptionsByKind;
  const host = ['hostMaintenanceUnplanned', 'hostSsd', 'hostPowerSupply', 'hostServerChassis', 'hostIoExpansionBoard', 'hostCpu', 'hostSystemMemory'].reduce((a, id) => a + (s.byCause[id] ?? 0), 0);
  return {
    perWeek: cmp('hardware failures per week, 1,500 hosts (A100:H100 1:1, cloud)', [100, 230], k.gpu + k.otherHardware),
    gpuShare: cmp('GPU share of GPU + host failures', 0.456 / (0.456 + 0.385), k.gpu / (k.gpu + host)),
  };
}

/** GPU-class rate ratio A100 : H100 (both mature, same provider) → MTTF ratio H100 : A100 … as A100 40 GB and 80 GB. */
function aegisGenerationRatio(runs: number): Comparison {
  const gpuRate = (g: FleetGpu) => simulateFleet([{ gpu: g, gpus: 16_384 }], { provider: 'cloud', fleetAgeDays: 365 }, 54, runs).stats.interruptionsByKind.gpu;
  const h = gpuRate(H100);
  const lo = h / gpuRate(A100_80);
  const hi = h / gpuRate(A100_40);
  const c = cmp('MTTF A100 ÷ MTTF H100 (A100 80 GB … 40 GB)', 2, hi);
  return { ...c, simulated: hi, label: `${c.label}: ${lo.toFixed(2)} … ${hi.toFixed(2)}`, error: Math.abs(errorOf(2, lo)) < Math.abs(errorOf(2, hi)) ? errorOf(2, lo) : errorOf(2, hi) };
}

function trainMoverRestart(): Comparison {
  const input: ScenarioInput = { job: { gpus: 8192, gpusPerNode: 8, nodesPerRack: 8 }, days: 1, failures: fleetFailureModel([{ gpu: H100, gpus: 8192 }], DEFAULT_FLEET), checkpoint: { interval: 'auto', ...BYTECHECKPOINT_405B } };
  const hw = buildScenario(input).config.causes.filter((c) => c.kind === KIND_HARDWARE);
  const rate = hw.reduce((a, c) => a + c.ratePerS, 0);
  const meanS = hw.reduce((a, c) => a + c.ratePerS * (c.detectMeanS + c.restartS), 0) / rate;
  return cmp('restart after a hardware failure, 8,192 GPUs, min', 6.47, meanS / 60);
}

function greyhound(): Comparison[] {
  const pts: [string, number, number, number][] = [
    ['1 node (H800 probes)', 1, 0.0153, 0.1179],
    ['4 nodes (A100 probes)', 4, 0.402, 0.1545],
    ['512–1,024 GPUs (production)', Math.sqrt(64 * 128), 0.593, 0.3459],
  ];
  return pts.map(([label, nodes, frac, slow]) => cmp(`throughput lost to fail-slow, ${label}: share × (1 − 1/(1 + slowdown))`, frac * (1 - 1 / (1 + slow)), failSlowLoss(nodes, FAIL_SLOW.maxLoss.cloud)));
}

type Expr = (runs: number) => Omit<CalibrationRow, 'id' | 'status' | 'quantity'>;

const EXPRESSIONS: Readonly<Record<string, Expr>> = {
  'delta-uncorrectable-ecc-per-gpu': (runs) => ({ kind: 'expressed', how: 'Monte Carlo: HBM failures (they end the job) on 448 A100-40GB for 895 d and 608 H100-96GB for 146 d, on premises, from age 0', comparisons: deltaMemory(runs) }),
  'delta-gpu-replacement-rate': () => ({
    kind: 'expressed',
    how: 'GPU compute failure rate H100 (first 146 d) ÷ A100 (first 895 d): TDP rule × mean age multipliers',
    comparisons: [cmp('H100 ÷ A100 replacement rate', 0.00822 / 0.00364, (700 / 400) ** TDP_EXPONENT * (meanAgeMultiplier(COMPUTE_AGE, 0, 146) / meanAgeMultiplier(COMPUTE_AGE, 0, 895)))],
  }),
  'aegis-critical-failures-per-week': (runs) => ({ kind: 'expressed', how: 'Monte Carlo, cloud, 365 d; host count assumed 1,500 (the record brackets 1,000–2,000)', comparisons: [aegisFleet(runs).perWeek] }),
  'aegis-failure-mix': (runs) => ({
    kind: 'expressed',
    how: 'Monte Carlo as above; GPU vs host split only. The network share (15.8% of tickets) is not expressed: Alibaba\'s own jobs see 1–2 network crashes a month (hpn-job-crashes-from-network), so most network tickets do not end a job and the cloud preset keeps on-premises network rates',
    comparisons: [aegisFleet(runs).gpuShare],
  }),
  'aegis-gpu-mttf-a100-h100': (runs) => ({
    kind: 'expressed',
    how: 'ratio only (the failure definition is not given and the per-GPU MTTFs are 8–17× any job-interruption rate): Monte Carlo GPU failures of 16,384 GPUs, 54 d, cloud, mature; A100 capacity not stated, so 40 and 80 GB',
    comparisons: [aegisGenerationRatio(runs)],
  }),
  'aegis-delivery-link-contamination': () => ({ kind: 'expressed', how: 'network hazard at age 0 ÷ mature (NETWORK_AGE)', comparisons: [cmp('link failures at delivery, × normal', [10, 20], ageMultiplier(NETWORK_AGE, 0))] }),
  'greyhound-failslow-by-scale': () => ({ kind: 'expressed', how: 'fail-slow loss L(n) of the cloud preset (FAIL_SLOW)', comparisons: greyhound() }),
  'prism-variability': () => ({
    kind: 'expressed',
    how: 'on-premises fail-slow loss at 8,000 nodes; the 9% GPU-time variability read as a 0.09/1.09 throughput loss (U)',
    comparisons: [cmp('throughput lost to fail-slow at 64k GPUs (9% variability)', 0.09 / 1.09, failSlowLoss(8000, FAIL_SLOW.maxLoss.onprem))],
  }),
  'titan-5yr-degradation': () => ({ kind: 'expressed', how: 'GPU compute hazard at 6.6 y ÷ at 1.25 y (Titan record 2014–2019, installed late 2012)', comparisons: [cmp('hazard end ÷ beginning', { atLeast: 2 }, ageMultiplier(COMPUTE_AGE, 6.6 * 365) / ageMultiplier(COMPUTE_AGE, 1.25 * 365))] }),
  'trainmover-restart-breakdown': () => ({ kind: 'expressed', how: 'mean detection + in-place restart (ByteRobust hot update + NCCL init + warm-up) + checkpoint load (ByteCheckpoint 405B) over hardware causes', comparisons: [trainMoverRestart()] }),
  'titan-hazard-by-age': () => ({
    kind: 'expressed',
    how: 'shape only (Kepler removals): replacement batch hazard in year 3 ÷ year 1 against the GPU compute age hazard',
    comparisons: [cmp('hazard age 2–3 y ÷ age 0–1 y', 0.0046 / 0.0022, meanAgeMultiplier(COMPUTE_AGE, 730, 1095) / meanAgeMultiplier(COMPUTE_AGE, 0, 365))],
  }),
  'ampere-memory-errors-3systems': () => {
    const perGpuDay = fleetFailureModel([{ gpu: A100_40, gpus: 1 }], DEFAULT_FLEET).causes.find((c) => c.id === 'gpuHbm3Memory')!.rate * 24;
    return {
      kind: 'expressed',
      how: 'HBM failure rate of a mature on-premises A100-40GB per GPU-day (the simulator has one HBM cause: every uncorrectable error ends the job)',
      comparisons: [cmp('Delta DBE events per GPU-day', 6.07e-6, perGpuDay), cmp('Polaris', 7.58e-5, perGpuDay), cmp('Perlmutter', 3.11e-5, perGpuDay)],
    };
  },
  'hpn-job-crashes-from-network': (runs) => {
    const at = (gpus: number) => simulateFleet([{ gpu: H100, gpus }], { provider: 'cloud', fleetAgeDays: 365 }, 30.4, runs).stats;
    const net = (s: RunStats) => (s.byCause.networkSwitchOrCable ?? 0) + (s.byCause.hostNic ?? 0);
    return { kind: 'context', how: 'job size not given ("jobs up to ~3K GPUs"): network interruptions per job-month at 1,024 and 3,072 GPUs, cloud', comparisons: [cmp('1,024 GPUs', [1, 2], net(at(1024))), cmp('3,072 GPUs', [1, 2], net(at(3072)))] };
  },
  'hpn-backup-gpus': () => {
    const m = fleetFailureModel([{ gpu: H100, gpus: 1024 }], { provider: 'cloud', fleetAgeDays: 365 });
    return { kind: 'context', how: "a design reserve whose sizing rule is not published: our P99 of nodes in repair for 1,024 cloud GPUs (sparePoolP99ForModel), in GPUs", comparisons: [cmp('backup GPUs per 1,024', 64, sparePoolP99ForModel(m, 128, 8).spares * 8)] };
  },
  'minder-faults-per-task-day': (runs) => {
    const at = (machines: number) => simulateFleet([{ gpu: H100, gpus: machines * 8 }], DEFAULT_FLEET, 10, runs).stats.unexpectedInterruptions.mean / 10;
    return { kind: 'context', how: 'task size not given ("up to thousands of machines"): interruptions per day at 256 and 1,024 machines, on premises', comparisons: [cmp('256 machines', 2, at(256)), cmp('1,024 machines', 2, at(1024))] };
  },
  'nvidia-dgxcloud-downtime': (runs) => {
    const share = (provider: 'onprem' | 'cloud', gpus: number) => {
      const s = simulateFleet([{ gpu: H100, gpus }], { provider, fleetAgeDays: 365 }, 30, runs).stats;
      return 1 - s.ettr.mean - s.lostGpuHoursBy.checkpointing / (gpus * 30 * 24);
    };
    return {
      kind: 'context',
      how: "an upper bound with NVIDIA's own failover, whose restart time is not published: time lost to failures at 2,048 and 10,240 GPUs with our restart times",
      comparisons: [cmp('on premises, 2,048 GPUs', [0, 0.01], share('onprem', 2048)), cmp('on premises, 10,240 GPUs', [0, 0.01], share('onprem', 10_240)), cmp('cloud, 10,240 GPUs', [0, 0.01], share('cloud', 10_240))],
    };
  },
  'falcon-jct': () => ({
    kind: 'context',
    how: 'mean slowdown of affected large jobs implied by the fail-slow loss at 512–1,024 GPUs and Greyhound\'s 59% of such jobs affected',
    comparisons: [cmp('JCT delay of affected jobs, ×', 1.34, 1 / (1 - failSlowLoss(Math.sqrt(64 * 128), FAIL_SLOW.maxLoss.cloud) / 0.593))],
  }),
};

/** The calibration table for the given records (V and D only, in file order). */
export function calibrate(records: readonly FleetRecord[], runs = 100): CalibrationRow[] {
  return records
    .filter((r) => r.status === 'V' || r.status === 'D')
    .map((r) => {
      const base = { id: r.id, status: r.status, quantity: r.quantity };
      const expr = EXPRESSIONS[r.id];
      if (expr) return { ...base, ...expr(runs) };
      return { ...base, kind: 'not expressible' as const, how: NOT_EXPRESSIBLE[r.id] ?? 'no expression or reason recorded', comparisons: [] };
    });
}

export const KNOWN_RECORD_IDS = (): string[] => [...Object.keys(EXPRESSIONS), ...Object.keys(NOT_EXPRESSIBLE)];
