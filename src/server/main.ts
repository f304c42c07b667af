/**
 * `colossus server`: locks the data dir, opens the store (SQLite in --data-dir, or
 * PostgreSQL when DATABASE_URL=postgres://…), ensures the token files, listens, and
 * shuts down gracefully on SIGTERM/SIGINT (stop accepting, finish requests, commit,
 * close). On PostgreSQL any number of replicas may run (each with its own data dir):
 * the one holding the lease leads (src/server/leader.ts); the others are standbys
 * that answer /readyz 503, redirect API calls to the leader (307) and take over
 * when its lease expires.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pino, type Logger } from 'pino';
import { ColossusError } from '../core/errors.js';
import type { FailureModel } from '../core/reliability/types.js';
import { createServer, type ColossusServer } from './app.js';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { LeaderLease } from './leader.js';
import { createStandbyApp, type StandbyApp } from './standby.js';
import { Store } from './store/store.js';
import { loginPath, mintLoginCode, type LoginRole } from './login-codes.js';
import { defaultWebDir } from './static.js';
import { ensureSharedTokens, ensureTokenFiles, type BootTokens } from './tokens-files.js';

export interface StartOptions {
  dataDir: string;
  host: string;
  port: number;
  heartbeatIntervalS: number;
  nodeTimeoutS: number;
  databaseUrl?: string;
  /** Directories job checkpoint dirs must be under; default [<data dir>/checkpoints]. */
  checkpointRoots?: string[];
  /** The prior of the fleet's failure-rate estimate (default: the generation preset of the fleet's GPU model). */
  failurePrior?: FailureModel;
  /** pino level; default info. */
  logLevel?: string;
  env?: Record<string, string | undefined>;
  /** The URL other replicas redirect to (default: the listening URL). */
  advertiseUrl?: string;
  /** Leader lease, ms (PostgreSQL replicas; default 5 000). */
  leaseTtlMs?: number;
  /** Idle nodes kept for the largest running gang's restart: a count or 'auto' (default 0: none). */
  spareReserve?: number | 'auto';
  /** This replica led and lost the lease to another (it stops serving first). Default: exit 1. */
  onLeadershipLost?: (why: string) => void;
  /** Role of the session the one-time login link made at start opens (default viewer). */
  loginRole?: LoginRole;
  /** The built dashboard served at / (default web/dist of the package; null: none). */
  webDir?: string | null;
}

export interface StartedInfo {
  url: string;
  dataDir: string;
  store: 'sqlite' | 'postgres';
  role: 'leader' | 'standby';
  adminTokenFile: string | null;
  agentTokenFile: string | null;
  heartbeatIntervalS: number;
  nodeTimeoutS: number;
  spareReserve: number | 'auto';
  /** A one-time dashboard login link made at start (valid once, for 10 minutes); null when the store could not take it. */
  login: { url: string; role: LoginRole; expiresAtMs: number } | null;
}

export interface Started {
  /** The control plane; null while this replica is a standby. */
  readonly server: ColossusServer | null;
  url: string;
  info: StartedInfo;
  log: Logger;
  stop(): Promise<void>;
}

export async function startServer(o: StartOptions): Promise<Started> {
  const dataDir = resolve(o.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700); // tokens and the database: nobody else reads them
  const env = o.env ?? process.env;
  const log = pino({ level: o.logLevel ?? 'info' }, process.stderr);
  const lock = lockDataDir(dataDir);
  const store = await Store.open({ dataDir, databaseUrl: o.databaseUrl, pgSchema: env.COLOSSUS_PG_SCHEMA }).catch((e: Error) => {
    lock.release();
    const where = o.databaseUrl ? 'DATABASE_URL' : '--data-dir';
    throw new ColossusError('failure', `cannot open the ${o.databaseUrl ? 'PostgreSQL' : 'SQLite'} store: ${e.message}`, {
      where, hint: o.databaseUrl ? 'is PostgreSQL running and the URL right? unset DATABASE_URL to use SQLite' : 'is the data dir writable?',
    });
  });
  for (const f of ['colossus.db', 'colossus.db-wal', 'colossus.db-shm']) if (existsSync(join(dataDir, f))) chmodSync(join(dataDir, f), 0o600); // SQLite gives -wal/-shm the db file's mode
  const tokens = store.kind === 'postgres' ? await ensureSharedTokens(store, dataDir, env) : ensureTokenFiles(dataDir, env);
  const ctx = { o, dataDir, store, tokens, lock, log };
  return store.kind === 'postgres' ? startReplica(ctx) : startSingle(ctx);
}

interface Ctx {
  o: StartOptions;
  dataDir: string;
  store: Store;
  tokens: BootTokens;
  lock: DataDirLock;
  log: Logger;
}

async function info(c: Ctx, url: string, role: StartedInfo['role']): Promise<StartedInfo> {
  return { url, dataDir: c.dataDir, store: c.store.kind, role, adminTokenFile: c.tokens.adminFile, agentTokenFile: c.tokens.agentFile, heartbeatIntervalS: c.o.heartbeatIntervalS, nodeTimeoutS: c.o.nodeTimeoutS, spareReserve: c.o.spareReserve ?? 0, login: await loginLink(c, url) };
}

/**
 * The login link printed at start, in place of a token in a URL. A standby may make it
 * too: the code goes to the shared store, and /login on a standby redirects to the leader.
 */
async function loginLink(c: Ctx, url: string): Promise<StartedInfo['login']> {
  const role = c.o.loginRole ?? 'viewer';
  try {
    const m = await mintLoginCode(c.store, role, Date.now());
    return { url: url + loginPath(m.code), role, expiresAtMs: m.expiresAtMs };
  } catch (e) {
    c.log.warn(`no login link at start (the store did not take it: ${(e as Error).message}); make one with \`colossus login-link\``);
    return null;
  }
}

