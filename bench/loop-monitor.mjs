// Preloaded into the benchmarked server (`node --import ./bench/loop-monitor.mjs …`, with an
// IPC channel): how long the event loop is blocked, measured lightly (a 1-ms timer or a
// per-millisecond getrusage made the 25,000-node heartbeats measurably slower). A 10-ms timer
// notes the wall time and the process's CPU time between its runs: a wall gap is what a
// request waits on this machine (a loaded machine adds the time the process waits for a
// core), the CPU time in the gap is the work done meanwhile, about what the gap would be on
// a quiet machine. On the message "loop-stats" it answers, for the time since the last
// request, and resets: { maxMs, p99Ms (perf_hooks' monitorEventLoopDelay at 10 ms),
// over50 (wall gaps > 50 ms beyond the timer's period), cpuMaxMs, cpuOver50 (CPU time in
// those gaps) }.
import { monitorEventLoopDelay } from 'node:perf_hooks';

if (process.send) {
  const PERIOD = 10;
  const h = monitorEventLoopDelay({ resolution: PERIOD });
  h.enable();
  const fresh = () => ({ over50: 0, cpuMaxMs: 0, cpuOver50: 0 });
  let s = fresh();
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  setInterval(() => {
    const now = performance.now();
    const gap = now - last - PERIOD;
    last = now;
    const cpu = process.cpuUsage(); // 100 getrusage calls a second
    const cpuMs = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
    lastCpu = cpu;
    if (gap > 50) s.over50++;
    if (cpuMs > s.cpuMaxMs) s.cpuMaxMs = cpuMs;
    if (cpuMs > 50) s.cpuOver50++;
  }, PERIOD).unref();
  process.on('message', (m) => {
    if (m !== 'loop-stats') return;
    const ms = (ns) => Math.round(ns / 1e4) / 100;
    process.send({ loopStats: { maxMs: ms(h.max), p99Ms: ms(h.percentile(99)), ...s, cpuMaxMs: Math.round(s.cpuMaxMs * 10) / 10 } });
    h.reset();
    s = fresh();
  });
  process.channel?.unref();
}
