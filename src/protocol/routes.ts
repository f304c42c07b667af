/**
 * Every REST route of the control plane, with its role and schemas. The server
 * registers exactly these (and derives the OpenAPI document from them); clients
 * use the same table, so the API has one source of truth.
 */
import { z } from 'zod';
import * as agent from './agent.js';
import * as jobs from './jobs.js';
import * as nodes from './nodes.js';
import * as events from './events.js';
import * as admin from './admin.js';
import * as reliability from './reliability.js';
import * as session from './session.js';
import { attemptIdSchema, canonicalNameSchema, jobIdSchema, okSchema } from './common.js';

export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path under /api/v1, Fastify syntax (`:name`). */
  path: string;
  /** Roles allowed; 'node' means the node credential of the node named in the path. */
  roles: readonly ('admin' | 'operator' | 'user' | 'viewer' | 'agent' | 'node')[];
  summary: string;
  /** Path parameters (validated like the body: a bad one is a 400 naming it). */
  params?: z.ZodType;
  body?: z.ZodType;
  query?: z.ZodType;
  response: z.ZodType;
  /** HTTP status of success. */
  status?: number;
}

const nameParam = z.strictObject({ name: canonicalNameSchema });
const jobParam = z.strictObject({ id: jobIdSchema });
const attemptParam = z.strictObject({ name: canonicalNameSchema, attemptId: attemptIdSchema });

