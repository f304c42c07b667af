/**
 * A small typed HTTP client over the route table (global fetch, Node ≥ 20).
 * Used by the CLI and the agent. Errors come back as ColossusError carrying the
 * server's problem+json (status → code), or 'failure' when the server is unreachable.
 */
import { ColossusError, type ErrorCode } from '../core/errors.js';
import { API_PREFIX, problemSchema } from './common.js';
import type { RegisterRequest, RegisterResponse, HeartbeatRequest, HeartbeatResponse, AttemptReport, AttemptReportResponse } from './agent.js';
import type { SubmitJob, JobDetail, JobSummary, LogsResponse } from './jobs.js';
import type { NodeSummary, NodeDetail, NodeCounts } from './nodes.js';
import type { FleetReliabilityView, SpareReserveView } from './reliability.js';

/** Filters, sort and paging of the list routes (GET /nodes, GET /jobs); see their query schemas. */
export type ListQuery = Record<string, string | number | undefined>;
import type { EventView } from './events.js';

const CODE_OF_STATUS: Record<number, ErrorCode> = { 400: 'usage', 401: 'unauthorized', 403: 'forbidden', 404: 'not-found', 409: 'conflict', 413: 'usage', 422: 'infeasible' };

export interface ClientOptions {
  /**
   * e.g. http://127.0.0.1:7460, or several replicas comma-separated
   * (http://a:7460,http://b:7460): a request goes to the one that answered last
   * and moves on to the next when a server is unreachable or answers 503
   * (a standby with no leader, a store that cannot commit).
   */
  server: string;
  token?: string;
  /** Per-request timeout, ms. Default 10 000. */
  timeoutMs?: number;
}

export class ApiClient {
  constructor(readonly options: ClientOptions) {}

  /** Index in `servers` of the one that answered last. */
  private current = 0;

  get servers(): string[] {
    return parseServers(this.options.server);
  }

  /** One request; `path` is under /api/v1 unless it starts with '/' and a known root (healthz…). */
  async request<T>(method: string, path: string, body?: unknown, token = this.options.token, extraHeaders: Record<string, string> = {}): Promise<T> {
    const full = path.startsWith('/api/') || path.startsWith('/healthz') || path.startsWith('/readyz') ? path : API_PREFIX + path;
    const servers = this.servers;
    const init: RequestInit = {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...extraHeaders },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      redirect: 'manual', // followed below: fetch drops the Authorization header on a redirect to another origin
    };
    let res: Response | undefined;
    let unreachable = '';
    for (let i = 0; i < servers.length; i++) {
      const k = (this.current + i) % servers.length;
      try {
        res = await fetchFollowing(servers[k].replace(/\/+$/, '') + full, init, this.options.timeoutMs ?? 10_000);
      } catch (e) {
        unreachable = `cannot reach the server at ${servers[k]}: ${(e as Error).message}`;
        res = undefined;
        continue;
      }
      if (res.status === 503 && i < servers.length - 1) continue; // a standby without a leader, or a store that cannot commit: try the next
      this.current = k;
      break;
    }
    if (!res) {
      throw new ColossusError('failure', servers.length > 1 ? `cannot reach any of ${servers.join(', ')} (last: ${unreachable})` : unreachable, {
        hint: 'start it with `colossus server`, or set --server / COLOSSUS_SERVER',
      });
    }
    const text = await res.text();
    const json = text ? safeJson(text) : undefined;
    if (res.ok) return json as T;
    const p = problemSchema.safeParse(json);
    const code = CODE_OF_STATUS[res.status] ?? 'failure';
    if (p.success) {
      throw new ColossusError(code, p.data.detail, { where: p.data.where, hint: p.data.hint, details: { status: res.status, issues: p.data.issues } });
    }
    throw new ColossusError(code, `${method} ${path}: HTTP ${res.status} ${text.slice(0, 200)}`);
  }

  /** With the join token (a new or reset name), or `token` = the node's own credential (registering again). */
  register = (req: RegisterRequest, token?: string) => this.request<RegisterResponse>('POST', '/agents/register', req, token ?? this.options.token);
  heartbeat = (name: string, nodeToken: string, req: HeartbeatRequest) =>
    this.request<HeartbeatResponse>('POST', `/agents/${enc(name)}/heartbeat`, req, nodeToken);
  reportAttempt = (name: string, nodeToken: string, attemptId: string, report: AttemptReport) =>
    this.request<AttemptReportResponse>('POST', `/agents/${enc(name)}/attempts/${enc(attemptId)}/events`, report, nodeToken);

  /** `idempotencyKey`: one per submission, the same on a retry (the server then returns the job it made). */
  submitJob = (job: SubmitJob, idempotencyKey?: string) => this.request<JobDetail>('POST', '/jobs', job, this.options.token, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {});
  /** Jobs matching the filters (a string is a state, as before). */
  listJobs = (q: string | ListQuery = {}) => this.request<JobSummary[]>('GET', `/jobs${query(typeof q === 'string' ? { state: q } : q)}`);
  showJob = (id: string) => this.request<JobDetail>('GET', `/jobs/${enc(id)}`);
  cancelJob = (id: string, reason?: string) => this.request<JobDetail>('POST', `/jobs/${enc(id)}/cancel`, reason ? { reason } : {});
  jobLogs = (id: string, q: { attempt?: number; tail?: number } = {}) =>
    this.request<LogsResponse>('GET', `/jobs/${enc(id)}/logs${query(q)}`);
  listNodes = (q: ListQuery = {}) => this.request<NodeSummary[]>('GET', `/nodes${query(q)}`);
  nodeCounts = (by: 'hall' | 'array' | 'rack' = 'hall') => this.request<NodeCounts>('GET', `/fleet/nodes?by=${by}`);
  fleetReliability = () => this.request<FleetReliabilityView>('GET', '/fleet/reliability');
  fleetReserve = () => this.request<SpareReserveView>('GET', '/fleet/reserve');
  showNode = (name: string) => this.request<NodeDetail>('GET', `/nodes/${enc(name)}`);
  nodeAction = (name: string, action: 'cordon' | 'uncordon' | 'drain' | 'repair' | 'reset' | 'revoke', reason?: string) =>
    this.request<NodeDetail>('POST', `/nodes/${enc(name)}/${action}`, reason ? { reason } : {});
  events = (q: { since?: number; jobId?: string; node?: string; limit?: number } = {}) =>
    this.request<{ events: EventView[] }>('GET', `/events${query(q)}`);
}

/** `a,b` → ['a', 'b'] (blanks dropped). */
export function parseServers(list: string): string[] {
  const out = list.split(',').map((s) => s.trim()).filter(Boolean);
  return out.length ? out : [list];
}

/** fetch, following up to 3 redirects (307/308: same method and body) with the same headers. */
async function fetchFollowing(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  let target = url;
  for (let hop = 0; ; hop++) {
    const res = await fetch(target, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const location = res.headers.get('location');
    if (![307, 308].includes(res.status) || !location || hop >= 3) return res;
    await res.body?.cancel();
    target = new URL(location, target).toString();
  }
}

const enc = encodeURIComponent;
function query(q: Record<string, string | number | undefined>): string {
  const parts = Object.entries(q).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${enc(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}
function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
