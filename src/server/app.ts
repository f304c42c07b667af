/**
 * `createServer({ store, clock, … })`: the control plane as a Fastify app over
 * the pure Controller. Reusable in-process (tests, the twin with a virtual clock
 * and `tickMs: 0`); `startServer` in ./main.ts adds files, ports and signals.
 */
import Fastify, { LogController, type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Controller } from '../core/control/controller.js';
import { DEFAULT_POLICY, type Clock, type ControlPolicy } from '../core/control/types.js';
import type { FailureModel } from '../core/reliability/types.js';
import { LIMITS } from '../protocol/common.js';
import { TokenTable, hashToken } from './auth.js';
import { sendProblem } from './errors.js';
import { clientErrorHandler, drainRefusedBody, uriLimitHook } from './http-edge.js';
import { createMetrics, type Metrics } from './metrics.js';
import { Persister } from './persister.js';
import { textStream } from './slices.js';
import { StoreHealth } from './store-health.js';
import type { Store, TokenRow, WriteBatch } from './store/store.js';
import { registerApiRoutes } from './routes/index.js';
import { registerSessionRoutes } from './routes/session.js';
import { authenticateRequest } from './session.js';
import { registerStatic } from './static.js';

export interface ServerOptions {
  store: Store;
  /** Defaults to the wall clock. */
  clock?: Clock;
  policy?: Partial<ControlPolicy>;
  /** Plain tokens to make valid at start (hashed before they are stored). */
  bootstrapTokens?: { admin?: string; agent?: string };
  /** Scheduler/health tick period, ms; 0 = none (the caller calls `tick()`). Default 500. */
  tickMs?: number;
  /** Log lines kept across all jobs (older ones are deleted as new ones arrive). Default 1,000,000. */
  keepLogLines?: number;
  /**
   * Directories a job's checkpointDir must be in (absolute, normalised). Default: the
   * policy's checkpointRoot (where default checkpoint dirs go).
   */
  checkpointRoots?: string[];
  /** Extra OpenAPI paths for /docs, served by an embedding app (the twin's endpoints). */
  openapiPaths?: Record<string, Record<string, unknown>>;
  /**
   * Wall clock for login codes and sessions, epoch ms (default Date.now). Not `clock`: the
   * twin's clock is virtual, and a login code lasts 10 real minutes. Tests inject it.
   */
  authNowMs?: () => number;
  /** Where GET /login sends the browser once it has its session cookie (default `/`). */
  loginRedirect?: string;
  /** Serve the dashboard (web/dist) at / from this directory (`colossus server`; the twin serves its own). */
  webDir?: string;
  /** The prior of the fleet's failure-rate estimate (default: the generation preset of the fleet's GPU model). */
  failurePrior?: FailureModel;
  /** Fastify logger options (pino); default: off. */
  logger?: FastifyServerOptions['logger'];
}

export interface ColossusServer {
  app: FastifyInstance;
  controller: Controller;
  persister: Persister;
  tokens: TokenTable;
  metrics: Metrics;
  store: Store;
  /** Storage faults: set while the store cannot commit. */
  storeHealth: StoreHealth;
  /** Throws 503 when the store cannot serve this request (writes while it cannot commit; reads until memory was reloaded). */
  guard(method: string): void;
  /** Roots a job's checkpointDir must be under. */
  checkpointRoots: string[];
  /** Drains the controller's changes into the store (resolves once committed; 503 problem when it did not). */
  commit(extra?: WriteBatch): Promise<void>;
  /** Timeouts + scheduling now, then commit. */
  tick(): Promise<void>;
  /** Schedules a tick soon (coalesced). */
  kick(): void;
  /** Next log line sequence number. */
  nextLogSeq(): number;
  /** Who sent the request: bearer token, or the dashboard's session cookie (401/403 problems otherwise). */
  authenticate(req: FastifyRequest): TokenRow;
  /** The wall clock of login codes and sessions, epoch ms. */
  authNowMs(): number;
  close(): Promise<void>;
}

/** Wall clock for records; performance.now() (monotonic) for timeouts and rate limits. */
const systemClock: Clock = { nowMs: () => Date.now(), monotonicMs: () => performance.now() };

