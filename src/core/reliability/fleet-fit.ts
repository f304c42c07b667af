/**
 * Parameters of the fleet failure model, each fitted in code from the records
 * in ./fleet-data.ts (reliability-fleet.json) and Llama 3 Table 5
 * (./catalog.ts), so the derivation is visible and re-runs if the data
 * changes. Assumptions are marked U. docs/simulate.md explains each choice;
 * scripts/reliability-report.ts shows how well the records are reproduced.
 */
import { fitBurnIn, meanAgeMultiplier, type AgeHazard } from './age-hazard.js';
import { LLAMA3_TABLE5, table5Rate } from './catalog.js';
import {
  AEGIS_CBD_BAD_HOSTS, AEGIS_DELIVERY_LINK_RATIO, AEGIS_FAILURE_MIX, AEGIS_FAILURES_PER_WEEK, AEGIS_GPU_MTTF_DAYS, AEGIS_HOSTS_ASSUMED,
  DELTA_JOB_FAILURE_BY_SIZE, DELTA_MEMORY, DELTA_REPLACEMENTS_PER_GPU_YEAR, PRISM_VARIABILITY, TITAN_DEGRADATION,
} from './fleet-data.js';
import { LEMON_DEFAULTS } from './catalog.js';

const geoMid = (r: { low: number; high: number }) => Math.sqrt(r.low * r.high);
const H100 = { tdpW: 700, hbmGb: 80 };
const A100 = { tdpW: 400 };

/**
 * GPU compute failures (everything on the GPU but HBM) scale with board power:
 * rate ∝ TDP^k. k is fitted to Alibaba's A100 : H100 MTTF = 400 : 200 days
 * (aegis-gpu-mttf-a100-h100), the only like-for-like generation comparison in
 * the data (same provider and definition); Summit's DBEs also track power
 * (summit-dbe). k = ln 2 / ln(700 W / 400 W) ≈ 1.24.
 */
export const TDP_EXPONENT = Math.log(AEGIS_GPU_MTTF_DAYS.a100 / AEGIS_GPU_MTTF_DAYS.h100) / Math.log(H100.tdpW / A100.tdpW);

/** U: burn-in time constants, days: GPU/HBM and hosts 60 d (Delta's early-life window is 146 d; Titan shows no excess by year 2), links 10 d (Aegis: "first ~month"). */
export const TAU_DAYS = { gpu: 60, host: 60, network: 10 } as const;

/**
 * Wear-out of GPUs: + W per year past 2 years (U: Titan's removals climb from year 2,
 * titan-hazard-by-age), W from Titan being "at least twice as reliable" at age
 * 1.25 y as at 6.6 y (titan-5yr-degradation). Titan's wear-out was a corrosion
 * defect of one board batch (Blue Waters, same GPU, ~0.4%/yr throughout): an upper
 * end, applied to GPU causes only.
 */
export const WEAR_FROM_DAYS = 730;
export const WEAR_PER_YEAR = (TITAN_DEGRADATION.ratio - 1) / (TITAN_DEGRADATION.toAgeYears - WEAR_FROM_DAYS / 365);

const gpuShape = { tauDays: TAU_DAYS.gpu, wearPerYear: WEAR_PER_YEAR, wearFromDays: WEAR_FROM_DAYS };
const perGpuHour = (mtbeH: number) => 1 / mtbeH;
const row = (id: string) => table5Rate(LLAMA3_TABLE5.find((r) => r.id === id)!);

/** Hopper HBM failures per GB-hour at the reference age: Llama 3's 72 HBM3 interruptions on 80 GB H100s. */
export const HOPPER_HBM_PER_GB_HOUR = row('gpuHbm3Memory') / H100.hbmGb;

/**
 * HBM burn-in: Delta's GH200 H100s (96 GB) in their first 146 days failed at
 * 1/88,768 h per GPU (delta-uncorrectable-ecc-per-gpu; 8 of the row-remap
 * failures were "during the early operational period", delta-dbe-rrf) against
 * Llama 3's mature rate per GB × 96 GB. B solves mean multiplier over 0–146 d = that ratio.
 */
