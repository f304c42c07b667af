/**
 * Plan → operate for `colossus job submit --model`: the planner (src/core/control/job-plan.ts,
 * the same function the twin plans with) chooses the layout for the job's GPUs on the cluster
 * the nodes form; the job gets it as environment and as its `plan`.
 */
import { ColossusError } from '../core/errors.js';
import { clusterOfNodes } from '../core/cluster/inventory.js';
import type { Cluster } from '../core/cluster/types.js';
import { PLAN_ENV_KEYS, jobPlanEnv, jobPlanSpec, layoutText, planJobLayout } from '../core/control/job-plan.js';
import type { JobPlanSpec } from '../core/control/types.js';
import type { Precision } from '../core/hardware/types.js';
import type { ApiClient } from '../protocol/client.js';
import type { PlanFlags } from './job-plan-flags.js';
import { loadCluster, loadModel } from './load.js';
import { resolveSoftware } from './perf-software.js';

export interface JobPlanned {
  env: Record<string, string>;
  plan: JobPlanSpec & { precision: Precision };
  /** One line for the terminal: model, cluster, layout, expected step time, software. */
  summary: string;
}

/** The plan of a job submitted with --model. */
export async function planForSubmit(f: PlanFlags & { model: string }, gpus: number, client: ApiClient): Promise<JobPlanned> {
  const model = loadModel(f.model);
  const software = resolveSoftware(f);
  const { cluster, label } = f.cluster !== undefined ? { cluster: loadCluster(f.cluster, gpus), label: f.cluster } : await clusterFromServer(client, gpus);
  const r = planJobLayout({ model, cluster, gbs: f.gbs, seq: f.seq, precision: f.precision, software: software.params });
  if (!r) {
    throw new ColossusError('infeasible', `no layout of ${model.name} fits ${gpus} GPUs of ${label}${f.gbs ? ` at gbs ${f.gbs}` : ''}`, {
      where: '--model', hint: `use more GPUs (--gpus), a smaller model, or see why: colossus plan --model ${f.model} --cluster ${cluster.spec.name} --gpus ${gpus} --gbs ${f.gbs ?? Math.max(gpus, 16)} --seq ${f.seq ?? 8192}`,
    });
  }
  const plan = jobPlanSpec(model.name, r, { software: software.name });
  const summary = `plan: ${model.name} on ${gpus} × ${cluster.gpu.id} (${label}): ${layoutText(r.layout)} ${r.layout.recompute} recompute, ${r.stepTimeS.toPrecision(3)} s/step expected, MFU ${(100 * r.mfu).toFixed(1)} % (${software.name})`;
  return { env: jobPlanEnv(r), plan, summary };
}

/** The node type most of the server's nodes are, as a cluster of `gpus` GPUs. */
async function clusterFromServer(client: ApiClient, gpus: number): Promise<{ cluster: Cluster; label: string }> {
  const nodes = await client.listNodes({ limit: 1000 });
  const kinds = new Map<string, { gpuModel: string; gpusPerNode: number; n: number }>();
  for (const n of nodes) {
    if (!n.gpuModel || n.gpus === 0) continue;
    const key = `${n.gpuModel}\u0000${n.gpus}`;
    const k = kinds.get(key) ?? { gpuModel: n.gpuModel, gpusPerNode: n.gpus, n: 0 };
    k.n++;
    kinds.set(key, k);
  }
  const top = [...kinds.values()].sort((a, b) => b.n - a.n)[0];
  if (!top) throw new ColossusError('usage', 'the server has no nodes with GPUs to plan the job on', { where: '--model', hint: 'start agents first, or name the cluster with --cluster (e.g. dgx-h100)' });
  const { preset, cluster } = clusterOfNodes(top, gpus);
  return { cluster, label: `${preset}, from the nodes' ${top.gpuModel}` };
}

/** The job's environment: the plan's variables plus --env; --env may not set a plan variable. */
export function mergePlanEnv(planEnv: Record<string, string>, userEnv: Record<string, string>): Record<string, string> {
  const clash = Object.keys(userEnv).find((k) => k in planEnv || (PLAN_ENV_KEYS as readonly string[]).includes(k) || k === 'COLOSSUS_PP_LAYOUT');
  if (clash) throw new ColossusError('usage', `--env ${clash} is set by --model's plan`, { where: '--env', hint: 'leave it out (the planner chooses the layout), or submit without --model and set the layout yourself' });
  return { ...planEnv, ...userEnv };
}
