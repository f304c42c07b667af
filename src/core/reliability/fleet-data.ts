/**
 * Figures copied from ../shared/data/reliability-fleet.json (record ids in
 * brackets, status V/D as the file gives it). `fleet-data.test.ts` checks every
 * copy against the file, so a change there cannot go unnoticed here. The fits
 * built on them are in ./fleet-fit.ts.
 */

/** [delta-uncorrectable-ecc-per-gpu, V] Job-terminating uncorrectable ECC errors on NCSA Delta (Sec. 4.1; contained errors still end the job). */
export const DELTA_MEMORY = {
  a100: { perGpuMtbeH: 283_271, hbmGb: 40, ageFromDays: 0, ageToDays: 895 },
  /** GH200's H100 (96 GB HBM3), first 146 days of service (early life). */
  h100: { perGpuMtbeH: 88_768, hbmGb: 96, ageFromDays: 0, ageToDays: 146 },
} as const;

/** [delta-gpu-replacement-rate, D] GPUs physically replaced per GPU-year: A100 over 895 d, H100 over its first 146 d. */
export const DELTA_REPLACEMENTS_PER_GPU_YEAR = { a100: 0.00364, h100: 0.00822 } as const;

/** [aegis-gpu-mttf-a100-h100, V] Alibaba Cloud: an A100 fails after ~400 days, an H100 after ~200 (definition not given). */
export const AEGIS_GPU_MTTF_DAYS = { a100: 400, h100: 200 } as const;

/** [aegis-critical-failures-per-week, V] Critical failures (repair tickets) per week in one cloud training cluster of O(1K) 8-GPU hosts. */
export const AEGIS_FAILURES_PER_WEEK = { low: 100, high: 230 } as const;
/** U: host count of that cluster (the record's derivation brackets it at 1,000–2,000; we take the geometric middle). */
export const AEGIS_HOSTS_ASSUMED = 1_500;

/** [aegis-failure-mix, V] Share of production failures by component (hardware tickets; no software bucket). */
export const AEGIS_FAILURE_MIX = {
  gpu: 0.456, // GPU execution, ECC, NVLink, memory, CUDA, driver
  host: 0.385, // CPU 0.137 + PCIe 0.104 + host memory 0.091 + power/fan 0.037 + disk 0.016
  network: 0.158, // NIC 0.091 + optics/fiber 0.067
} as const;

/** [aegis-delivery-link-contamination, V] Link failure ratio in the first ~month after delivery of a new cluster, × normal. */
export const AEGIS_DELIVERY_LINK_RATIO = { low: 10, high: 20 } as const;

/** [aegis-cbd-problem-hosts, V] Fraction of hosts found faulty by the check before delivery. */
export const AEGIS_CBD_BAD_HOSTS = { low: 0.01, high: 0.02 } as const;

/** [hpn-job-crashes-from-network, V] Network-caused crashes per training job-month (single-ToR; jobs up to ~3K GPUs). */
export const HPN_NETWORK_CRASHES_PER_JOB_MONTH = { low: 1, high: 2 } as const;

/** [delta-job-failure-by-size, V] Fraction of jobs that failed, by GPUs (buckets ≤ 128 GPUs; larger ones hold 110 and 22 jobs). */
export const DELTA_JOB_FAILURE_BY_SIZE: readonly { fromGpus: number; toGpus: number; failedFraction: number }[] = [
  { fromGpus: 1, toGpus: 1, failedFraction: 0.1229 },
  { fromGpus: 2, toGpus: 4, failedFraction: 0.1203 },
  { fromGpus: 5, toGpus: 8, failedFraction: 0.3213 },
  { fromGpus: 9, toGpus: 32, failedFraction: 0.2276 },
  { fromGpus: 33, toGpus: 64, failedFraction: 0.4422 },
  { fromGpus: 65, toGpus: 128, failedFraction: 0.4918 },
];

/** [greyhound-failslow-by-scale, V] Fraction of jobs with a fail-slow and their mean JCT slowdown, by job scale (Alibaba, shared). */
export const GREYHOUND_FAIL_SLOW: readonly { nodes: number; label: string; fraction: number; jctSlowdown: number }[] = [
  { nodes: 1, label: '1-node probing (H800)', fraction: 0.0153, jctSlowdown: 0.1179 },
  { nodes: 4, label: '4-node probing (A100)', fraction: 0.402, jctSlowdown: 0.1545 },
  /** 512–1,024 GPUs: the geometric middle, 90.5 nodes of 8. */
  { nodes: Math.sqrt(64 * 128), label: '>=512 GPUs (512-1024) production', fraction: 0.593, jctSlowdown: 0.3459 },
];

/** [prism-variability, V] GPU time variability at 64,000 GPUs of Meta's (on-premises) frontier training. */
export const PRISM_VARIABILITY = { gpus: 64_000, variability: 0.09 } as const;

/** [titan-5yr-degradation, V] Titan was "at least twice as reliable at the beginning" of its 2014–2019 record as at the end. */
export const TITAN_DEGRADATION = { ratio: 2, fromAgeYears: 1.25, toAgeYears: 6.6 } as const;
/** [titan-sc20-scope, V] Titan's K20X entered service in late 2012; the failure record runs 2014-01 to 2019-08 (titan-hazard-by-age). */

/** [titan-hazard-by-age, D] Removal hazard of Titan's replacement batch (installed ≥ 2016), per GPU-year, by year of age. */
export const TITAN_NEW_BATCH_HAZARD = [0.0022, 0.002, 0.0046] as const;

/** [trainmover-restart-breakdown, V] Average restart of 8,192-GPU jobs (Alibaba), minutes. */
export const TRAINMOVER_RESTART_MIN = { gpus: 8192, total: 6.47, stopCleanup: 0.52, reschedule: 1.5, checkpointLoad: 1.56, ncclInit: 1.09, coldWarmup: 1.8 } as const;

/** [ampere-memory-errors-3systems, D] A100-40GB DBE events per GPU-day. */
export const AMPERE_DBE_EVENTS_PER_GPU_DAY = { Delta: 6.07e-6, Polaris: 7.58e-5, Perlmutter: 3.11e-5 } as const;