export const ROUTES = {
  register: { method: 'POST', path: '/agents/register', roles: ['agent', 'admin', 'node'], summary: 'Register a node (join token for a new or reset name; the node’s own credential to register again) → node credential', body: agent.registerRequestSchema, response: agent.registerResponseSchema },
  heartbeat: { method: 'POST', path: '/agents/:name/heartbeat', params: nameParam, roles: ['node'], summary: 'Liveness + telemetry delta; returns the desired attempts', body: agent.heartbeatRequestSchema, response: agent.heartbeatResponseSchema },
  attemptEvents: { method: 'POST', path: '/agents/:name/attempts/:attemptId/events', params: attemptParam, roles: ['node'], summary: 'Report attempt started / progress / logs / exit', body: agent.attemptReportSchema, response: agent.attemptReportResponseSchema },
  submitJob: { method: 'POST', path: '/jobs', roles: ['admin', 'operator', 'user'], summary: 'Submit a job', body: jobs.submitJobSchema, response: jobs.jobDetailSchema, status: 201 },
  listJobs: { method: 'GET', path: '/jobs', roles: ['admin', 'operator', 'user', 'viewer'], summary: 'List jobs (filters, sort, paging; total in X-Total-Count)', query: jobs.jobListQuerySchema, response: z.array(jobs.jobSummarySchema) },
  showJob: { method: 'GET', path: '/jobs/:id', params: jobParam, roles: ['admin', 'operator', 'user', 'viewer'], summary: 'A job with its attempts and result', response: jobs.jobDetailSchema },
  cancelJob: { method: 'POST', path: '/jobs/:id/cancel', params: jobParam, roles: ['admin', 'operator', 'user'], summary: 'Cancel a job (users: their own team’s jobs only)', body: jobs.cancelJobSchema, response: jobs.jobDetailSchema },
  jobLogs: { method: 'GET', path: '/jobs/:id/logs', params: jobParam, roles: ['admin', 'operator', 'user', 'viewer'], summary: 'Tail of the job’s stdout/stderr', query: jobs.logsQuerySchema, response: jobs.logsResponseSchema },
  listNodes: { method: 'GET', path: '/nodes', roles: ['admin', 'operator', 'user', 'viewer'], summary: 'List nodes (filters, sort, paging; total in X-Total-Count)', query: nodes.nodeListQuerySchema, response: z.array(nodes.nodeSummarySchema) },
  nodeCounts: { method: 'GET', path: '/fleet/nodes', roles: ['admin', 'operator', 'user', 'viewer'], summary: 'Node counts by state per hall, array or rack', query: nodes.nodeCountsQuerySchema, response: nodes.nodeCountsResponseSchema },
  fleetReliability: { method: 'GET', path: '/fleet/reliability', roles: ['admin', 'operator', 'user', 'viewer'], summary: 'The fleet’s own failure rate per cause: events, GPU-hours, preset prior, posterior mean and 90% interval', response: reliability.fleetReliabilitySchema },
  spareReserve: { method: 'GET', path: '/fleet/reserve', roles: ['admin', 'operator', 'user', 'viewer'], summary: 'The spare reserve: idle nodes kept from jobs smaller than the largest running gang (`--spare-reserve auto|N`), and what `auto` sized it from', response: reliability.spareReserveSchema },
  showNode: { method: 'GET', path: '/nodes/:name', params: nameParam, roles: ['admin', 'operator', 'user', 'viewer'], summary: 'A node with GPUs and transitions', response: nodes.nodeDetailSchema },
  cordonNode: { method: 'POST', path: '/nodes/:name/cordon', params: nameParam, roles: ['admin', 'operator'], summary: 'Take no new work (running work continues)', body: nodes.nodeActionSchema, response: nodes.nodeDetailSchema },
  uncordonNode: { method: 'POST', path: '/nodes/:name/uncordon', params: nameParam, roles: ['admin', 'operator'], summary: 'Return a node to service', body: nodes.nodeActionSchema, response: nodes.nodeDetailSchema },
  drainNode: { method: 'POST', path: '/nodes/:name/drain', params: nameParam, roles: ['admin', 'operator'], summary: 'Stop the node’s attempts (jobs recover elsewhere) and take no work', body: nodes.nodeActionSchema, response: nodes.nodeDetailSchema },
  repairNode: { method: 'POST', path: '/nodes/:name/repair', params: nameParam, roles: ['admin', 'operator'], summary: 'Send a node to repair: stop its attempts; it takes no work until uncordoned', body: nodes.nodeActionSchema, response: nodes.nodeDetailSchema },
  listEvents: { method: 'GET', path: '/events', roles: ['admin', 'operator', 'user', 'viewer'], summary: 'Decisions with reasons', query: events.eventsQuerySchema, response: events.eventsResponseSchema },
  createToken: { method: 'POST', path: '/tokens', roles: ['admin'], summary: 'Create a token (admin, operator, user or viewer; user/viewer tokens belong to a team)', body: admin.createTokenSchema, response: admin.createTokenResponseSchema, status: 201 },
  setQuota: { method: 'PUT', path: '/teams/:name', params: nameParam, roles: ['admin'], summary: 'Set a team GPU quota', body: admin.teamQuotaSchema, response: admin.teamViewSchema },
  listTeams: { method: 'GET', path: '/teams', roles: ['admin', 'operator', 'user', 'viewer'], summary: 'Teams, quotas and use', response: z.array(admin.teamViewSchema) },
  resetNode: { method: 'POST', path: '/nodes/:name/reset', params: nameParam, roles: ['admin'], summary: 'Revoke the node’s credential and let the join token register the name once more (a reinstalled node)', body: nodes.nodeActionSchema, response: nodes.nodeDetailSchema },
  revokeNode: { method: 'POST', path: '/nodes/:name/revoke', params: nameParam, roles: ['admin'], summary: 'Revoke the node’s credential (its agent can no longer heartbeat or register until `reset`)', body: nodes.nodeActionSchema, response: nodes.nodeDetailSchema },
  setNodeAddress: { method: 'POST', path: '/nodes/:name/address', params: nameParam, roles: ['admin'], summary: 'Set the address other nodes use as MASTER_ADDR (null: the address the server sees)', body: admin.nodeAddressSchema, response: nodes.nodeDetailSchema },
  createLoginLink: { method: 'POST', path: '/login-links', roles: ['admin'], summary: 'A one-time dashboard login link (viewer by default, or operator): valid once, for 10 minutes; GET /login?code=… exchanges it for a session cookie', body: session.createLoginLinkSchema, response: session.loginLinkSchema, status: 201 },
  showSession: { method: 'GET', path: '/session', roles: ['admin', 'operator', 'user', 'viewer'], summary: 'Who this request is signed in as (cookie session or bearer token)', response: session.sessionViewSchema },
  createSession: { method: 'POST', path: '/session', roles: ['admin', 'operator', 'user', 'viewer'], summary: 'Exchange this request\'s bearer token for a dashboard session cookie (HttpOnly, SameSite=Strict, 12 h; an admin token opens an operator session)', response: session.sessionViewSchema, status: 201 },
  deleteSession: { method: 'DELETE', path: '/session', roles: ['admin', 'operator', 'user', 'viewer'], summary: 'Log out: end this cookie session and clear the cookie', response: session.loggedOutSchema },
} as const satisfies Record<string, RouteDef>;

export type RouteName = keyof typeof ROUTES;
export { nameParam, okSchema };
