/** Jobs: submission, views, logs. */
import { z } from 'zod';
import { LIMITS, absolutePathSchema, attemptIdSchema, canonicalNameSchema, csvOf, epochMsSchema, jobIdSchema, nameSchema, pagingQuery, safeTextSchema } from './common.js';

export const jobStateSchema = z.enum(['queued', 'running', 'recovering', 'succeeded', 'failed', 'cancelled']);
export type JobState = z.infer<typeof jobStateSchema>;

export const attemptStateSchema = z.enum(['starting', 'running', 'stopping', 'succeeded', 'failed', 'cancelled', 'preempted']);
export type AttemptState = z.infer<typeof attemptStateSchema>;

/** per-gpu: one process per GPU (RANK, LOCAL_RANK, …); per-node: one process per node for a launcher such as torchrun (NNODES, NODE_RANK, NPROC_PER_NODE, …). */
export const jobLaunchSchema = z.enum(['per-gpu', 'per-node']);
export type JobLaunch = z.infer<typeof jobLaunchSchema>;

const envKey = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name ([A-Za-z_][A-Za-z0-9_]*)').max(128);

/** argv: the program (non-empty) then its arguments; no NUL anywhere, bounded in count and total length. */
export const commandSchema = z
  .array(safeTextSchema(LIMITS.argChars))
  .min(1)
  .max(LIMITS.commandArgs)
  .refine((c) => c.length === 0 || c[0].trim().length > 0, 'command[0] (the program) must not be empty')
  .refine((c) => c.reduce((n, a) => n + a.length, 0) <= LIMITS.commandChars, `all arguments together must stay within ${LIMITS.commandChars} characters`);

/** What a job trains: lets the control plane report tokens/s, MFU and an ETA (DESIGN.md: MFU). */
export const jobPlanSchema = z.strictObject({
  model: z.string().min(1).max(128),
  precision: z.enum(['bf16', 'fp8', 'fp4']),
  /** Global batch × sequence length. */
  tokensPerStep: z.number().positive().max(1e12),
  /** Model training FLOPs per token (forward + backward, no recomputation). */
  flopsPerToken: z.number().positive().max(1e18),
  /** Dense peak FLOP/s of one GPU at `precision`. */
  peakFlopsPerGpu: z.number().positive().max(1e18),
  /** Planned step time, s. */
  stepTimeS: z.number().positive().max(1e6),
  /** Tokens to train (null: open-ended). */
  tokenBudget: z.number().positive().max(1e18).nullable().default(null),
  layout: z.string().max(256).optional(),
  /** Software release (or calibrated stack) the planned step time is for (`--software`, `--params`). */
  software: z.string().max(128).optional(),
});
export type JobPlan = z.infer<typeof jobPlanSchema>;

/** Per-job throughput, computed by src/core/control/throughput.ts (nulls where the data is missing). */
export const throughputSchema = z.object({
  netStep: z.number(),
  achievedStepS: z.number().nullable(),
  plannedStepS: z.number().nullable(),
  efficiency: z.number().nullable(),
  tokensPerS: z.number().nullable(),
  plannedTokensPerS: z.number().nullable(),
  mfu: z.number().nullable(),
  plannedMfu: z.number().nullable(),
  goodput: z.number().nullable(),
  tokensTrained: z.number().nullable(),
  tokenBudget: z.number().nullable(),
  etaS: z.number().nullable(),
});
export type ThroughputView = z.infer<typeof throughputSchema>;

/**
 * Goodput advice for a job that has run (src/core/control/job-advice.ts): at the fleet's
 * posterior interruption rate (GET /api/v1/fleet/reliability) for the job's GPUs, the
 * Daly-optimal checkpoint interval and the expected goodput there vs at the interval the job uses.
 */
export const adviceSchema = z.object({
  /** Mean time between interruptions at the job's size: 3600 / (rate per GPU-hour × GPUs), s. */
  mtbiS: z.number(),
  /** Mean `checkpointS` of its checkpoint lines (the default 0.59 s until it reports one). */
  checkpointCostS: z.number(),
  /** Failure → resumed, from its own restarts (the prior's restart time until it has one), s. */
  restartS: z.number(),
  /** Daly (2006): √(2δM)·(1 + √(δ/2M)/3 + δ/18M) − δ (M when δ ≥ 2M), s of compute. */
  optimalCheckpointIntervalS: z.number(),
  /** Measured: mean time between the checkpoint lines of its newest attempt with two or more, less the checkpoint cost (null: none yet). */
  actualCheckpointIntervalS: z.number().nullable(),
  /** Expected goodput (ETTR) at the optimal interval. */
  expectedGoodput: z.number(),
  /** Expected goodput at the actual interval (null until measured). */
  achievedGoodput: z.number().nullable(),
  /** Set when the actual interval is more than 2× off the optimum (either way). */
  warning: z.string().nullable(),
  /** The fleet's posterior rate used (all causes), per GPU-hour. */
  ratePerGpuHour: z.number(),
  checkpointCostSource: z.enum(['measured', 'default']),
  restartSource: z.enum(['measured', 'preset']),
  /** COLOSSUS_CHECKPOINT_INTERVAL_S given to the latest attempt, s. */
  attemptIntervalS: z.number().nullable(),
});
export type AdviceView = z.infer<typeof adviceSchema>;

