/**
 * The node agent's main loop (flow in src/protocol/README.md): register with the
 * join token → heartbeat at the server's interval ±10 % with the attempts held and a
 * telemetry delta → apply the desired state in each response. It survives server
 * restarts: on a network error or 5xx it keeps its attempts running, retries with
 * jittered backoff and registers again (reporting what still runs, so the server
 * reconciles instead of restarting); on 401/404 it registers again at once.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ColossusError, isColossusError } from '../core/errors.js';
import { classifyXid } from '../core/health/xid.js';
import { fenceKillGraceS } from '../core/control/fencing.js';
import { ApiClient } from '../protocol/client.js';
import type { AttemptEvent, HeartbeatRequest, Topology, XidEvent } from '../protocol/agent.js';
import { createAttemptReporter, type AttemptReporter } from './attempt-reporter.js';
import { AttemptManager } from './attempt-manager.js';
import { backoffMs, jitteredIntervalMs } from './backoff.js';
import type { GpuReading, GpuSource } from './gpu-reading.js';
import { killOrphans } from './orphans.js';
import { createTelemetryDelta, toGpuInfo } from './telemetry.js';
import { createXidWatcher, type XidWatcher } from './xid-watcher.js';

export type AgentLog = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

export interface AgentOptions {
  server: string;
  /** The agent join token (agent.token in the server's data dir). */
  joinToken: string;
  name: string;
  topology: Topology;
  /** What other nodes use as MASTER_ADDR; default: the address the server sees. */
  address?: string;
  workDir: string;
  gpus: GpuSource;
  /** Kernel log to follow for XID lines. */
  xidLogPath?: string;
  log: AgentLog;
  /** Injected randomness for jitter (default Math.random). */
  random?: () => number;
  /** Per-request timeout, ms (default 5 000: well under the node timeout). */
  requestTimeoutMs?: number;
}

import type { NodeGpuMetrics } from '../protocol/prometheus.js';

/** The node credential's file in the agent's work dir. */
export const NODE_TOKEN_FILE = 'node.token';
const VERSION = '0.1.0';
const FLUSH_MS = 250;
const MAX_PENDING_XIDS = 1000;

export class Agent {
  private readonly client: ApiClient;
  private readonly reporter: AttemptReporter;
  readonly attempts: AttemptManager;
  private readonly telemetry = createTelemetryDelta();
  private readonly xids: XidWatcher | undefined;
  private readings: GpuReading[] = [];
  private pendingXids: XidEvent[] = [];
  /** Last XID code per GPU index (DCGM_FI_DEV_XID_ERRORS). */
  private readonly lastXid = new Map<number, number>();
  private nodeToken: string | undefined;
  private registered = false;
  private everRegistered = false;
  private intervalS = 5;
  private seq = 0;
  private failures = 0;
  private stopped = false;
  private lastGpuError = '';
  private readonly random: () => number;
  /** Monotonic time (ms) at which the last request the server answered was sent; null before the first. */
  private lastContactMs: number | null = null;
  private nodeTimeoutS = 30;
  private fenced = false;

  constructor(private readonly opt: AgentOptions) {
    this.client = new ApiClient({ server: opt.server, token: opt.joinToken, timeoutMs: opt.requestTimeoutMs ?? 5_000 });
    this.random = opt.random ?? Math.random;
    this.reporter = createAttemptReporter({
      send: (id, events) => this.report(id, events),
      // Heartbeat now rather than stop here: the heartbeat's stop order carries the warn signal and graces (preemption).
      onUnwanted: (id) => void (this.attempts.isActive(id) && this.wake()),
      onUnauthorized: () => this.lost('attempt report got 401'),
      warn: (m) => opt.log('warn', m),
    });
    this.attempts = new AttemptManager({ workDir: opt.workDir, reporter: this.reporter, log: opt.log });
    this.xids = opt.xidLogPath ? createXidWatcher(opt.xidLogPath) : undefined;
  }

  /** Runs until shutdown(); rejects on a fatal error (bad join token or name at first registration, no GPUs). */
  async run(): Promise<void> {
    mkdirSync(this.opt.workDir, { recursive: true });
    if (existsSync(this.credentialFile)) this.nodeToken = readFileSync(this.credentialFile, 'utf8').trim() || undefined; // registering again as itself
    const orphans = killOrphans(this.opt.workDir);
    if (orphans.length) this.opt.log('warn', `cleared attempts left by a previous agent (surviving processes SIGKILLed): ${orphans.join(', ')}`);
    this.readings = await this.opt.gpus.read();
    const flusher = setInterval(() => {
      this.selfFence();
      void this.reporter.flush();
    }, FLUSH_MS);
    const poller = this.pollGpus();
    try {
      while (!this.stopped) {
        const waitMs = this.registered ? await this.heartbeat() : await this.register();
        if (!this.stopped && waitMs > 0) await this.sleep(waitMs);
      }
    } finally {
      this.stopped = true; // also ends the GPU poller when a fatal error ends the loop
      clearInterval(flusher);
      this.wake();
      await poller;
    }
  }

