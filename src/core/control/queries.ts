/**
 * Server-side paging, sorting and filtering of nodes and jobs (the API's list
 * routes, the dashboard's tables, `colossus node list`/`job list`), and the
 * per-hall/array/rack node counts by state of `colossus node summary`.
 * Filters combine with AND; a list filter (state) matches any of its values.
 */
import { attemptsOn, freeGpus } from './node-state.js';
import type { Controller } from './controller.js';
import type { JobRec, NodeRec } from './types.js';

export interface Page<T> {
  total: number;
  items: T[];
}

export interface NodeQuery {
  state?: string[];
  rack?: string;
  array?: string;
  hall?: string;
  gpuModel?: string;
  /** Nodes running an attempt of this job id. */
  job?: string;
  /** Nodes running an attempt of a job of this team. */
  team?: string;
  /** Substring of the name or rack. */
  q?: string;
  /** name | state | rack | gpus | gpusFree | lastHeartbeat; `-` first = descending. */
  sort?: string;
  offset?: number;
  limit?: number;
}

/** Job ids with an attempt holding GPUs on the node (attempt ids are `<job id>.a<n>`). */
export function jobsOnNode(n: NodeRec): string[] {
  return [...new Set(attemptsOn(n).map((id) => id.slice(0, id.lastIndexOf('.'))))];
}

const NODE_KEYS: Record<string, (n: NodeRec) => string | number> = {
  name: (n) => n.name,
  state: (n) => n.state,
  rack: (n) => n.rack ?? '',
  gpus: (n) => n.gpus.length,
  gpusFree: (n) => freeGpus(n),
  lastHeartbeat: (n) => n.lastHeartbeatMs,
};

const JOB_KEYS: Record<string, (j: JobRec) => string | number> = {
  id: (j) => j.seq,
  name: (j) => j.spec.name,
  state: (j) => j.state,
  team: (j) => j.spec.team,
  gpus: (j) => j.spec.gpus,
  priority: (j) => j.spec.priority,
  submitted: (j) => j.submittedAtMs,
  restarts: (j) => j.restarts,
  step: (j) => j.lastStep ?? -1,
};

export const NODE_SORT_KEYS = Object.keys(NODE_KEYS);
export const JOB_SORT_KEYS = Object.keys(JOB_KEYS);

/** Sorts by `key` (`-key` descending), ties by the default key, then pages. */
function sortPage<T>(items: T[], keys: Record<string, (x: T) => string | number>, sort: string, offset: number, limit: number, fallback: string): T[] {
  const desc = sort.startsWith('-');
  const key = keys[desc ? sort.slice(1) : sort] ?? keys[fallback];
  const tie = keys[fallback];
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  items.sort((a, b) => (desc ? -1 : 1) * cmp(key(a), key(b)) || cmp(tie(a), tie(b)));
  return items.slice(offset, offset + limit);
}

export function queryNodes(ctl: Controller, q: NodeQuery): Page<NodeRec> {
  const teamJobs = q.team === undefined ? null : new Set([...ctl.jobs.values()].filter((j) => j.spec.team === q.team && ctl.liveAttempt(j)).map((j) => j.id));
  const match = (n: NodeRec): boolean => {
    if (q.state?.length && !q.state.includes(n.state)) return false;
    if (q.rack !== undefined && n.rack !== q.rack) return false;
    if (q.array !== undefined && n.array !== q.array) return false;
    if (q.hall !== undefined && n.hall !== q.hall) return false;
    if (q.gpuModel !== undefined && !(n.gpus[0]?.model ?? '').toLowerCase().includes(q.gpuModel.toLowerCase())) return false;
    if (q.q && !n.name.includes(q.q) && !(n.rack ?? '').includes(q.q)) return false;
    if (q.job !== undefined || teamJobs) {
      const jobs = jobsOnNode(n);
      if (q.job !== undefined && !jobs.includes(q.job)) return false;
      if (teamJobs && !jobs.some((j) => teamJobs.has(j))) return false;
    }
    return true;
  };
  const all = [...ctl.nodes.values()].filter(match);
  return { total: all.length, items: sortPage(all, NODE_KEYS, q.sort ?? 'name', q.offset ?? 0, q.limit ?? all.length, 'name') };
}

export interface JobQuery {
  state?: string[];
  team?: string;
  /** Substring of the name or id. */
  q?: string;
  /** id | name | state | team | gpus | priority | submitted | restarts | step; `-` first = descending. */
  sort?: string;
  offset?: number;
  limit?: number;
}

/**
 * Without `sort` and `offset`, the newest `limit` jobs in submission order (the
 * list's original behaviour); otherwise sorted, then `offset`/`limit`.
 */
export function queryJobs(ctl: Controller, q: JobQuery): Page<JobRec> {
  const all = [...ctl.jobs.values()].filter(
    (j) => (!q.state?.length || q.state.includes(j.state)) && (q.team === undefined || j.spec.team === q.team) && (!q.q || j.spec.name.includes(q.q) || j.id.includes(q.q)),
  );
  const limit = q.limit ?? all.length;
  if (q.sort === undefined && q.offset === undefined) return { total: all.length, items: all.slice(-limit) };
  return { total: all.length, items: sortPage(all, JOB_KEYS, q.sort ?? 'id', q.offset ?? 0, limit, 'id') };
}

export interface NodeCountRow {
  /** The hall, array or rack ("-" when the node has no such label). */
  group: string;
  nodes: number;
  gpus: number;
  gpusFree: number;
  /** Nodes per state. */
  states: Record<string, number>;
}

/** Node counts by state per hall, array or rack (like Slurm's `sinfo -s`), groups in name order. */
export function nodeCounts(ctl: Controller, by: 'hall' | 'array' | 'rack'): NodeCountRow[] {
  const rows = new Map<string, NodeCountRow>();
  for (const n of ctl.nodes.values()) {
    const g = n[by] ?? '-';
    let r = rows.get(g);
    if (!r) rows.set(g, (r = { group: g, nodes: 0, gpus: 0, gpusFree: 0, states: {} }));
    r.nodes++;
    r.gpus += n.gpus.length;
    if (!n.down && n.hold === null) r.gpusFree += freeGpus(n);
    r.states[n.state] = (r.states[n.state] ?? 0) + 1;
  }
  return [...rows.values()].sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
}