/** POST /api/v1/jobs */
export const submitJobSchema = z.strictObject({
  name: nameSchema,
  /** GPUs in the gang; a multi-node job takes whole nodes. */
  gpus: z.number().int().positive().max(LIMITS.jobGpus),
  /** Higher runs first and may preempt lower. Default 0. */
  priority: z.number().int().min(-1000).max(1000).default(0),
  team: canonicalNameSchema.default('default'),
  /**
   * Directory shared by the job's attempts (COLOSSUS_CHECKPOINT_DIR); default <server data dir>/checkpoints/<job id>.
   * Absolute, normalised, and under one of the server's checkpoint roots (`colossus server --checkpoint-root`).
   */
  checkpointDir: absolutePathSchema.optional(),
  /** Restarts allowed after failures (not counting preemptions). Default 3. */
  maxRestarts: z.number().int().min(0).max(10_000).default(3),
  command: commandSchema,
  /** Working directory on the nodes: absolute and normalised (absent = the agent's --work-dir). */
  cwd: absolutePathSchema.optional(),
  env: z
    .record(envKey, safeTextSchema(LIMITS.argChars))
    .refine((e) => Object.keys(e).length <= LIMITS.envEntries, `at most ${LIMITS.envEntries} entries`)
    .default({}),
  /** SIGTERM → SIGKILL (and SIGUSR1 → stop on preemption) grace, seconds. Default 30. */
  gracePeriodS: z.number().min(0).max(3600).default(30),
  /** per-gpu (default) or per-node (torchrun); see docs/agent.md. */
  launch: jobLaunchSchema.default('per-gpu'),
  /** Optional: model, precision, tokens per step, FLOPs per token, peak, planned step time, token budget. */
  plan: jobPlanSchema.optional(),
});
export type SubmitJob = z.input<typeof submitJobSchema>;

export const attemptViewSchema = z.object({
  id: attemptIdSchema,
  number: z.number().int().positive(),
  state: attemptStateSchema,
  nodes: z.array(z.string()),
  exitCode: z.number().int().nullable(),
  reason: z.string().nullable(),
  startedAtMs: epochMsSchema,
  endedAtMs: epochMsSchema.nullable(),
  /** Checkpoint step this attempt resumed from (null: from scratch). */
  resumedFromStep: z.number().int().nullable(),
  lastStep: z.number().int().nullable(),
  /** COLOSSUS_CHECKPOINT_INTERVAL_S the attempt's processes got, s (null: attempts from before it existed). */
  checkpointIntervalS: z.number().nullable(),
});
export type AttemptView = z.infer<typeof attemptViewSchema>;

export const jobSummarySchema = z.object({
  id: jobIdSchema,
  name: z.string(),
  state: jobStateSchema,
  gpus: z.number().int(),
  priority: z.number().int(),
  team: z.string(),
  restarts: z.number().int(),
  lastStep: z.number().int().nullable(),
  lastCheckpointStep: z.number().int().nullable(),
  submittedAtMs: epochMsSchema,
  endedAtMs: epochMsSchema.nullable(),
  /** Why it is in its state (held crash-looping, quota, …). */
  reason: z.string().nullable(),
  /** The plan's model (null without a plan). */
  model: z.string().nullable(),
  throughput: throughputSchema,
});
export type JobSummary = z.infer<typeof jobSummarySchema>;

export const jobDetailSchema = jobSummarySchema.extend({
  command: z.array(z.string()),
  checkpointDir: z.string(),
  maxRestarts: z.number().int(),
  gracePeriodS: z.number(),
  attempts: z.array(attemptViewSchema),
  /** Rank 0's last valid JSON progress line of the attempt that succeeded. */
  result: z.record(z.string(), z.unknown()).nullable(),
  plan: jobPlanSchema.nullable(),
  /** Workload output lines dropped as oversize or malformed (so a `result` is never silently wrong). */
  droppedLines: z.number().int().nonnegative(),
  launch: jobLaunchSchema,
  /** Goodput advice (null: the job has not run yet). */
  advice: adviceSchema.nullable(),
});
export type JobDetail = z.infer<typeof jobDetailSchema>;

/** GET /api/v1/jobs: without sort/offset the newest `limit` jobs in submission order; the total is in X-Total-Count. */
export const jobListQuerySchema = z.strictObject({
  /** One state or several, comma-separated. */
  state: csvOf(jobStateSchema).optional(),
  team: z.string().max(64).optional(),
  /** Substring of the name or id. */
  q: z.string().max(128).optional(),
  ...pagingQuery,
  limit: z.coerce.number().int().min(1).max(100_000).default(1000),
});

export const cancelJobSchema = z.strictObject({ reason: safeTextSchema(1024).optional() }).default({});

export const logsQuerySchema = z.strictObject({
  attempt: z.coerce.number().int().positive().optional(),
  /** Last N lines. */
  tail: z.coerce.number().int().min(1).max(100_000).default(200),
});

export const logLineSchema = z.object({
  attempt: z.number().int(),
  node: z.string(),
  rank: z.number().int().nullable(),
  stream: z.enum(['stdout', 'stderr']),
  text: z.string(),
});
export const logsResponseSchema = z.object({ jobId: jobIdSchema, lines: z.array(logLineSchema) });
export type LogsResponse = z.infer<typeof logsResponseSchema>;