export async function createServer(opts: ServerOptions): Promise<ColossusServer> {
  const clock = opts.clock ?? systemClock;
  const authNowMs = opts.authNowMs ?? (() => Date.now());
  const policy = { ...DEFAULT_POLICY, ...opts.policy };
  const controller = new Controller(clock, policy);
  controller.fleet.setPrior(opts.failurePrior ?? null);
  const snap = await opts.store.loadSnapshot();
  controller.restore(snap); // the snapshot carries the interruption counts of the stored events (the fleet's history)
  const tokens = new TokenTable(snap.tokens);
  const persister = new Persister(opts.store);
  const boot = bootstrapRows(tokens, opts.bootstrapTokens ?? {}, clock.nowMs());
  controller.emit('server.start', `restored ${snap.nodes.length} nodes, ${snap.jobs.length} jobs; running attempts are reconciled with agents`);
  await persister.write({ changes: controller.takeChanges(), tokensPut: boot });

  const app = Fastify({
    logger: opts.logger ?? false, bodyLimit: LIMITS.bodyBytes, logController: new LogController({ disableRequestLogging: true }), return503OnClosing: true,
    clientErrorHandler, frameworkErrors: (err, req, reply) => void sendProblem(reply, req, err),
  });
  app.addHook('onRequest', uriLimitHook);
  app.setValidatorCompiler(() => () => true); // zod validates in the handlers (one source of truth)
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler(async (err, req, reply) => {
    if ((err as { statusCode?: number }).statusCode === 413) await drainRefusedBody(req.raw);
    return sendProblem(reply, req, err);
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).type('application/problem+json').send(JSON.stringify({ type: '/problems/not-found', title: 'Not Found', status: 404, detail: `no route ${req.method} ${req.url.slice(0, 200)}`, where: 'URL', hint: 'routes are listed at /docs' })));
  const metrics = createMetrics(controller, persister);
  app.addHook('onResponse', async (req, reply) => {
    metrics.observe(req.routeOptions.url ?? 'unmatched', req.method, reply.statusCode, reply.elapsedTime / 1000);
  });
  await app.register(swagger, { openapi: { info: { title: 'Colossus control plane', version: '1' }, components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'colossus_session' } } }, security: [{ bearer: [] }, { session: [] }], ...(opts.openapiPaths ? { paths: { ...opts.openapiPaths } } : {}) } });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  let logSeq = snap.lastLogSeq;
  const keepLogLines = opts.keepLogLines ?? 1_000_000;
  let trimmedLogSeq = Math.max(0, logSeq - keepLogLines);
  let kickTimer: NodeJS.Timeout | null = null;
  const storeHealth = new StoreHealth({
    kind: opts.store.kind,
    reload: async () => {
      const again = await opts.store.loadSnapshot();
      controller.reload(again);
      logSeq = Math.max(logSeq, again.lastLogSeq);
    },
    probe: () => opts.store.probe(),
    recovered: () => {
      persister.reset();
      server.kick();
    },
    log: (level, msg) => app.log[level](msg),
  });
  const server: ColossusServer = {
    app, controller, persister, tokens, metrics, store: opts.store, storeHealth, checkpointRoots: opts.checkpointRoots ?? [policy.checkpointRoot],
    guard(method) {
      const f = storeHealth.fault;
      if (f && (method !== 'GET' || !f.reloaded)) throw storeHealth.unavailable();
    },
    commit(extra) {
      if (storeHealth.fault) return Promise.reject(storeHealth.unavailable());
      const changes = controller.takeChanges();
      if ((app.log as { isLevelEnabled?: (l: string) => boolean }).isLevelEnabled?.('info')) for (const e of changes.events) app.log.info({ event: e.kind, jobId: e.jobId ?? undefined, node: e.node ?? undefined }, e.reason);
      return persister.write({ changes, ...extra }).catch((err: unknown) => {
        storeHealth.failed(err);
        throw storeHealth.unavailable();
      });
    },
    async tick() {
      if (storeHealth.fault) return; // no timeouts, no placements: nothing could be committed
      controller.tick();
      if (controller.hasChanges()) await server.commit();
      if (logSeq - trimmedLogSeq > 2 * keepLogLines) {
        trimmedLogSeq = logSeq - keepLogLines;
        await opts.store.trimLogs(trimmedLogSeq);
      }
    },
    kick() {
      if (kickTimer || (opts.tickMs ?? 500) === 0) return;
      kickTimer = setTimeout(() => {
        kickTimer = null;
        server.tick().catch((err) => app.log.error({ err }, 'tick failed'));
      }, 20); // coalesce: one scheduling pass for a burst of submits, exits or registrations
    },
    nextLogSeq: () => ++logSeq,
    authenticate: (req) => authenticateRequest(tokens, req, authNowMs()),
    authNowMs: () => authNowMs(),
    async close() {
      clearInterval(timer);
      if (kickTimer) clearTimeout(kickTimer);
      storeHealth.close();
      await app.close();
      if (!storeHealth.fault) await server.commit();
    },
  };
  registerApiRoutes(server);
  registerSessionRoutes(server, opts.loginRedirect ?? '/');
  if (opts.webDir) await registerStatic(app, opts.webDir);
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (req, reply) => {
    const fault = storeHealth.problem();
    if (fault) return reply.code(503).type('application/problem+json').send(JSON.stringify(fault));
    try {
      await opts.store.ping();
      return { ok: true, store: opts.store.kind, nodes: controller.nodes.size, jobs: controller.jobs.size };
    } catch (err) {
      req.log.error({ err }, 'store unreachable');
      return reply.code(503).type('application/problem+json').send(JSON.stringify({ type: '/problems/unavailable', title: 'Service Unavailable', status: 503, detail: `the ${opts.store.kind} store does not answer` }));
    }
  });
  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(textStream(await metrics.renderParts())));
  const tickMs = opts.tickMs ?? 500;
  const timer = setInterval(() => void server.tick().catch((err) => app.log.error({ err }, 'tick failed')), tickMs || 2 ** 30);
  if (tickMs === 0) clearInterval(timer);
  await app.ready();
  return server;
}

/** Token rows for the bootstrap tokens that the table does not know yet. */
function bootstrapRows(tokens: TokenTable, boot: { admin?: string; agent?: string }, nowMs: number): TokenRow[] {
  const rows: TokenRow[] = [];
  for (const [role, token] of [['admin', boot.admin], ['agent', boot.agent]] as const) {
    if (!token || tokens.has(hashToken(token))) continue;
    const row: TokenRow = { hash: hashToken(token), role, name: `bootstrap-${role}`, node: null, createdAtMs: nowMs };
    tokens.put(row);
    rows.push(row);
  }
  return rows;
}
