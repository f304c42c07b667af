/**
 * Detection, restart and checkpoint figures from reliability.json, with the
 * source of each. All durations in seconds.
 */
import type { DurationDist } from '../sim/distributions.js';

/** Detection latency (reliability.json detectionLatencySeconds; ByteRobust Table 3 unless noted). */
export const DETECT: Readonly<Record<string, DurationDist>> = {
  gpuLost: { dist: 'fixed', valueS: 10 },
  gpuDriverHang: { dist: 'fixed', valueS: 10 },
  gpuHighTemperature: { dist: 'fixed', valueS: 10 },
  nicCrash: { dist: 'fixed', valueS: 30 },
  switchDown: { dist: 'fixed', valueS: 60 },
  /** ByteRobust §2.2: explicit failures surface in logs in "around 60 s". */
  explicitViaLogs: { dist: 'fixed', valueS: 60 },
  /** PyTorch NCCL default timeout, 10 min. */
  hangViaCollectiveTimeout: { dist: 'fixed', valueS: 600 },
  /** Kokolis: periodic health check every 5 min → uniform(0, 300 s) latency. */
  periodicHealthCheck: { dist: 'uniform', minS: 0, maxS: 300 },
  none: { dist: 'fixed', valueS: 0 },
};

/** Which detector notices each Table 5 cause (our assignment, documented in docs/simulate.md). */
export const DETECTOR_OF_CAUSE: Readonly<Record<string, keyof typeof DETECT>> = {
  gpuFaulty: 'gpuLost',
  gpuHbm3Memory: 'gpuLost',
  gpuSramMemory: 'gpuLost',
  gpuSystemProcessorGSP: 'gpuDriverHang',
  gpuThermalInterfaceSensor: 'gpuHighTemperature',
  gpuSilentDataCorruption: 'explicitViaLogs',
  networkSwitchOrCable: 'switchDown',
  hostNic: 'nicCrash',
  hostMaintenanceUnplanned: 'explicitViaLogs',
  softwareBug: 'explicitViaLogs',
  dependency: 'explicitViaLogs',
  ncclWatchdogUnknown: 'hangViaCollectiveTimeout',
  plannedMaintenance: 'none',
};

/** Restart overhead by job size, s (ByteRobust Table 7, L20 cluster). */
export const RESTART_BY_GPUS = {
  /** Re-queue: the job is rescheduled from scratch. */
  requeue: [
    [2048, 454],
    [4096, 545],
    [8192, 635],
    [16384, 768],
  ],
  /** Hot update / warm standby: processes restart in place or on a standby machine. */
  hotUpdate: [
    [2048, 46],
    [4096, 51],
    [8192, 54],
    [16384, 65],
  ],
} as const satisfies Record<string, readonly (readonly [number, number])[]>;

/**
 * Default checkpoint costs when neither --model nor --checkpoint-write-s is given:
 * ByteCheckpoint Table 8, a 405B model on 8,960 GPUs (reliability.json checkpoint.write405BOn8960Gpus, status Q).
 */
export const BYTECHECKPOINT_405B = { blockingS: 0.59, persistS: 51.06, loadS: 129.49 } as const;

/** Storage throughput, B/s: Llama 3's Tectonic, sustained 2 TB/s (reliability.json checkpoint.storageThroughputBytesPerSec). */
export const STORAGE_SUSTAINED_BYTES_PER_S = 2e12;

/**
 * Checkpoint bytes per parameter: bf16 weights (2) + fp32 master weights (4) + Adam
 * first and second moments (4 + 4). D: mixed-precision Adam state as counted by
 * ZeRO (Rajbhandari et al., 2020), gradients excluded since they are not saved.
 */
export const CHECKPOINT_BYTES_PER_PARAM = 14;

/**
 * Repair time of a failed node before it rejoins the spare pool. reliability.json
 * sparesAndRepair.hardwareRepairTimeDistribution is a gap ("no public distribution
 * found"; Delta anecdotes 19 h and 23 h, Delta emulation 2.2 h). Our assumption:
 * log-normal, median 12 h, σ = 1 (mean 19.8 h, 90th percentile 43 h). Override it
 * in a --failure-rates file (`repair:`).
 */
export const DEFAULT_REPAIR: DurationDist = { dist: 'lognormal', medianS: 12 * 3600, sigma: 1 };

/** Spare pool sizing quantile (ByteRobust Table 5: warm standby = P99 of concurrent machine failures). */
export const SPARE_POOL_QUANTILE = 0.99;

/**
 * Parts of every restart that ByteRobust's Table 7 (scheduling only) leaves out:
 * NCCL initialisation (1.09 min) and cold warm-up (1.8 min) of TrainMover's
 * 8,192-GPU restart breakdown (reliability-fleet.json trainmover-restart-breakdown, V).
 * U: the same at every job size (MegaScale shows NCCL init can be made < 30 s at 10k GPUs).
 */
export const RESTART_INIT_S = { ncclInitS: 1.09 * 60, warmupS: 1.8 * 60 } as const;

/**
 * In-memory recovery (`--recovery in-memory`): every node's training state is
 * copied to peers' CPU RAM and restored from there.
 * - replicas 2: U (one peer copy, the smallest group that survives a node failure);
 *   the copies of a group sit on neighbouring nodes (U), so a correlated rack/leaf
 *   failure loses them all and the job falls back to the persisted checkpoint;
 * - snapshot every 60 s of compute: U (about one step at this scale), non-blocking;
 * - restore: 4 GB per GPU (reliability.json checkpoint.perGpuStateBytes max, V) from a
 *   peer at 400 Gb/s = 0.08 s, replacing the checkpoint load.
 */
export const IN_MEMORY = { replicas: 2, snapshotIntervalS: 60, restoreS: 4e9 / (400e9 / 8) } as const;

/**
 * Elastic recovery (`--recovery elastic`): the job drops the data-parallel replica
 * that lost a node and continues on the others, restoring from peers' RAM;
 * the replica rejoins when a spare (or the repaired node) is ready.
 * - replica of 16 nodes: U (TP 8 × PP 16 = 128 GPUs, Llama 3 405B's layout);
 * - pause at a failure: detection + in-place restart + NCCL init, no warm-up and no
 *   checkpoint load (U: survivors keep their compiled state);
 * - a spare is ready to join after ByteRobust's re-queue time at its smallest
 *   size (454 s, Table 7, V); rejoining pauses the job for an NCCL init (U).
 */
export const ELASTIC = { replicaNodes: 16, spareJoinS: 454, rejoinS: RESTART_INIT_S.ncclInitS } as const;
