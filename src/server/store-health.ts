/**
 * Storage faults: when a commit fails, nothing of it may be seen. The server
 * reloads its memory from the store (dropping what did not commit), answers
 * writes with 503 problem+json and /readyz with 503, stops its ticks, and probes
 * the store once a second; when a probe write commits it reloads again (every
 * node gets a fresh heartbeat grace, as after a restart) and serves as before.
 */
import { ProblemError, type ProblemBody } from './errors.js';

export interface StoreFault {
  sinceMs: number;
  message: string;
  /** True once memory holds only what the store committed. */
  reloaded: boolean;
}

export interface StoreHealthOptions {
  kind: string;
  /** Replaces memory with the store's committed state. */
  reload(): Promise<void>;
  /** One small real write; rejects while the store cannot commit. */
  probe(): Promise<void>;
  /** Called once the store commits again (after the reload). */
  recovered(): void;
  log(level: 'warn' | 'error', msg: string): void;
  probeEveryMs?: number;
}

export class StoreHealth {
  fault: StoreFault | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly o: StoreHealthOptions) {}

  /** A commit failed: hide what it held and start probing (idempotent while faulted). */
  failed(err: unknown): void {
    const message = describe(err);
    if (this.fault) return;
    this.fault = { sinceMs: Date.now(), message, reloaded: false };
    this.o.log('error', `the ${this.o.kind} store cannot commit (${message}): answering 503 until it can; uncommitted changes are dropped`);
    void this.tryReload();
    this.schedule();
  }

  /** The 503 for a request that needs the store (`write`) or memory the store confirmed (reads). */
  problem(): ProblemBody | null {
    if (!this.fault) return null;
    return {
      type: '/problems/store-unavailable', title: 'Service Unavailable', status: 503,
      detail: `the ${this.o.kind} store cannot commit since ${new Date(this.fault.sinceMs).toISOString()} (${this.fault.message}); nothing of this request was applied`,
      hint: 'retry later: the server recovers by itself once the store accepts writes (free disk space, check the database); /readyz says when',
    };
  }

  unavailable(): ProblemError {
    return new ProblemError(this.problem() ?? { type: '/problems/store-unavailable', title: 'Service Unavailable', status: 503, detail: `the ${this.o.kind} store cannot commit` });
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async tryReload(): Promise<void> {
    try {
      await this.o.reload();
      if (this.fault) this.fault.reloaded = true;
    } catch {
      /* the store cannot even be read: reads answer 503 too until a probe succeeds */
    }
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => void this.probeOnce(), this.o.probeEveryMs ?? 1000);
    this.timer.unref();
  }

  private async probeOnce(): Promise<void> {
    this.timer = null;
    try {
      await this.o.probe();
      await this.o.reload();
    } catch (e) {
      if (this.fault) this.fault.message = describe(e);
      return this.schedule();
    }
    const downS = this.fault ? ((Date.now() - this.fault.sinceMs) / 1000).toFixed(1) : '?';
    this.fault = null;
    this.o.log('warn', `the ${this.o.kind} store commits again after ${downS} s; state reloaded from it`);
    this.o.recovered();
  }
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const msg = (e?.message ?? String(err)).slice(0, 300);
  return e?.code && !msg.includes(e.code) ? `${e.code}: ${msg}` : msg;
}
