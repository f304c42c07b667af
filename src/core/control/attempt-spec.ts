/**
 * The workload contract (DESIGN.md): one process per GPU with torchrun-compatible
 * env plus COLOSSUS_JOB_ID, COLOSSUS_ATTEMPT and COLOSSUS_CHECKPOINT_DIR.
 */
import type { AttemptRec, JobRec } from './types.js';
import { partOn } from './attempt-index.js';

export interface ProcessSpec {
  rank: number;
  localRank: number;
  env: Record<string, string>;
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
  const { part, groupRank } = found;
  const processes = part.gpuIndices.map((_, localRank) => {
    const rank = part.firstRank + localRank;
    return {
      rank,
      localRank,
      env: {
        ...job.spec.env,
        RANK: String(rank),
        LOCAL_RANK: String(localRank),
        WORLD_SIZE: String(job.spec.gpus),
        LOCAL_WORLD_SIZE: String(part.gpuIndices.length),
        GROUP_RANK: String(groupRank),
        MASTER_ADDR: att.masterAddr,
        MASTER_PORT: String(att.masterPort),
        CUDA_VISIBLE_DEVICES: part.gpuIndices.join(','),
        COLOSSUS_JOB_ID: job.id,
        COLOSSUS_ATTEMPT: String(att.number),
        COLOSSUS_CHECKPOINT_DIR: job.spec.checkpointDir,
      },
    };
  });
  return {
    attemptId: att.id,
    jobId: job.id,
    attempt: att.number,
    command: job.spec.command,
    ...(job.spec.cwd ? { cwd: job.spec.cwd } : {}),
    checkpointDir: job.spec.checkpointDir,
    processes,
    gracePeriodS: job.spec.gracePeriodS,
  };
}