function controlPlane(c: Ctx): Promise<ColossusServer> {
  return createServer({
    store: c.store,
    bootstrapTokens: { admin: c.tokens.admin, agent: c.tokens.agent },
    policy: { heartbeatIntervalS: c.o.heartbeatIntervalS, nodeTimeoutS: c.o.nodeTimeoutS, checkpointRoot: resolve(c.dataDir, 'checkpoints'), spareReserve: c.o.spareReserve ?? 0 },
    checkpointRoots: c.o.checkpointRoots?.length ? c.o.checkpointRoots.map((r) => resolve(r)) : [resolve(c.dataDir, 'checkpoints')],
    logger: { level: c.o.logLevel ?? 'info', stream: process.stderr },
    loginRedirect: '/jobs', // the overview and the map need the twin's endpoints
    webDir: c.o.webDir === null ? undefined : (c.o.webDir ?? defaultWebDir()),
    ...(c.o.failurePrior ? { failurePrior: c.o.failurePrior } : {}),
  });
}

async function listen(c: Ctx, app: { listen(o: { host: string; port: number }): Promise<string> }, port: number, undo: () => Promise<void>): Promise<string> {
  const address = await app.listen({ host: c.o.host, port }).catch(async (e: NodeJS.ErrnoException) => {
    await undo();
    await c.store.close();
    c.lock.release();
    const inUse = e.code === 'EADDRINUSE';
    throw new ColossusError('failure', inUse ? `port ${port} on ${c.o.host} is in use` : `cannot listen on ${c.o.host}:${port}: ${e.message}`, {
      where: inUse ? '--port' : '--host', hint: inUse ? 'another colossus server may be running; pick another --port (0 = any free port)' : undefined,
    });
  });
  return address.replace('[::1]', 'localhost');
}

/** SQLite: the only writer (the data dir lock guarantees it). */
async function startSingle(c: Ctx): Promise<Started> {
  const server = await controlPlane(c);
  const url = await listen(c, server.app, c.o.port, () => server.close());
  let stopping: Promise<void> | null = null;
  return {
    server, url, log: c.log, info: await info(c, url, 'leader'),
    stop: () =>
      (stopping ??= (async () => {
        server.app.log.info('shutting down: finishing requests, committing state');
        await server.close();
        await c.store.close();
        c.lock.release();
      })()),
  };
}

/** PostgreSQL: lead while holding the lease, else stand by and take over when it expires. */
async function startReplica(c: Ctx): Promise<Started> {
  let server: ColossusServer | null = null;
  let leaderUrl: string | null = null;
  const standby: StandbyApp = await createStandbyApp(() => leaderUrl, c.store.kind);
  const url = await listen(c, standby.app, c.o.port, () => standby.app.close());
  const port = Number(new URL(url).port);
  const lease = new LeaderLease(c.store, { url: c.o.advertiseUrl ?? url, ttlMs: c.o.leaseTtlMs });
  const everyMs = Math.max(100, Math.round(lease.ttlMs / 5));
  let timer: NodeJS.Timeout | null = null;
  let stopping: Promise<void> | null = null;
  let lastRenewMs = 0;

  const lost = (why: string) => {
    if (stopping) return;
    c.log.error(`lost the leadership: ${why}; stopping (a deposed leader commits nothing)`);
    void started.stop().finally(() => (c.o.onLeadershipLost ?? (() => process.exit(1)))(why));
  };
  const promote = async (epoch: number) => {
    c.store.fencingEpoch = epoch;
    c.store.onFenced = (e) => lost(e.message);
    const s = await controlPlane(c);
    await standby.app.close();
    await s.app.listen({ host: c.o.host, port });
    server = s;
    started.info.role = 'leader';
    lastRenewMs = performance.now();
    c.log.warn(`leading (lease epoch ${epoch}) at ${url}`);
  };
  const step = async () => {
    if (server) {
      const ok = await lease.renew().catch((e: Error) => {
        if (performance.now() - lastRenewMs > lease.ttlMs) c.log.warn(`cannot renew the lease: ${e.message}`);
        return null;
      });
      if (ok === false) return lost('another replica holds the lease');
      if (ok) lastRenewMs = performance.now();
      return;
    }
    const epoch = await lease.tryAcquire();
    if (epoch !== null) return promote(epoch);
    const cur = await lease.current();
    leaderUrl = cur && cur.remainingMs > 0 && cur.url !== url ? cur.url : null;
  };
  const loop = async () => {
    await step().catch((e: Error) => c.log.warn(`lease: ${e.message}`));
    if (!stopping) timer = setTimeout(() => void loop(), everyMs);
  };
  const started: Started = {
    get server() {
      return server;
    },
    url, log: c.log, info: await info(c, url, 'standby'),
    stop: () =>
      (stopping ??= (async () => {
        if (timer) clearTimeout(timer);
        if (server) {
          server.app.log.info('shutting down: finishing requests, committing state, releasing the lease');
          await server.close().catch((e: Error) => c.log.error(`final commit failed: ${e.message}`));
          await lease.release().catch(() => {});
        } else await standby.app.close();
        await c.store.close();
        c.lock.release();
      })()),
  };
  await step().catch((e: Error) => c.log.warn(`lease: ${e.message}`));
  timer = setTimeout(() => void loop(), everyMs);
  if (!server) c.log.warn(`standby: ${leaderUrl ? `the leader is ${leaderUrl}` : 'no leader yet'}; taking over when its lease expires`);
  return started;
}