export const MEMORY_AGE: AgeHazard = {
  ...gpuShape,
  burnIn: fitBurnIn(perGpuHour(DELTA_MEMORY.h100.perGpuMtbeH) / (HOPPER_HBM_PER_GB_HOUR * DELTA_MEMORY.h100.hbmGb), { fromDays: 0, toDays: DELTA_MEMORY.h100.ageToDays }, gpuShape),
};

/** Ampere HBM failures per GB-hour at the reference age: Delta's A100-40GB rate over its first 895 days, divided by that window's mean age multiplier. */
export const AMPERE_HBM_PER_GB_HOUR =
  perGpuHour(DELTA_MEMORY.a100.perGpuMtbeH) / DELTA_MEMORY.a100.hbmGb / meanAgeMultiplier(MEMORY_AGE, 0, DELTA_MEMORY.a100.ageToDays);

/** Per-GB improvement from one generation to the next (delta-uncorrectable-ecc-per-gpu: perGbReduction 0.24, A100 → H100); U: applied once more for Blackwell. */
export const PER_GB_REDUCTION_PER_GENERATION = 0.24;

/**
 * GPU compute burn-in: Delta replaced H100s (first 146 d) at 2.26× the A100 rate
 * (895 d) (delta-gpu-replacement-rate, D); the TDP rule already gives ×2, so
 * the early-life window carries the remaining 1.13 ÷ the A100 window's mean.
 */
export const COMPUTE_AGE: AgeHazard = (() => {
  const ratio = DELTA_REPLACEMENTS_PER_GPU_YEAR.h100 / DELTA_REPLACEMENTS_PER_GPU_YEAR.a100 / (H100.tdpW / A100.tdpW) ** TDP_EXPONENT;
  // mean(0..146)/mean(0..895) = ratio, solved by fixed point on the A100 window's mean (converges in a few steps).
  let b = 0;
  for (let i = 0; i < 20; i++) b = fitBurnIn(ratio * meanAgeMultiplier({ ...gpuShape, burnIn: b }, 0, DELTA_MEMORY.a100.ageToDays), { fromDays: 0, toDays: 146 }, gpuShape);
  return { ...gpuShape, burnIn: b };
})();

/** Links and NICs: 10–20× normal failures at delivery (aegis-delivery-link-contamination), decaying within ~a month; no wear-out data. */
export const NETWORK_AGE: AgeHazard = { burnIn: geoMid(AEGIS_DELIVERY_LINK_RATIO) - 1, tauDays: TAU_DAYS.network, wearPerYear: 0, wearFromDays: 0 };

/** Hosts: 1–2% of delivered hosts are faulty (aegis-cbd-problem-hosts); U: unscreened, each fails like a lemon (×20, reliability.json) → excess 0.015 × 19 at age 0. */
export const HOST_AGE: AgeHazard = { burnIn: geoMid(AEGIS_CBD_BAD_HOSTS) * (LEMON_DEFAULTS.multiplier - 1), tauDays: TAU_DAYS.host, wearPerYear: 0, wearFromDays: 0 };

/**
 * Software, dependency and collective-timeout failures per job-day ∝ nodes^α.
 * α is the least-squares slope of log hazard (−ln(1 − failed fraction)) against
 * log GPUs over Delta's job-size buckets up to 128 GPUs (delta-job-failure-by-size;
 * larger buckets hold 110 and 22 jobs). Anchored at Llama 3's 2,048 nodes.
 */
export const SOFTWARE_SIZE_EXPONENT = (() => {
  const pts = DELTA_JOB_FAILURE_BY_SIZE.map((b) => [Math.log(Math.sqrt(b.fromGpus * b.toGpus)), Math.log(-Math.log(1 - b.failedFraction))] as const);
  const mx = pts.reduce((a, p) => a + p[0], 0) / pts.length;
  const my = pts.reduce((a, p) => a + p[1], 0) / pts.length;
  const sxy = pts.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0);
  const sxx = pts.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
  return sxy / sxx;
})();
export const SOFTWARE_REF_NODES = 2048;

