/**
 * The twin's clock: virtual seconds since the start, mapped onto epoch
 * milliseconds so that timestamps in the API look like wall-clock times.
 * The control plane reads it through the injected `Clock` interface.
 */
import type { Clock } from '../core/control/types.js';

export class VirtualClock implements Clock {
  /** Virtual seconds since the twin started. */
  nowS = 0;

  constructor(
    /** Epoch ms that virtual time 0 maps to. */
    readonly startMs: number,
  ) {}

  nowMs(): number {
    return this.startMs + Math.round(this.nowS * 1000);
  }
}
