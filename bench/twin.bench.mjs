// Twin speed and server memory at full Colossus scale, with a dashboard attached.
// Starts `colossus twin --speed 0` (as fast as possible) on colossus-100k from source,
// attaches what the dashboard does (the SSE stream, the per-GPU bytes once a second),
// and reports virtual seconds per wall second and the server's peak RSS.
//   TWIN_BENCH_S=120 TWIN_CLUSTER=colossus-100k TWIN_GPUS= node --import tsx bench/twin.bench.mjs
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const wallS = Number(process.env.TWIN_BENCH_S ?? 120);
const cluster = process.env.TWIN_CLUSTER ?? 'colossus-100k';
const args = ['--import', 'tsx', 'src/cli/entry.ts', 'twin', '--cluster', cluster, '--speed', '0', '--port', '0', '--json', '--seed', '1'];
if (process.env.TWIN_GPUS) args.push('--gpus', process.env.TWIN_GPUS);
const t0 = performance.now();
const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
const info = await new Promise((resolve, reject) => {
  child.stdout.on('data', (d) => {
    out += d;
    try {
      resolve(JSON.parse(out));
    } catch {
      /* wait for the whole document */
    }
  });
  child.on('exit', (code) => reject(new Error(`twin exited with ${code}`)));
});
const startupS = (performance.now() - t0) / 1000;
const rssMb = () => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};
const summary = async () => (await fetch(`${info.url}/api/v1/twin/summary`)).json();

// The dashboard: an SSE client and the map's byte fetch every second.
const sse = await fetch(`${info.url}/api/v1/twin/stream`);
const reader = sse.body.getReader();
let sseBytes = 0;
void (async () => {
  for (;;) {
    const { done, value } = await reader.read().catch(() => ({ done: true }));
    if (done) break;
    sseBytes += value.length;
  }
})();
let peakRss = rssMb();
let mapFetches = 0;
let mapMs = 0;
const first = await summary();
const w0 = performance.now();
while ((performance.now() - w0) / 1000 < wallS) {
  await new Promise((r) => setTimeout(r, 1000));
  const f0 = performance.now();
  const bytes = new Uint8Array(await (await fetch(`${info.url}/api/v1/twin/gpus?metric=state`)).arrayBuffer());
  mapMs += performance.now() - f0;
  if (bytes.length !== info.gpus) throw new Error(`map bytes ${bytes.length} ≠ ${info.gpus} GPUs`);
  mapFetches++;
  peakRss = Math.max(peakRss, rssMb());
}
const last = await summary();
const elapsedS = (performance.now() - w0) / 1000;
const speed = (last.virtualS - first.virtualS) / elapsedS;
await reader.cancel().catch(() => {});
const s0 = performance.now();
child.kill('SIGINT');
await new Promise((r) => child.on('exit', r));
const f = last.flagship;
const result = {
  cluster, gpus: info.gpus, nodes: info.nodes, startupS: +startupS.toFixed(1), wallS: +elapsedS.toFixed(1),
  virtualS: +(last.virtualS - first.virtualS).toFixed(0), speed: +speed.toFixed(0), peakRssMiB: +peakRss.toFixed(0),
  mapFetchMs: +(mapMs / Math.max(1, mapFetches)).toFixed(1), sseKiB: +(sseBytes / 1024).toFixed(0), shutdownS: +((performance.now() - s0) / 1000).toFixed(1),
  flagship: f && { restarts: f.restarts, step: f.step, goodput: +f.goodput.toFixed(3) }, failures: Object.values(last.failuresByCause).reduce((a, b) => a + b, 0),
};
console.log(`twin ${cluster} (${info.gpus} GPUs, ${info.nodes} nodes): ${result.speed}× real time with a dashboard attached (target ≥ 600×)`);
console.log(`  ${result.virtualS} virtual s in ${result.wallS} wall s; startup ${result.startupS} s; peak RSS ${result.peakRssMiB} MiB (target < 1024); map bytes ${result.mapFetchMs} ms/fetch; shutdown ${result.shutdownS} s`);
console.log(JSON.stringify(result));
