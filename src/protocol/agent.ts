/**
 * The agent protocol: register → heartbeat loop (desired attempts come back in
 * each response) → attempt reports. See ./README.md for the flow.
 */
import { z } from 'zod';
import { LIMITS, absolutePathSchema, attemptIdSchema, canonicalNameSchema, epochMsSchema, jobIdSchema, safeTextSchema } from './common.js';
import { commandSchema, jobLaunchSchema } from './jobs.js';
import { progressLineRecordSchema } from './progress.js';

/** One GPU as the agent sees it at registration. */
export const gpuInfoSchema = z.strictObject({
  /** nvidia-smi index, 0-based. */
  index: z.number().int().min(0).max(LIMITS.nodeGpus - 1),
  uuid: z.string().min(1).max(128),
  /** e.g. "NVIDIA H100 80GB HBM3". */
  model: z.string().min(1).max(128),
  memBytes: z.number().nonnegative().optional(),
});
export type GpuInfo = z.infer<typeof gpuInfoSchema>;

/** Topology labels of the node (placement packs ranks by rack, then array). */
export const topologySchema = z.strictObject({
  rack: z.string().min(1).max(LIMITS.nameChars).optional(),
  array: z.string().min(1).max(LIMITS.nameChars).optional(),
  hall: z.string().min(1).max(LIMITS.nameChars).optional(),
  /** Scale-out rails (NICs) on the node. */
  rails: z.number().int().min(0).max(64).optional(),
});
export type Topology = z.infer<typeof topologySchema>;

/** What the agent holds locally for one attempt; sent on register and in every heartbeat. */
export const localAttemptSchema = z.strictObject({
  attemptId: attemptIdSchema,
  /** starting: spawned, not all processes up yet; running; exited: all processes gone. */
  state: z.enum(['starting', 'running', 'exited']),
  /** Set when state = exited: the attempt's exit code on this node (first non-zero rank, else 0); null if killed by a signal. */
  exitCode: z.number().int().nullable().optional(),
  signal: z.string().max(16).nullable().optional(),
});
export type LocalAttempt = z.infer<typeof localAttemptSchema>;

/** POST /api/v1/agents/register — Authorization: Bearer <agent join token>. */
export const registerRequestSchema = z.strictObject({
  name: canonicalNameSchema,
  gpus: z
    .array(gpuInfoSchema)
    .max(LIMITS.nodeGpus)
    .refine((g) => new Set(g.map((x) => x.index)).size === g.length, 'GPU indices must be unique'),
  topology: topologySchema.default({}),
  /**
   * Address the agent says other nodes use to reach it. Recorded only: MASTER_ADDR is the
   * address the server sees, unless an admin set one (`POST /nodes/:name/address`).
   */
  address: z.string().min(1).max(255).refine((s) => /^[A-Za-z0-9.:_-]+$/.test(s), 'a host name or IP address').optional(),
  agentVersion: z.string().max(64).optional(),
  /** Attempts still alive on this node (after an agent or server restart) — reconciled, not restarted. */
  attempts: z.array(localAttemptSchema).max(64).default([]),
});
export type RegisterRequest = z.input<typeof registerRequestSchema>;

export const registerResponseSchema = z.object({
  name: z.string(),
  /** The node credential: use it as the bearer token for heartbeats and reports of this node only. */
  nodeToken: z.string(),
  heartbeatIntervalS: z.number().positive(),
  nodeTimeoutS: z.number().positive(),
  serverTimeMs: epochMsSchema,
});
export type RegisterResponse = z.infer<typeof registerResponseSchema>;

