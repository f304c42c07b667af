#!/usr/bin/env node
// The twin's memory over virtual days: runs `colossus twin --speed 0 --until-days D` (from
// source) and samples the server's RSS, its peak (VmHWM) and the virtual time every
// TWIN_SAMPLE_S wall seconds, and its CPU seconds (so CPU per virtual day reads off the curve
// even on a loaded machine); prints one line per sample, then the curve as JSON.
//   TWIN_CLUSTER=colossus-200k TWIN_DAYS=7 node bench/twin-days.mjs
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

const cluster = process.env.TWIN_CLUSTER ?? 'colossus-200k';
const days = Number(process.env.TWIN_DAYS ?? 7);
const sampleS = Number(process.env.TWIN_SAMPLE_S ?? 30);
const args = ['--import', 'tsx', 'src/cli/entry.ts', 'twin', '--cluster', cluster, '--speed', '0', '--port', '0', '--json', '--seed', '1', '--until-days', String(days)];
const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
const info = await new Promise((resolve) => child.stdout.on('data', (d) => { out += d; try { resolve(JSON.parse(out)); } catch { /* partial */ } }));
const status = () => readFileSync(`/proc/${child.pid}/status`, 'utf8');
const mib = (field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status())?.[1] ?? NaN) / 1024;
/** User + system CPU seconds of the twin so far (/proc/PID/stat, 100 Hz ticks). */
const cpuS = () => {
  const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
  const v = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(v[11]) + Number(v[12])) / 100;
};
const curve = [];
const t0 = performance.now();
let exited = false;
child.on('exit', () => (exited = true));
while (!exited) {
  await new Promise((r) => setTimeout(r, sampleS * 1000));
  if (exited) break;
  try {
    const s = await (await fetch(`${info.url}/api/v1/twin/summary`)).json();
    const row = { wallS: Math.round((performance.now() - t0) / 1000), virtualDays: +(s.virtualS / 86400).toFixed(3), rssMiB: Math.round(mib('VmRSS')), peakMiB: Math.round(mib('VmHWM')), cpuS: Math.round(cpuS()), load1: +loadavg()[0].toFixed(1), restarts: s.flagship?.restarts ?? null, queued: s.jobs.queued, running: s.jobs.running };
    curve.push(row);
    console.log(JSON.stringify(row));
  } catch {
    break; // the twin is stopping
  }
}
console.log(JSON.stringify({ cluster, gpus: info.gpus, days, curve }));
