import { describe, expect, it } from 'vitest';
import { RESTART_BY_GPUS } from '../reliability/recovery-catalog.js';
import { inPlaceRestartS, requeueRestartS, restartOverheadS } from './compile-cause.js';

describe('restart times by job size', () => {
  it('below ByteRobust’s 2,048 GPUs the table is held, not extrapolated to zero', () => {
    expect(restartOverheadS(RESTART_BY_GPUS.requeue, 64)).toBe(454);
    expect(restartOverheadS(RESTART_BY_GPUS.hotUpdate, 8)).toBe(46);
    expect(restartOverheadS(RESTART_BY_GPUS.requeue, 100_000)).toBeGreaterThan(768);
  });

  it('re-queueing after waiting for spares is never faster than restarting in place', () => {
    for (let gpus = 8; gpus <= 1 << 20; gpus *= 2) expect(requeueRestartS(gpus), `${gpus} GPUs`).toBeGreaterThanOrEqual(inPlaceRestartS(gpus));
  });
});