  /** Stops the attempts (SIGTERM → SIGKILL after `killGraceS`), reports their exits, ends run(). */
  async shutdown(killGraceS = 10): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.attempts.stopAll(killGraceS);
    const deadline = Date.now() + 5_000;
    while (this.reporter.pending() > 0 && Date.now() < deadline && this.nodeToken) {
      await this.reporter.flush();
      if (this.reporter.pending() > 0) await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** A 401 for a credential that a newer registration already replaced is not news: retry with the new one. */
  private async report(attemptId: string, events: AttemptEvent[]) {
    const token = this.nodeToken ?? '';
    const sentMs = performance.now();
    try {
      const res = await this.client.reportAttempt(this.opt.name, token, attemptId, { events });
      this.contact(sentMs);
      return res;
    } catch (e) {
      if (isColossusError(e) && e.code === 'unauthorized' && token !== this.nodeToken) throw new ColossusError('failure', 'stale node credential');
      throw e;
    }
  }

  /** This node's latest GPU readings for its own /metrics (`colossus agent --metrics-port`). */
  gpuMetrics(): NodeGpuMetrics {
    return { hostname: this.opt.name, gpus: this.readings.map((g) => ({ ...g, lastXid: this.lastXid.get(g.index) ?? 0 })) };
  }

  get isRegistered(): boolean {
    return this.registered;
  }

  private lost(why: string): void {
    if (this.registered) this.opt.log('warn', `will register again: ${why}`);
    this.registered = false;
    this.wake();
  }

  /** The server answered a request sent at `sentMs`. */
  private contact(sentMs: number): void {
    this.lastContactMs = Math.max(this.lastContactMs ?? sentMs, sentMs);
    if (this.fenced) this.opt.log('info', 'the server answers again; self-fence lifted');
    this.fenced = false;
  }

  /**
   * Self-fencing (src/core/control/fencing.ts): when no request sent in the last
   * node timeout was answered, the server has declared this node down and will
   * place its attempts elsewhere once the fence bound has passed — so stop every
   * rank here first: SIGTERM now, SIGKILL after fenceKillGraceS.
   */
  private selfFence(): void {
    if (this.lastContactMs === null || this.stopped) return;
    const silentMs = performance.now() - this.lastContactMs;
    if (silentMs <= this.nodeTimeoutS * 1000 || !this.attempts.anyActive()) return;
    const graceS = fenceKillGraceS(this.nodeTimeoutS);
    if (!this.fenced) this.opt.log('warn', `self-fencing: no server answered for ${(silentMs / 1000).toFixed(1)} s (node timeout ${this.nodeTimeoutS} s); stopping every attempt (SIGKILL after ${graceS} s)`);
    this.fenced = true;
    this.attempts.stopEverything(graceS, 'self-fence');
  }

  /** The node credential, kept in the work dir (0600) so a restarted agent registers again as itself. */
  private get credentialFile(): string {
    return join(this.opt.workDir, NODE_TOKEN_FILE);
  }

  private async register(): Promise<number> {
    const sentMs = performance.now();
    const own = this.nodeToken;
    try {
      const res = await this.client.register({
        name: this.opt.name,
        gpus: this.readings.map(toGpuInfo),
        topology: this.opt.topology,
        ...(this.opt.address ? { address: this.opt.address } : {}),
        agentVersion: VERSION,
        attempts: this.attempts.local(),
      }, own);
      this.nodeToken = res.nodeToken;
      await writeFile(this.credentialFile, res.nodeToken + '\n', { mode: 0o600 }).catch((err: Error) => this.opt.log('warn', `cannot keep the node credential in ${this.credentialFile}: ${err.message}`));
      this.intervalS = res.heartbeatIntervalS;
      this.nodeTimeoutS = res.nodeTimeoutS;
      this.contact(sentMs);
      this.registered = this.everRegistered = true;
      this.failures = 0;
      this.telemetry.reset();
      this.opt.log('info', `registered as ${res.name} with ${this.readings.length} GPUs; heartbeat every ${res.heartbeatIntervalS} s`);
      return 0;
    } catch (e) {
      if (own && isColossusError(e) && e.code === 'unauthorized') {
        // The credential was revoked (or the server never had it): forget it; the join token works only if an admin reset the name.
        this.opt.log('warn', `node credential refused (${e.message}); registering with the join token`);
        this.nodeToken = undefined;
        await rm(this.credentialFile, { force: true });
        return 0;
      }
      const fatal = isColossusError(e) && e.code !== 'failure';
      if (fatal && !this.everRegistered) {
        throw new ColossusError(e.code, `cannot register with ${this.opt.server}: ${e.message}`, {
          hint: e.code === 'unauthorized' ? 'pass the join token from agent.token in the server data dir (or COLOSSUS_AGENT_TOKEN) with --token' : e.hint,
        });
      }
      return this.retryAfter(e, 'register');
    }
  }

  private async heartbeat(): Promise<number> {
    const samples = this.telemetry.changed(this.readings);
    const xids = this.pendingXids.slice(0, MAX_PENDING_XIDS);
    const req: HeartbeatRequest = { seq: this.seq++, attempts: this.attempts.local() };
    if (samples.length || xids.length) req.telemetry = { ...(samples.length ? { gpus: samples } : {}), ...(xids.length ? { xids } : {}) };
    const sentMs = performance.now();
    try {
      const res = await this.client.heartbeat(this.opt.name, this.nodeToken ?? '', req);
      this.contact(sentMs);
      this.failures = 0;
      this.telemetry.accept(samples);
      this.pendingXids.splice(0, xids.length);
      this.intervalS = res.heartbeatIntervalS;
      if (!this.stopped) this.attempts.apply(res);
      return jitteredIntervalMs(this.intervalS, this.random);
    } catch (e) {
      if (isColossusError(e) && (e.code === 'unauthorized' || e.code === 'not-found')) {
        this.lost(`heartbeat: ${e.message}`);
        return 0;
      }
      if (isColossusError(e) && e.code !== 'failure') {
        // Liveness first: telemetry the server refuses must not make the node look dead. Drop it and retry now.
        this.opt.log('error', `heartbeat refused${req.telemetry ? ', dropping its telemetry' : ''}: ${e.message}`);
        if (!req.telemetry) return jitteredIntervalMs(this.intervalS, this.random);
        this.telemetry.accept(samples);
        this.pendingXids.splice(0, xids.length);
        return 0;
      }
      this.registered = false; // the server may have restarted: register again (with the attempts) once it answers
      return this.retryAfter(e, 'heartbeat');
    }
  }

  private retryAfter(e: unknown, what: string): number {
    const waitMs = backoffMs(this.failures++, this.random, 250, Math.max(1_000, this.intervalS * 1000));
    const msg = e instanceof Error ? e.message : String(e);
    if (this.failures === 1 || this.failures % 10 === 0) this.opt.log('warn', `${what} failed (${msg}); retrying in ${waitMs} ms`, { failures: this.failures });
    return waitMs;
  }

  /** Reads GPUs and XIDs at the heartbeat interval, apart from the heartbeat so a slow nvidia-smi cannot delay liveness. */
  private async pollGpus(): Promise<void> {
    while (!this.stopped) {
      try {
        this.readings = await this.opt.gpus.read();
        this.lastGpuError = '';
      } catch (e) {
        const msg = (e as Error).message;
        if (msg !== this.lastGpuError) this.opt.log('warn', `reading GPUs failed: ${msg}`);
        this.lastGpuError = msg;
      }
      for (const x of this.xids?.poll(this.readings, Date.now()) ?? []) {
        const c = classifyXid(x.code);
        this.opt.log(c.severity === 'critical' ? 'error' : 'warn', `XID ${x.code} on GPU ${x.gpuIndex ?? '?'}: ${c.description} (${c.severity}; server decides: ${c.action})`);
        this.pendingXids.push(x);
        if (x.gpuIndex !== undefined) this.lastXid.set(x.gpuIndex, x.code);
      }
      if (this.pendingXids.length > MAX_PENDING_XIDS) this.pendingXids.splice(0, this.pendingXids.length - MAX_PENDING_XIDS);
      await this.sleep(Math.min(this.intervalS * 1000, 5_000));
    }
  }

  private readonly sleepers = new Set<() => void>();

  /** Ends every pending sleep now (shutdown, lost credential). */
  private wake(): void {
    for (const s of [...this.sleepers]) s();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }
}
