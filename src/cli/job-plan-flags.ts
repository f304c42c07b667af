/**
 * `colossus job submit --model M [--gbs N --seq N --precision P --software R --params FILE
 * --cluster C]`: the flags of Plan → operate (the planning itself is in ./job-plan-submit.ts,
 * loaded only when --model is given, so `job list` loads no planner). The planner (src/core/control/job-plan.ts, the same
 * function the twin plans with) chooses the layout for the job's GPUs on the cluster the
 * nodes form; the job gets it as environment (COLOSSUS_TP … COLOSSUS_EXPECTED_STEP_S) and
 * as its `plan`, so `job show` compares the achieved step time with the planned one.
 *
 * The cluster: `--cluster` when given; else the GPU model and GPUs per node most of the
 * server's nodes report (GET /nodes), as the matching node-type preset (H100 → dgx-h100).
 */
import type { Command } from 'commander';
import { ColossusError } from '../core/errors.js';
import { PRECISIONS, type Precision } from '../core/hardware/types.js';
import { oneOf, positiveInt } from './options.js';

export interface PlanFlags {
  model?: string;
  gbs?: number;
  seq?: number;
  precision?: Precision;
  software?: string;
  params?: string;
  cluster?: string;
}

export function addPlanFlags(c: Command): Command {
  return c
    .option('--model <name|file>', 'plan the job: the model it trains (preset or .yaml); the layout goes to the job as COLOSSUS_TP … COLOSSUS_EXPECTED_STEP_S')
    .option('--gbs <n>', 'with --model: global batch size, sequences (default: the first of GPUs ÷ 8, ÷ 4, ÷ 2, ÷ 1 that fits, at least 16)', positiveInt('--gbs'))
    .option('--seq <n>', 'with --model: sequence length, tokens (default 8192)', positiveInt('--seq'))
    .option('--precision <p>', 'with --model: GEMM precision bf16 | fp8 | fp4 (default bf16)', oneOf('--precision', PRECISIONS))
    .option('--software <release>', 'with --model: software release the plan is for (default: the newest the model knows)')
    .option('--params <file>', 'with --model: software factors fitted to your runs by colossus calibrate')
    .option('--cluster <name|file>', 'with --model: the cluster to plan on (default: the node type of the GPUs the server\'s nodes report)');
}

/** Flags that only mean something with --model. */
const PLAN_ONLY = ['gbs', 'seq', 'precision', 'software', 'params', 'cluster'] as const;

/** True when the job is to be planned (--model); a plan flag without --model is a usage error. */
export function wantsPlan(f: PlanFlags): boolean {
  if (f.model !== undefined) return true;
  const stray = PLAN_ONLY.find((k) => f[k] !== undefined);
  if (stray) throw new ColossusError('usage', `--${stray} plans the job and needs --model`, { where: `--${stray}`, hint: 'add --model NAME (e.g. --model llama3-8b), or leave the flag out' });
  return false;
}
