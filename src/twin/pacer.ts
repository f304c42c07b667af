/**
 * Runs the twin against the wall clock: `speed` virtual seconds per wall second
 * (0 = as fast as possible), in short slices so the HTTP server stays responsive,
 * committing the control plane's changes to the store between slices.
 */
import type { Twin } from './twin.js';

export interface PacerOptions {
  /** Virtual seconds per wall second; 0 = as fast as possible. */
  speed: number;
  /** Stop at this virtual time (s); default: never. */
  untilS?: number;
  /** Persists the controller's changes (the server's commit). */
  commit: () => Promise<void>;
  /** Wall clock, ms (injected for tests). */
  nowMs?: () => number;
  /** Longest slice of event handling before yielding, ms. */
  sliceMs?: number;
}

export class Pacer {
  /** Measured virtual seconds per wall second over the last few seconds. */
  achieved = 0;
  private running = false;
  private stopped: Promise<void> | null = null;
  private readonly now: () => number;
  private window: { wallMs: number; virtualS: number }[] = [];

  constructor(
    readonly twin: Twin,
    readonly opts: PacerOptions,
  ) {
    this.now = opts.nowMs ?? (() => performance.now());
  }

  get speed(): number {
    return this.opts.speed;
  }

  set speed(v: number) {
    this.opts.speed = v;
    this.base = { wallMs: this.now(), virtualS: this.twin.nowS };
  }

  private base = { wallMs: 0, virtualS: 0 };

  start(): void {
    this.running = true;
    this.base = { wallMs: this.now(), virtualS: this.twin.nowS };
    this.stopped = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.stopped;
  }

  /** Resolves when the twin reaches `untilS` (or stop() is called). */
  done(): Promise<void> {
    return this.stopped ?? Promise.resolve();
  }

  private async loop(): Promise<void> {
    const sliceMs = this.opts.sliceMs ?? 40;
    let lastCommit = this.now();
    while (this.running) {
      const t0 = this.now();
      const limit = this.opts.untilS ?? Infinity;
      const target = Math.min(limit, this.opts.speed > 0 ? this.base.virtualS + ((t0 - this.base.wallMs) / 1000) * this.opts.speed : Infinity);
      while (this.now() - t0 < sliceMs && this.twin.nowS < target) {
        this.twin.runUntil(Math.min(target, this.twin.nowS + 3600), 500);
      }
      // Falling behind: do not try to catch up later in a burst.
      if (this.opts.speed > 0 && this.twin.nowS < target - this.opts.speed * 2) this.base = { wallMs: this.now(), virtualS: this.twin.nowS };
      this.measure();
      if (this.now() - lastCommit > (this.opts.speed === 0 ? 1000 : 250) || this.twin.nowS >= limit) {
        await this.opts.commit();
        lastCommit = this.now();
      }
      if (this.twin.nowS >= limit) break;
      await new Promise((r) => setTimeout(r, this.opts.speed > 0 ? 15 : 0));
    }
    this.running = false;
  }

  private measure(): void {
    const w = { wallMs: this.now(), virtualS: this.twin.nowS };
    this.window.push(w);
    while (this.window.length > 2 && w.wallMs - this.window[0].wallMs > 5000) this.window.shift();
    const first = this.window[0];
    const dt = (w.wallMs - first.wallMs) / 1000;
    if (dt > 0.2) this.achieved = (w.virtualS - first.virtualS) / dt;
  }
}