/** Cloud provider (Alibaba's training cloud, aegis-*): failures per node-day = geometric middle of 100–230 a week over 1,500 hosts (U). */
export const CLOUD_FAILURES_PER_NODE_DAY = geoMid(AEGIS_FAILURES_PER_WEEK) / (7 * AEGIS_HOSTS_ASSUMED);

const NODE_DAY_GPU_HOURS = 8 * 24;
const gpuClassIds = ['gpuFaulty', 'gpuSramMemory', 'gpuSystemProcessorGSP', 'gpuThermalInterfaceSensor', 'gpuSilentDataCorruption'];
const hostIds = ['hostMaintenanceUnplanned', 'hostSsd', 'hostPowerSupply', 'hostServerChassis', 'hostIoExpansionBoard', 'hostCpu', 'hostSystemMemory'];

/** On-premises GPU failures per 8-GPU node-day at 365 d, for an A100-80GB : H100 mix of 1 : 1 (the Aegis fleet is "A100/H100-class"). */
function onpremGpuPerNodeDay(): number {
  const compute = gpuClassIds.reduce((a, id) => a + row(id), 0);
  const h100 = compute + row('gpuHbm3Memory');
  const a100 = compute * (A100.tdpW / H100.tdpW) ** TDP_EXPONENT + AMPERE_HBM_PER_GB_HOUR * 80;
  return ((h100 + a100) / 2) * NODE_DAY_GPU_HOURS;
}

/**
 * Cloud ÷ on-premises multipliers per cause group. GPU and host: Aegis's rate × its
 * failure mix (aegis-failure-mix) ÷ the on-premises rate of the same group.
 * Network: 1, because Alibaba's own jobs see 1–2 network crashes a month
 * (hpn-job-crashes-from-network), as on-premises rates give; Aegis's network
 * tickets mostly do not crash jobs. Software and planned: 1 (U: no data).
 */
export const CLOUD_FACTORS = {
  gpu: (CLOUD_FAILURES_PER_NODE_DAY * AEGIS_FAILURE_MIX.gpu) / onpremGpuPerNodeDay(),
  host: (CLOUD_FAILURES_PER_NODE_DAY * AEGIS_FAILURE_MIX.host) / hostIds.reduce((a, id) => a + row(id), 0),
  network: 1,
  software: 1,
  planned: 1,
} as const;

/**
 * Fail-slow (stragglers): expected fraction of throughput lost at `nodes` nodes,
 * L(n) = Lmax · n^h / (n^h + n½^h). Shape fitted (least squares in log) to
 * Alibaba's shared cluster (greyhound-failslow-by-scale: share of jobs slowed ×
 * (1 − 1/(1 + JCT slowdown)) at 1, 4 and ~90 nodes): h = 2.84, n½ = 4.94 nodes,
 * Lmax = 0.152. On premises (a dedicated fabric, no cross-job congestion), Lmax
 * is scaled to Meta's 9% GPU-time variability at 64k GPUs (prism-variability),
 * read as a 0.09/1.09 throughput loss (U).
 */
export const FAIL_SLOW = {
  hill: 2.84,
  halfNodes: 4.94,
  maxLoss: { cloud: 0.1524, onprem: PRISM_VARIABILITY.variability / (1 + PRISM_VARIABILITY.variability) },
} as const;

/** Expected throughput fraction lost to fail-slow at `nodes` nodes. */
export function failSlowLoss(nodes: number, maxLoss: number, hill: number = FAIL_SLOW.hill, halfNodes: number = FAIL_SLOW.halfNodes): number {
  const x = Math.pow(nodes, hill);
  return (maxLoss * x) / (x + Math.pow(halfNodes, hill));
}
