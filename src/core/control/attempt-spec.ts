/**
 * The workload contract (DESIGN.md): one process per GPU with torchrun-compatible
 * env plus COLOSSUS_JOB_ID, COLOSSUS_ATTEMPT, COLOSSUS_CHECKPOINT_DIR and
 * COLOSSUS_CHECKPOINT_INTERVAL_S (the advised interval, src/core/control/job-advice.ts); or, for a
 * per-node job, one process per node with what `torchrun` needs (docs/agent.md).
 */
import type { AttemptPart, AttemptRec, JobRec } from './types.js';
import { partOn } from './attempt-index.js';

export interface ProcessSpec {
  rank: number;
  localRank: number;
  env: Record<string, string>;
  /** Local GPU indices the process drives (per-node launch: all of the part's); absent = [localRank]. */
  gpus?: number[];
}

export interface AttemptSpecView {
  attemptId: string;
  jobId: string;
  attempt: number;
  command: string[];
  cwd?: string;
  checkpointDir: string;
  processes: ProcessSpec[];
  gracePeriodS: number;
  launch?: 'per-node';
}

/** The spec the agent on `node` launches; null when the attempt has no part there. */
export function attemptSpecFor(job: JobRec, att: AttemptRec, node: string): AttemptSpecView | null {
  let perNode = specs.get(att);
  if (!perNode) specs.set(att, (perNode = new Map()));
  const hit = perNode.get(node);
  if (hit) return hit;
  const spec = buildSpec(job, att, node);
  if (spec) perNode.set(node, spec);
  return spec;
}

/** Specs never change during an attempt's life; heartbeats reuse them. */
const specs = new WeakMap<AttemptRec, Map<string, AttemptSpecView>>();

/** Drops the cached specs of an attempt that has ended. */
export const forgetSpecs = (att: AttemptRec): void => void specs.delete(att);

function buildSpec(job: JobRec, att: AttemptRec, node: string): AttemptSpecView | null {
  const found = partOn(att, node);
  if (!found) return null;
  const spec: AttemptSpecView = {
    attemptId: att.id,
    jobId: job.id,
    attempt: att.number,
    command: job.spec.command,
    ...(job.spec.cwd ? { cwd: job.spec.cwd } : {}),
    checkpointDir: job.spec.checkpointDir,
    processes: [],
    gracePeriodS: job.spec.gracePeriodS,
    ...(job.spec.launch === 'per-node' ? { launch: 'per-node' as const } : {}),
  };
  // The per-rank environments (8 objects of ~13 strings per node: ~180k objects for a
  // 23,000-node gang) are built when first read, e.g. when the reply is serialised; an
  // in-process caller that only needs the attempt id (the twin) never pays for them.
  let built: ProcessSpec[] | null = null;
  Object.defineProperty(spec, 'processes', { enumerable: true, configurable: true, get: () => (built ??= job.spec.launch === 'per-node' ? [perNodeProcess(job, att, found.part, found.groupRank)] : processesOf(job, att, found.part, found.groupRank)) });
  return spec;
}

/**
 * One process per GPU of the part. The environment is filled key by key: an object
 * spread followed by a dozen more keys (`{ ...env, RANK, … }`) takes V8's slow path,
 * measured 20× slower (4.5 s for 183,808 environments against 0.2 s).
 */
function processesOf(job: JobRec, att: AttemptRec, part: AttemptPart, groupRank: number): ProcessSpec[] {
  const world = String(job.spec.gpus), local = String(part.gpuIndices.length), group = String(groupRank);
  const port = String(att.masterPort), devices = part.gpuIndices.join(','), attempt = String(att.number);
  const interval = att.checkpointIntervalS ? String(att.checkpointIntervalS) : null;
  return part.gpuIndices.map((_, localRank) => {
    const rank = part.firstRank + localRank;
    const env: Record<string, string> = {};
    for (const k of Object.keys(job.spec.env)) env[k] = job.spec.env[k];
    env.RANK = String(rank);
    env.LOCAL_RANK = String(localRank);
    env.WORLD_SIZE = world;
    env.LOCAL_WORLD_SIZE = local;
    env.GROUP_RANK = group;
    env.MASTER_ADDR = att.masterAddr;
    env.MASTER_PORT = port;
    env.CUDA_VISIBLE_DEVICES = devices;
    env.COLOSSUS_JOB_ID = job.id;
    env.COLOSSUS_ATTEMPT = attempt;
    env.COLOSSUS_CHECKPOINT_DIR = job.spec.checkpointDir;
    if (interval) env.COLOSSUS_CHECKPOINT_INTERVAL_S = interval;
    return { rank, localRank, env };
  });
}

/**
 * One launcher process for the node (`--per-node`, e.g. torchrun): torchrun's settings
 * both as plain names (NNODES, NODE_RANK, NPROC_PER_NODE, MASTER_ADDR, MASTER_PORT) and as
 * the PET_* variables torchrun reads for its flags, so `python3 -m torch.distributed.run
 * train.py` needs no flags. No RANK/WORLD_SIZE/LOCAL_RANK: the launcher sets those per worker.
 */
function perNodeProcess(job: JobRec, att: AttemptRec, part: AttemptPart, groupRank: number): ProcessSpec {
  const env: Record<string, string> = {};
  for (const k of Object.keys(job.spec.env)) env[k] = job.spec.env[k];
  const set = (k: string, v: string) => ((env[k] = v), (env[`PET_${k}`] = v));
  set('NNODES', String(att.parts.length));
  set('NODE_RANK', String(groupRank));
  set('NPROC_PER_NODE', String(part.gpuIndices.length));
  set('MASTER_ADDR', att.masterAddr);
  set('MASTER_PORT', String(att.masterPort));
  env.CUDA_VISIBLE_DEVICES = part.gpuIndices.join(',');
  env.COLOSSUS_LAUNCH = 'per-node';
  env.COLOSSUS_WORLD_SIZE = String(job.spec.gpus);
  env.COLOSSUS_JOB_ID = job.id;
  env.COLOSSUS_ATTEMPT = String(att.number);
  env.COLOSSUS_CHECKPOINT_DIR = job.spec.checkpointDir;
  if (att.checkpointIntervalS) env.COLOSSUS_CHECKPOINT_INTERVAL_S = String(att.checkpointIntervalS);
  return { rank: groupRank, localRank: 0, gpus: [...part.gpuIndices], env };
}
