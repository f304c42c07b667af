/**
 * `colossus server`: opens the store (SQLite in --data-dir, or PostgreSQL when
 * DATABASE_URL=postgres://…), ensures the token files, listens, and shuts down
 * gracefully on SIGTERM/SIGINT (stop accepting, finish requests, commit, close).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { ColossusError } from '../core/errors.js';
import { createServer, type ColossusServer } from './app.js';
import { lockDataDir } from './data-dir-lock.js';
import { Store } from './store/store.js';
import { ensureTokenFiles } from './tokens-files.js';

export interface StartOptions {
  dataDir: string;
  host: string;
  port: number;
  heartbeatIntervalS: number;
  nodeTimeoutS: number;
  databaseUrl?: string;
  /** pino level; default info. */
  logLevel?: string;
  env?: Record<string, string | undefined>;
}

export interface Started {
  server: ColossusServer;
  url: string;
  info: { url: string; dataDir: string; store: 'sqlite' | 'postgres'; adminTokenFile: string | null; agentTokenFile: string | null; heartbeatIntervalS: number; nodeTimeoutS: number };
  stop(): Promise<void>;
}

export async function startServer(o: StartOptions): Promise<Started> {
  const dataDir = resolve(o.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const env = o.env ?? process.env;
  const lock = lockDataDir(dataDir);
  const store = await Store.open({ dataDir, databaseUrl: o.databaseUrl, pgSchema: env.COLOSSUS_PG_SCHEMA }).catch((e: Error) => {
    const where = o.databaseUrl ? 'DATABASE_URL' : '--data-dir';
    throw new ColossusError('failure', `cannot open the ${o.databaseUrl ? 'PostgreSQL' : 'SQLite'} store: ${e.message}`, {
      where, hint: o.databaseUrl ? 'is PostgreSQL running and the URL right? unset DATABASE_URL to use SQLite' : 'is the data dir writable?',
    });
  });
  const tokens = ensureTokenFiles(dataDir, env);
  const server = await createServer({
    store,
    bootstrapTokens: { admin: tokens.admin, agent: tokens.agent },
    policy: { heartbeatIntervalS: o.heartbeatIntervalS, nodeTimeoutS: o.nodeTimeoutS, checkpointRoot: resolve(dataDir, 'checkpoints') },
    logger: { level: o.logLevel ?? 'info', stream: process.stderr },
  });
  const address = await server.app.listen({ host: o.host, port: o.port }).catch(async (e: NodeJS.ErrnoException) => {
    await server.close();
    await store.close();
    lock.release();
    const inUse = e.code === 'EADDRINUSE';
    throw new ColossusError('failure', inUse ? `port ${o.port} on ${o.host} is in use` : `cannot listen on ${o.host}:${o.port}: ${e.message}`, {
      where: inUse ? '--port' : '--host', hint: inUse ? 'another colossus server may be running; pick another --port (0 = any free port)' : undefined,
    });
  });
  const url = address.replace('[::1]', 'localhost');
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      server.app.log.info('shutting down: finishing requests, committing state');
      await server.close();
      await store.close();
      lock.release();
    })());
  return {
    server, url, stop,
    info: { url, dataDir, store: store.kind, adminTokenFile: tokens.adminFile, agentTokenFile: tokens.agentFile, heartbeatIntervalS: o.heartbeatIntervalS, nodeTimeoutS: o.nodeTimeoutS },
  };
}
