/**
 * Progress of a long `colossus simulate` on stderr: a bar on a terminal;
 * otherwise (logs, CI, pipes) a line when the run starts and one every few
 * seconds, so a long Monte Carlo never sits silent. Short runs print nothing.
 */
import { performance } from 'node:perf_hooks';

/** Expected events above which a run announces itself (≈ 1 s of simulation on one loaded core). */
export const LONG_RUN_EVENTS = 3_000_000;
const LINE_EVERY_MS = 5_000;

export interface SimProgress {
  update(done: number): void;
  done(): void;
}

export function simulateProgress(totalRuns: number, expectedEvents: number, threads: number, stream: NodeJS.WriteStream = process.stderr): SimProgress {
  if (expectedEvents < LONG_RUN_EVENTS) return { update: () => {}, done: () => {} };
  const tty = Boolean(stream.isTTY);
  const t0 = performance.now();
  let lastLine = t0;
  let lastTick = -1;
  const pct = (done: number) => Math.min(100, Math.floor((100 * done) / Math.max(1, totalRuns)));
  const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
  if (!tty) stream.write(`simulating ${totalRuns.toLocaleString('en-US')} runs (~${(expectedEvents / 1e6).toPrecision(3)} M events) on ${threads} thread${threads === 1 ? '' : 's'}…\n`);
  return {
    update(done) {
      if (tty) {
        const tick = pct(done);
        if (tick === lastTick) return;
        lastTick = tick;
        const fill = Math.round((tick / 100) * 30);
        stream.write(`\rsimulating [${'#'.repeat(fill)}${'.'.repeat(30 - fill)}] ${tick}%`);
        return;
      }
      const now = performance.now();
      if (now - lastLine < LINE_EVERY_MS) return;
      lastLine = now;
      stream.write(`simulating: ${done.toLocaleString('en-US')} of ${totalRuns.toLocaleString('en-US')} runs (${pct(done)}%), ${elapsed()}\n`);
    },
    done() {
      stream.write(tty ? `\rsimulating [${'#'.repeat(30)}] 100%\n` : `simulated ${totalRuns.toLocaleString('en-US')} runs in ${elapsed()}\n`);
    },
  };
}
