/**
 * Retry delays: exponential from `baseMs`, capped at `maxMs`, with "full jitter"
 * (a uniform draw in [½·d, d]) so a fleet of agents that lost the same server does
 * not come back in lock-step. `random` is injected (tests pass a fixed one).
 */
export function backoffMs(failures: number, random: () => number, baseMs = 250, maxMs = 5_000): number {
  const d = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(failures, 30)));
  return Math.round(d * (0.5 + 0.5 * random()));
}

/** The server's heartbeat interval with ±10 % jitter (src/protocol/README.md), ms. */
export const jitteredIntervalMs = (intervalS: number, random: () => number): number =>
  Math.round(intervalS * 1000 * (0.9 + 0.2 * random()));