/** One GPU sample; send only GPUs whose values changed since the last accepted heartbeat. */
export const gpuSampleSchema = z.strictObject({
  index: z.number().int().min(0).max(LIMITS.nodeGpus - 1),
  uuid: z.string().min(1).max(128).optional(),
  temperatureC: z.number().min(-50).max(200).optional(),
  powerW: z.number().min(0).max(100_000).optional(),
  utilizationPct: z.number().min(0).max(100).optional(),
  memUsedBytes: z.number().nonnegative().optional(),
  eccVolatileUncorrected: z.number().int().nonnegative().optional(),
  eccAggregateUncorrected: z.number().int().nonnegative().optional(),
  remappedRowsUncorrectable: z.number().int().nonnegative().optional(),
  remappedRowsPending: z.number().int().nonnegative().optional(),
  remappedRowsFailed: z.number().int().nonnegative().optional(),
});
export type GpuSample = z.infer<typeof gpuSampleSchema>;

/** An XID event read from the kernel log / NVML (NVIDIA XID catalog code). */
export const xidEventSchema = z.strictObject({
  code: z.number().int().min(0).max(100_000),
  gpuIndex: z.number().int().min(0).max(LIMITS.nodeGpus - 1).optional(),
  uuid: z.string().max(128).optional(),
  /** Agent clock, ms since epoch. */
  atMs: epochMsSchema.optional(),
  message: z.string().max(1024).optional(),
});
export type XidEvent = z.infer<typeof xidEventSchema>;

/** POST /api/v1/agents/:name/heartbeat — Authorization: Bearer <node credential>. */
export const heartbeatRequestSchema = z.strictObject({
  /** Monotonic counter per agent process; lets the server ignore reordered heartbeats. */
  seq: z.number().int().nonnegative(),
  /** Every attempt the agent holds (starting, running, or exited and not yet reported). */
  attempts: z.array(localAttemptSchema).max(64).default([]),
  /** Only present when something changed. */
  telemetry: z
    .strictObject({
      gpus: z.array(gpuSampleSchema).max(LIMITS.nodeGpus).optional(),
      xids: z.array(xidEventSchema).max(1000).optional(),
    })
    .optional(),
});
export type HeartbeatRequest = z.input<typeof heartbeatRequestSchema>;

/** One process of an attempt on this node: the full environment it gets (plus the agent's own PATH etc.). */
export const processSpecSchema = z.object({
  rank: z.number().int().nonnegative(),
  localRank: z.number().int().nonnegative(),
  /** RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, GROUP_RANK, MASTER_ADDR, MASTER_PORT, COLOSSUS_JOB_ID, COLOSSUS_ATTEMPT, COLOSSUS_CHECKPOINT_DIR, COLOSSUS_CHECKPOINT_INTERVAL_S (the advised interval, s), plus the job's env. */
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name'), safeTextSchema(LIMITS.argChars)),
  /** Local GPU indices this process drives; absent = [localRank]. A per-node launcher (torchrun) drives all of its node's. */
  gpus: z.array(z.number().int().nonnegative()).optional(),
});
export type ProcessSpec = z.infer<typeof processSpecSchema>;

/** An attempt this node must run. Start it once (by attemptId); never relaunch an attemptId already started. */
export const attemptSpecSchema = z.object({
  attemptId: attemptIdSchema,
  jobId: jobIdSchema,
  /** 1-based attempt number (= COLOSSUS_ATTEMPT). */
  attempt: z.number().int().positive(),
  /** argv; command[0] is resolved on PATH, no shell. */
  command: commandSchema,
  /** Working directory; absent = the agent's --work-dir. */
  cwd: absolutePathSchema.optional(),
  checkpointDir: absolutePathSchema,
  /** One entry per local GPU rank on this node. */
  processes: z.array(processSpecSchema).min(1),
  /** SIGTERM → SIGKILL grace when stopping, seconds. */
  gracePeriodS: z.number().nonnegative(),
  /** per-gpu (absent): one process per GPU; per-node: one launcher process per node (torchrun), SIGUSR1 ignored by the launcher. */
  launch: jobLaunchSchema.optional(),
});
export type AttemptSpec = z.infer<typeof attemptSpecSchema>;

