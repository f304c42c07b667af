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

/**
 * Sorts by `key` (`-key` descending), ties by the default key, then pages. Keys are
 * computed once per item; a page near the top of a long list (the dashboard's 50 of
 * 25,000) is selected with a bounded heap instead of sorting everything — the same
 * items in the same order, since the default key is unique.
 */
function sortPage<T>(items: T[], keys: Record<string, (x: T) => string | number>, sort: string, offset: number, limit: number, fallback: string): T[] {
  const desc = sort.startsWith('-');
  const key = keys[desc ? sort.slice(1) : sort] ?? keys[fallback];
  const tie = keys[fallback];
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  const rows = items.map((x) => ({ x, k: key(x), t: tie(x) }));
  type Row = (typeof rows)[number];
  const before = (a: Row, b: Row) => (desc ? -1 : 1) * cmp(a.k, b.k) || cmp(a.t, b.t);
  const want = Math.min(rows.length, offset + limit);
  const top = want * 8 < rows.length ? smallest(rows, want, before) : rows.sort(before);
  return top.slice(offset, offset + limit).map((r) => r.x);
}

/** The `k` first rows in `before` order, sorted: a max-heap of the best k seen so far. */
function smallest<R>(rows: R[], k: number, before: (a: R, b: R) => number): R[] {
  const heap: R[] = [];
  const worse = (i: number, j: number) => before(heap[i], heap[j]) > 0;
  const swap = (i: number, j: number) => ([heap[i], heap[j]] = [heap[j], heap[i]]);
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < heap.length && worse(l, m)) m = l;
      if (r < heap.length && worse(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  if (k === 0) return [];
  for (const row of rows) {
    if (heap.length < k) {
      heap.push(row);
      for (let i = heap.length - 1; i > 0 && worse(i, (i - 1) >> 1); i = (i - 1) >> 1) swap(i, (i - 1) >> 1);
    } else if (before(row, heap[0]) < 0) {
      heap[0] = row;
      down(0);
    }
  }
  return heap.sort(before);
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
  const sort = q.sort ?? 'name';
  if (sort === 'name' || sort === '-name') {
    // the controller keeps the nodes in name order (until one registers): no sort of 25,000 names per request
    const all = ctl.nodesByName().filter(match);
    if (sort === '-name') all.reverse();
    const offset = q.offset ?? 0;
    return { total: all.length, items: all.slice(offset, offset + (q.limit ?? all.length)) };
  }
  const all = [...ctl.nodes.values()].filter(match);
  return { total: all.length, items: sortPage(all, NODE_KEYS, sort, q.offset ?? 0, q.limit ?? all.length, 'name') };
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
