/**
 * Brings the twin up: the real control-plane server (`createServer`) on SQLite
 * with the twin's virtual clock and no wall-clock tick, the simulated fleet on
 * its controller, the pacer, and one HTTP listener that serves the dashboard and
 * the twin's endpoints and hands everything else to the control plane's routes.
 */
import { mkdirSync, mkdtempSync, existsSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Fastify from 'fastify';
import type { Cluster } from '../core/cluster/types.js';
import type { ModelSpec } from '../core/model/types.js';
import type { FailureModel } from '../core/reliability/types.js';
import { ColossusError } from '../core/errors.js';
import { createServer, type ColossusServer } from '../server/app.js';
import { sendProblem } from '../server/errors.js';
import { Store } from '../server/store/store.js';
import { loginPath, mintLoginCode, type LoginRole } from '../server/login-codes.js';
import { ensureTokenFiles } from '../server/tokens-files.js';
import { Pacer } from './pacer.js';
import { twinGpuMetrics } from './metrics-source.js';
import { Twin } from './twin.js';
import type { PlanSoftware } from './workloads.js';
import { VirtualClock } from './virtual-clock.js';
import { registerTwinRoutes } from './http/routes.js';
import { TWIN_OPENAPI_PATHS } from './http/openapi.js';
import { defaultWebDir, registerStatic } from '../server/static.js';

export interface TwinStartOptions {
  cluster: Cluster;
  model: ModelSpec;
  failures: FailureModel;
  seed: number;
  speed: number;
  /** Fresh directory for the SQLite store and tokens; default a temporary one, removed at stop. */
  dataDir?: string;
  host: string;
  port: number;
  /** Virtual time 0 in epoch ms; default now. */
  startMs?: number;
  /** Stop advancing at this virtual time, s. */
  untilS?: number;
  webDir?: string;
  env?: Record<string, string | undefined>;
  /** Keep a temporary data dir at stop (default: removed). */
  keepData?: boolean;
  /** Token budget of each flagship run (default 15 T). */
  flagshipTokens?: number;
  /** Software the jobs are planned for (default the newest release). */
  software?: PlanSoftware;
  /** The control plane's spare reserve for the flagship's restarts (default 'auto'; 0 = none). */
  spareReserve?: number | 'auto';
}

export interface RunningTwin {
  twin: Twin;
  pacer: Pacer;
  server: ColossusServer;
  url: string;
  /** For the CLI, tests and scripts in this process: never printed or put in a URL (the dashboard signs in with a login link). */
  adminToken: string;
  dataDir: string;
  /** A new one-time login link (valid once, for 10 minutes) for a viewer or operator session on the dashboard. */
  loginLink(role?: LoginRole): Promise<{ url: string; role: LoginRole; expiresAtMs: number }>;
  stop(): Promise<void>;
}

function prepareDataDir(dir: string | undefined): { dir: string; temporary: boolean } {
  if (!dir) return { dir: mkdtempSync(join(tmpdir(), 'colossus-twin-')), temporary: true };
  const abs = resolve(dir);
  if (existsSync(join(abs, 'colossus.db'))) {
    throw new ColossusError('usage', `${abs} already holds a control-plane database (colossus.db)`, { where: '--data-dir', hint: 'the twin starts a fresh fleet: give an empty or new directory, or remove colossus.db' });
  }
  mkdirSync(abs, { recursive: true });
  return { dir: abs, temporary: false };
}

export async function startTwin(o: TwinStartOptions): Promise<RunningTwin> {
  const data = prepareDataDir(o.dataDir);
  const store = await Store.open({ dataDir: data.dir });
  const tokens = ensureTokenFiles(data.dir, o.env ?? process.env);
  const clock = new VirtualClock(o.startMs ?? Date.now());
  const server = await createServer({ store, clock, tickMs: 0, bootstrapTokens: { admin: tokens.admin, agent: tokens.agent }, policy: { checkpointRoot: join(data.dir, 'checkpoints'), spareReserve: o.spareReserve ?? 'auto' }, openapiPaths: TWIN_OPENAPI_PATHS });
  let twin: Twin;
  try {
    twin = new Twin({ cluster: o.cluster, model: o.model, failures: o.failures, seed: o.seed, ctl: server.controller, clock, flagshipTokens: o.flagshipTokens, software: o.software });
  } catch (err) {
    // e.g. a cluster too small for the flagship: leave nothing behind
    await server.close();
    await store.close();
    if (data.temporary) rmSync(data.dir, { recursive: true, force: true });
    throw err;
  }
  twin.start();
  server.metrics.setGpuSource(twinGpuMetrics(twin));
  await server.commit();
  const commit = async () => {
    const evictable = twin.takeEvictable();
    await server.commit();
    twin.evict(evictable);
  };
  const pacer = new Pacer(twin, { speed: o.speed, untilS: o.untilS, commit });

  const web = Fastify({ logger: false });
  web.setErrorHandler((err, req, reply) => sendProblem(reply, req, err));
  registerTwinRoutes(web, { twin, pacer, server });
  await registerStatic(web, o.webDir ?? defaultWebDir());
  await web.ready();
  const mine = (url: string) => {
    const path = url.split('?')[0];
    return path === '/' || path.startsWith('/api/v1/twin/') || path.startsWith('/assets/') || /^\/(overview|map|jobs|nodes|planner|reliability)(\/|$)/.test(path);
  };
  const http: Server = createHttpServer((req, res) => (mine(req.url ?? '/') ? web.routing(req, res) : server.app.routing(req, res)));
  try {
    await new Promise<void>((ok, fail) => http.once('error', fail).listen(o.port, o.host, () => ok()));
  } catch (err) {
    await server.close();
    await store.close();
    if (data.temporary) rmSync(data.dir, { recursive: true, force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new ColossusError('failure', `port ${o.port} on ${o.host} is already in use`, { where: '--port', hint: 'pick another --port, or --port 0 for any free port' });
    throw err;
  }
  const addr = http.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  const url = `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}`;
  pacer.start();
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      await pacer.stop();
      http.closeAllConnections?.();
      await new Promise<void>((ok) => http.close(() => ok()));
      await web.close();
      await server.close();
      await store.close();
      if (data.temporary && !o.keepData) rmSync(data.dir, { recursive: true, force: true });
    })());
  const loginLink = async (role: LoginRole = 'viewer') => {
    const m = await mintLoginCode(store, role, server.authNowMs());
    return { url: url + loginPath(m.code), role, expiresAtMs: m.expiresAtMs };
  };
  return { twin, pacer, server, url, adminToken: tokens.admin, dataDir: data.dir, loginLink, stop };
}