/** An attempt this node must stop. */
export const stopOrderSchema = z.object({
  attemptId: attemptIdSchema,
  reason: z.enum(['cancelled', 'preempted', 'peer-failed', 'node-drain', 'not-assigned']),
  /** Preemption: send this to the process group first so the workload can checkpoint … */
  warnSignal: z.enum(['SIGUSR1']).nullable(),
  /** … and wait this long for it to exit before SIGTERM, seconds. */
  warnGraceS: z.number().nonnegative(),
  /** SIGTERM → SIGKILL grace, seconds. */
  killGraceS: z.number().nonnegative(),
});
export type StopOrder = z.infer<typeof stopOrderSchema>;

export const heartbeatResponseSchema = z.object({
  /** Next heartbeat in this many seconds (add ±10 % jitter). */
  heartbeatIntervalS: z.number().positive(),
  /** Attempts that should be running here and that this heartbeat did not report holding, with their specs. */
  run: z.array(attemptSpecSchema),
  /** Attempts this heartbeat reported holding (starting or running) that should keep running: ids only, their specs came in an earlier reply. run + keep is the full desired set. */
  keep: z.array(attemptIdSchema).default([]),
  /** Attempts to stop now (idempotent; repeated until the agent reports them exited). */
  stop: z.array(stopOrderSchema),
  /** Exited attempts the server has recorded; the agent may forget them. */
  ack: z.array(attemptIdSchema),
  serverTimeMs: epochMsSchema,
});
export type HeartbeatResponse = z.infer<typeof heartbeatResponseSchema>;

/** Progress parsed from a workload's JSON line `{"step": n, "loss": x, "checkpoint": n?, …}`. */
export const progressEventSchema = z.strictObject({
  type: z.literal('progress'),
  rank: z.number().int().nonnegative(),
  step: z.number().int().nonnegative().optional(),
  loss: z.number().optional(),
  /** Step of the checkpoint just made durable. */
  checkpoint: z.number().int().nonnegative().optional(),
  /** The whole parsed line (kept as the job's `result` when it is rank 0's last line of a successful attempt); bounded in size and depth. */
  line: progressLineRecordSchema,
});

export const attemptEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('started'), pids: z.array(z.number().int().positive()).max(LIMITS.nodeGpus) }),
  progressEventSchema,
  z.strictObject({
    type: z.literal('log'),
    rank: z.number().int().nonnegative().optional(),
    stream: z.enum(['stdout', 'stderr']),
    text: z.string().max(LIMITS.logChunkChars),
  }),
  /** Workload output lines the agent dropped (oversize or malformed progress lines, log lines beyond its queue). */
  z.strictObject({
    type: z.literal('dropped'),
    rank: z.number().int().nonnegative().optional(),
    lines: z.number().int().positive().max(1e12),
    why: z.string().max(256),
  }),
  z.strictObject({
    type: z.literal('exited'),
    /** First non-zero exit code among the node's ranks, else 0; null when killed by a signal. */
    exitCode: z.number().int().nullable(),
    signal: z.string().max(16).nullable().default(null),
    /** Why, when the agent knows better than the exit code (e.g. it could not launch the spec). */
    reason: z.string().max(1024).optional(),
    /**
     * Who is at fault (docs/operate.md, failure attribution): 'job' (default: its exit code,
     * its signal, a spec the agent cannot run) or 'node' (the node could not launch a valid spec).
     */
    fault: z.enum(['job', 'node']).optional(),
  }),
]);
export type AttemptEvent = z.input<typeof attemptEventSchema>;

/** POST /api/v1/agents/:name/attempts/:attemptId/events — Authorization: Bearer <node credential>. */
export const attemptReportSchema = z.strictObject({
  events: z.array(attemptEventSchema).min(1).max(LIMITS.reportEvents),
});
export type AttemptReport = z.input<typeof attemptReportSchema>;

export const attemptReportResponseSchema = z.object({
  /** false when the server no longer wants this attempt (the agent should stop it). */
  keepRunning: z.boolean(),
});
export type AttemptReportResponse = z.infer<typeof attemptReportResponseSchema>;
