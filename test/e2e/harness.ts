/**
 * End-to-end harness: a real `colossus server` and real `colossus agent` processes
 * (from source via tsx) on loopback, a fresh SQLite data dir or a fresh PostgreSQL
 * database per cluster, and helpers to wait on the API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ApiClient } from '../../src/protocol/client.js';
import { repoRoot } from '../helpers/cli.js';
import { colossusArgs } from '../../src/cli/testing/cli-command.js';

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789';
export const AGENT_TOKEN = 'e2e-agent-token-0123456789';
export const TINY_TRAIN = resolve(repoRoot, 'examples/workloads/tiny-train.mjs');
export const PG_ADMIN_URL = process.env.COLOSSUS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value that is not undefined/false; throws with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 150): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await sleep(everyMs);
  }
}

export interface Proc {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

export function spawnCli(args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, colossusArgs(args), { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 400_000) out = out.slice(-200_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return { child, output: () => out, exited };
}

/** A database location: SQLite in the data dir, or a fresh PostgreSQL database. */
export interface Db {
  name: 'sqlite' | 'postgres';
  env: Record<string, string>;
  drop(): Promise<void>;
}

export const sqliteDb = (): Db => ({ name: 'sqlite', env: {}, drop: async () => {} });

/** Creates a fresh database on the PostgreSQL server; undefined when it is unreachable (a failure under CI=true). */
export async function postgresDb(): Promise<Db | undefined> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch (e) {
    if (process.env.CI === 'true') throw new Error(`PostgreSQL is required under CI=true but ${PG_ADMIN_URL} is unreachable: ${(e as Error).message}`, { cause: e });
    return undefined;
  }
  const dbName = `colossus_e2e_${randomBytes(5).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${dbName}`;
  return {
    name: 'postgres',
    env: { DATABASE_URL: url.toString() },
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface ClusterOptions {
  db: Db;
  agents: number;
  gpusPerAgent: number;
  heartbeatIntervalS?: number;
  nodeTimeoutS?: number;
  /** More `colossus server` flags (e.g. --failure-rates FILE). */
  serverArgs?: string[];
}

export class Cluster {
  readonly dir = mkdtempSync(join(tmpdir(), 'colossus-e2e-'));
  readonly dataDir = join(this.dir, 'data');
  server: Proc | undefined;
  readonly agents = new Map<string, Proc>();
  port = 0;
  readonly admin: ApiClient;

  constructor(readonly opt: ClusterOptions) {
    this.admin = new ApiClient({ server: 'http://127.0.0.1:0', token: ADMIN_TOKEN });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async startServer(): Promise<void> {
    if (!this.port) this.port = await freePort();
    (this.admin.options as { server: string }).server = this.url;
    const args = ['server', '--data-dir', this.dataDir, '--host', '127.0.0.1', '--port', String(this.port)];
    args.push('--heartbeat-interval-s', String(this.opt.heartbeatIntervalS ?? 1), '--node-timeout-s', String(this.opt.nodeTimeoutS ?? 3), ...(this.opt.serverArgs ?? []));
    this.server = spawnCli(args, { ...this.opt.db.env, COLOSSUS_ADMIN_TOKEN: ADMIN_TOKEN, COLOSSUS_AGENT_TOKEN: AGENT_TOKEN });
    const server = this.server;
    await waitFor('the server to be ready', async () => {
      if (server.child.exitCode !== null) throw new Error(`server exited ${server.child.exitCode}: ${server.output().slice(-2000)}`);
      const r = await fetch(`${this.url}/readyz`);
      return r.ok;
    }, 30_000);
  }

  /** kill -9 the server. */
  async killServer(): Promise<void> {
    this.server!.child.kill('SIGKILL');
    await this.server!.exited;
  }

  startAgent(name: string, rack: string, server = this.url): Proc {
    const workDir = join(this.dir, 'agents', name);
    const args = ['agent', '--server', server, '--token', AGENT_TOKEN, '--name', name, '--rack', rack, '--work-dir', workDir, '--simulate-gpus', String(this.opt.gpusPerAgent)];
    const p = spawnCli(args, {});
    this.agents.set(name, p);
    return p;
  }

  async startAll(): Promise<void> {
    await this.startServer();
    for (let i = 1; i <= this.opt.agents; i++) this.startAgent(`node-${i}`, `rack-${Math.ceil(i / 2)}`);
    await waitFor(`${this.opt.agents} idle nodes`, async () => {
      const nodes = await this.admin.listNodes();
      return nodes.filter((n) => n.state === 'idle').length === this.opt.agents && nodes;
    });
  }

  /** Everything this cluster started is stopped, its files and database removed. */
  async destroy(): Promise<void> {
    for (const a of this.agents.values()) if (a.child.exitCode === null) a.child.kill('SIGTERM');
    await Promise.race([Promise.all([...this.agents.values()].map((a) => a.exited)), sleep(15_000)]);
    for (const a of this.agents.values()) if (a.child.exitCode === null) a.child.kill('SIGKILL');
    if (this.server && this.server.child.exitCode === null) {
      this.server.child.kill('SIGTERM');
      await Promise.race([this.server.exited, sleep(10_000)]);
      if (this.server.child.exitCode === null) this.server.child.kill('SIGKILL');
    }
    await this.opt.db.drop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Server and agent output, for failure messages. */
  logs(): string {
    const parts = [`--- server ---\n${this.server?.output().slice(-4000) ?? ''}`];
    for (const [n, a] of this.agents) parts.push(`--- ${n} ---\n${a.output().slice(-3000)}`);
    return parts.join('\n');
  }
}

/** The weights hash of an uninterrupted local run with the same flags. */
export async function referenceHash(args: string[]): Promise<string> {
  const child = spawn(process.execPath, [TINY_TRAIN, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  await new Promise((r) => child.on('close', r));
  const done = out.trim().split('\n').map((l) => JSON.parse(l) as { done?: boolean; weightsSha256?: string }).find((l) => l.done);
  if (!done?.weightsSha256) throw new Error(`tiny-train gave no hash: ${out.slice(-500)}`);
  return done.weightsSha256;
}

/** A TCP proxy on loopback to `targetPort` that a test can cut (every connection dropped, new ones refused) and heal. */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  cut = false;
  port = 0;

  constructor(private readonly targetPort: () => number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((client) => {
      if (this.cut) return void client.destroy();
      const upstream = connect(this.targetPort(), '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
  }

  /** Drops every connection and refuses new ones until heal(). */
  partition(): void {
    this.cut = true;
    for (const s of this.sockets) s.destroy();
  }

  heal(): void {
    this.cut = false;
  }

  async close(): Promise<void> {
    this.partition();
    await new Promise((r) => this.server?.close(r));
  }
}
