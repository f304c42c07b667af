// Preloaded into the benchmarked server (`node --import ./bench/loop-monitor.mjs …`, with an
// IPC channel): how long the event loop is blocked. A 1-ms timer notes the wall time and the
// process's CPU time between its runs: the wall gap is what a request waits on this machine
// (a loaded machine adds the time the process waits for a core), the CPU time is the work
// done in between, which is about what the gap would be on a quiet machine. On the message
// "loop-stats" it answers, for the time since the last request, and resets:
// { maxMs, p99Ms (perf_hooks' monitorEventLoopDelay), over10, over50 (wall gaps > 10/50 ms),
//   cpuMaxMs, cpuOver10, cpuOver50 (the same for CPU time between timer runs) }.
import { monitorEventLoopDelay } from 'node:perf_hooks';

if (process.send) {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const fresh = () => ({ over10: 0, over50: 0, cpuMaxMs: 0, cpuOver10: 0, cpuOver50: 0 });
  let s = fresh();
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  setInterval(() => {
    const now = performance.now();
    const gap = now - last;
    last = now;
    const cpu = process.cpuUsage();
    const cpuMs = (cpu.user - lastCpu.user + cpu.system - lastCpu.system) / 1000;
    lastCpu = cpu;
    if (gap > 10) s.over10++;
    if (gap > 50) s.over50++;
    if (cpuMs > s.cpuMaxMs) s.cpuMaxMs = cpuMs;
    if (cpuMs > 10) s.cpuOver10++;
    if (cpuMs > 50) s.cpuOver50++;
  }, 1).unref();
  process.on('message', (m) => {
    if (m !== 'loop-stats') return;
    const ms = (ns) => Math.round(ns / 1e4) / 100;
    process.send({ loopStats: { maxMs: ms(h.max), p99Ms: ms(h.percentile(99)), ...s, cpuMaxMs: Math.round(s.cpuMaxMs * 10) / 10 } });
    h.reset();
    s = fresh();
  });
  process.channel?.unref();
}
