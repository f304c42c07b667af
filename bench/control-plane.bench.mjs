#!/usr/bin/env node
// Control-plane benchmark (issues 5, 9 and 14). On the 2-core dev box, targets:
// 25,000 nodes heartbeating every 5 s with p99 < 50 ms — also while heavy work runs
// beside them and with a competing CPU-bound process; a 98,304-GPU gang placed on a
// 100k-GPU inventory in < 1 s.
//  1. in process (pure logic + the durable commit): place a 98,304-GPU gang on
//     12,500 8-GPU nodes; drain a queue of 10,000 small jobs (1–8 GPUs);
//  2. over HTTP: a real `colossus server` process (SQLite) and a separate
//     load-generator process playing agents heartbeating every 5 s on loopback:
//     12,500 idle nodes; the same while a 98,304-GPU gang is submitted, placed and
//     started on them; 25,000 nodes with the gang running (quiet); the same while a
//     2nd gang is placed and cancelled and the dashboard's feeds are read once a
//     second (busy); the same with a CPU-bound child process beside it for the phase
//     (busy + contention); then while the cancelled gangs stop — heartbeats/s, p50/p99
//     latency, server CPU and RSS, and the server's longest event-loop waits in wall and
//     CPU time (bench/loop-monitor.mjs); then 10,000 small jobs submitted and drained.
// About three minutes. Run: node bench/control-plane.bench.mjs [--seconds S] [--postgres [URL]]
// (or npm run bench control-plane). Prints a table and one JSON line (bench/out/).
// BENCH_PROF=DIR writes the server's CPU profile there (node bench/long-tasks.mjs reads it).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { register } from 'tsx/esm/api';

register();
const { Controller } = await import('../src/core/control/controller.ts');
const { DEFAULT_POLICY } = await import('../src/core/control/types.ts');
const { placeJob } = await import('../src/core/control/placement.ts');
const { createServer } = await import('../src/server/app.ts');
const { Store } = await import('../src/server/store/store.ts');

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const secondsArg = process.argv.indexOf('--seconds');
const HB_SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 12;
const pgArg = process.argv.indexOf('--postgres');
/** --postgres [URL]: run the HTTP part on PostgreSQL (a throwaway schema) instead of SQLite. */
const PG_URL = pgArg > 0 ? (process.argv[pgArg + 1]?.startsWith('postgres') ? process.argv[pgArg + 1] : 'postgres://postgres@127.0.0.1:5432/test') : null;
const PG_SCHEMA = `bench_${process.pid}`;
const NODES = 12_500;
/**
 * BENCH_SERVER_NODE_FLAGS="--max-semi-space-size=64": Node flags for the server process only
 * (docs/operate.md, "Where the server's CPU goes": with a larger young generation the server
 * spent less CPU and queued less at 25,000 nodes). Printed with the results.
 */
const SERVER_NODE_FLAGS = (process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
const GPN = 8;

/** 12,500 nodes × 8 GPUs; 8 nodes per rack, 64 racks per array (a synthetic layout). */
function fleet(ctl, count) {
  const gpus = Array.from({ length: GPN }, (_, i) => ({ index: i, uuid: `GPU-${i}`, model: 'H100' }));
  for (let i = 0; i < count; i++) {
    ctl.registerNode({ name: `node-${String(i).padStart(5, '0')}`, gpus, topology: { rack: `r${Math.floor(i / 8)}`, array: `a${Math.floor(i / 512)}` }, address: null, attempts: [] });
  }
}

const job = (gpus, i = 0) => ({ name: `j${i}`, gpus, priority: 0, team: 'default', maxRestarts: 3, command: ['train'], cwd: null, env: {}, gracePeriodS: 30 });

async function inProcess() {
  const out = {};
  // pure placement
  const caps = Array.from({ length: NODES }, (_, i) => ({ name: `n${i}`, rack: `r${Math.floor(i / 8)}`, array: `a${Math.floor(i / 512)}`, totalGpus: GPN, freeGpus: GPN }));
  let t0 = performance.now();
  const p = placeJob(caps, 98_304);
  out.placeGangPureMs = performance.now() - t0;
  out.gangNodes = p.length;

  // the scheduler pass with the durable commit, on a real SQLite store
  const dir = mkdtempSync(join(tmpdir(), 'colossus-bench-'));
  try {
    const store = await Store.open({ dataDir: dir });
    const server = await createServer({ store, tickMs: 0 });
    const ctl = server.controller;
    fleet(ctl, NODES);
    await server.commit();
    ctl.submitJob(job(98_304));
    await server.commit();
    t0 = performance.now();
    ctl.schedule();
    out.placeGangSchedulerMs = performance.now() - t0;
    await server.commit();
    out.placeGangWithCommitMs = performance.now() - t0;

    // drain 10,000 small jobs on a fresh controller with the same fleet
    const ctl2 = new Controller({ nowMs: () => Date.now() }, DEFAULT_POLICY);
    fleet(ctl2, NODES);
    ctl2.takeChanges();
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 10_000; i++) ctl2.submitJob(job(1 + Math.floor(rnd() * GPN), i));
    ctl2.takeChanges();
    t0 = performance.now();
    const started = ctl2.schedule();
    out.drain10kJobsMs = performance.now() - t0;
    out.drain10kStarted = started;
    const changes = ctl2.takeChanges();
    const store2 = await Store.open({ dataDir: join(dir, 'drain') });
    t0 = performance.now();
    await store2.write({ changes });
    out.drain10kCommitMs = performance.now() - t0;
    await store2.close();
    await server.close();
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

function cpuSeconds(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, clock ticks (100 Hz)
}
const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

/**
 * Heavy work beside the heartbeats (phases 4 and 5): a scheduling pass and big commits —
 * a 2nd 98,304-GPU gang submitted on the 12,712 idle nodes, placed, then cancelled (its
 * 12,288 parts stop over the next two heartbeats) — and the dashboard's feeds once a
 * second: the nodes page (50 of 25,000 sorted by free GPUs), the whole node list, node
 * counts per rack, the jobs page and a Prometheus scrape of /metrics.
 */
const FEEDS = [
  // every second: what the dashboard's pages poll
  ['nodes page', '/api/v1/nodes?limit=50&sort=-gpusFree', 1],
  ['counts by rack', '/api/v1/fleet/nodes?by=rack', 1],
  ['jobs page', '/api/v1/jobs?limit=50&sort=-submitted', 1],
  // every 5 s: a whole-fleet export (node list --limit 100000) and a Prometheus scrape
  ['all nodes', '/api/v1/nodes?limit=100000', 5],
  ['/metrics', '/metrics', 5],
];
function heavyWork(url, token) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const state = { stop: false, wrapUp: false, phase: 4, gangs: [], feeds: [] };
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const log = (m) => process.env.BENCH_VERBOSE && console.error(`bench: ${m}`);
  const feeds = (async () => {
    for (let second = 0; !state.stop; second++) {
      const t = performance.now();
      for (const [name, path, every] of FEEDS) {
        if (second % every !== 0) continue;
        const f0 = performance.now();
        const r = await fetch(url + path, { headers });
        const bytes = (await r.arrayBuffer()).byteLength;
        if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
        state.feeds.push({ phase: state.phase, name, ms: performance.now() - f0, bytes });
      }
      await sleep(Math.max(0, 1000 - (performance.now() - t)));
    }
  })();
  /**
   * One cycle per heavy phase, started with it: submit, wait for running, cancel, wait until
   * the attempt has stopped (the nodes report their exits). Told to wrap up, it cancels at once.
   */
  const gang = async (phase) => {
    const t = performance.now();
    const job = await (await fetch(`${url}/api/v1/jobs`, { method: 'POST', headers, body: JSON.stringify({ name: `gang-${phase}`, gpus: 98_304, command: ['train'] }) })).json();
    const show = async () => {
      const j = await (await fetch(`${url}/api/v1/jobs/${job.id}`, { headers })).json();
      return j.state === 'cancelled' ? (j.attempts.at(-1)?.state === 'stopping' ? 'stopping' : 'cancelled') : j.state;
    };
    let placedMs = null;
    while (!state.wrapUp && (await show()) !== 'running') await sleep(50);
    if (!state.wrapUp) {
      placedMs = performance.now() - t;
      log(`gang ${job.id} running after ${placedMs.toFixed(0)} ms`);
      await sleep(500);
    }
    const c0 = performance.now();
    const r = await fetch(`${url}/api/v1/jobs/${job.id}/cancel`, { method: 'POST', headers, body: '{}' });
    const cancelMs = performance.now() - c0;
    if (r.status !== 200) throw new Error(`cancel: ${r.status}`);
    log(`gang ${job.id} cancel answered in ${cancelMs.toFixed(0)} ms`);
    while ((await show()) !== 'cancelled') await sleep(250); // the job is cancelled at once; its attempt stops as the nodes report
    log(`gang ${job.id} stopped ${((performance.now() - c0) / 1000).toFixed(1)} s after the cancel`);
    state.gangs.push({ phase, placedMs, cancelMs, cancelledS: (performance.now() - c0) / 1000 });
  };
  const cycles = [];
  return {
    state,
    startPhase(phase) {
      state.phase = phase;
      cycles.push(gang(phase));
    },
    /** Stops the feeds; gangs not running yet are cancelled at once. */
    wrapUp() {
      state.wrapUp = true;
      state.stop = true;
      return feeds;
    },
    /** Waits (bounded) for the gangs to stop. */
    async settled() {
      const late = await Promise.race([Promise.all(cycles).then(() => false), sleep(30_000).then(() => true)]);
      if (late) state.incomplete = true; // reported, not waited for
    },
  };
}

/** A competing CPU-bound process, bounded in time: a busy loop for `seconds`. */
function burner(seconds) {
  return spawn(process.execPath, ['-e', `const end = Date.now() + ${Math.round(seconds * 1000)}; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1);`], { stdio: 'ignore' });
}

async function overHttp() {
  const dir = mkdtempSync(join(tmpdir(), 'colossus-bench-http-'));
  const prof = process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.BENCH_PROF] : [];
  const monitor = process.env.BENCH_LOOP === '0' ? [] : ['--import', join(here, 'loop-monitor.mjs')];
  const server = spawn(process.execPath, [...prof, ...SERVER_NODE_FLAGS, '--import', 'tsx', ...monitor, join(root, 'src/cli/entry.ts'), 'server', '--data-dir', dir, '--port', '0', '--json', '--log-level', 'warn', '--heartbeat-interval-s', '5', '--node-timeout-s', '600'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit', 'ipc'], env: { ...process.env, DATABASE_URL: PG_URL ?? '', COLOSSUS_PG_SCHEMA: PG_URL ? PG_SCHEMA : '' } });
  const loopStats = () => monitor.length === 0 ? Promise.resolve(null) : new Promise((res) => {
    const on = (m) => {
      if (!m?.loopStats) return;
      server.off('message', on);
      res(m.loopStats);
    };
    server.on('message', on);
    server.send('loop-stats');
  });
  let buf = '';
  const info = await new Promise((res) => server.stdout.on('data', (d) => { buf += d; try { res(JSON.parse(buf)); } catch { /* partial */ } }));
  const join_ = readFileSync(join(dir, 'agent.token'), 'utf8').trim();
  const admin = readFileSync(join(dir, 'admin.token'), 'utf8').trim();
  const gen = spawn(process.execPath, [join(here, 'control-plane-loadgen.mjs'), info.url, join_, '5', String(HB_SECONDS), String(NODES), String(NODES), String(NODES * 2), String(NODES * 2), String(NODES * 2), String(NODES * 2)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const phases = [];
  let cpu0 = 0, t0 = 0, gang = Promise.resolve(null), hbPhase = 0, heavy = null, burn = null;
  const labels = ['idle', 'gang placed at start, then running', 'gang running on 12,288 (quiet)', 'busy: 2nd gang placed + cancelled, dashboard feeds', 'busy + a CPU-bound process (contention)', 'after: cancelled gangs stop, then quiet'];
  const rows = [];
  let wake = null;
  let ended = false;
  let lines = '';
  gen.stdout.on('data', (d) => {
    const parts = (lines += d).split('\n');
    lines = parts.pop();
    for (const l of parts) if (l.trim()) rows.push(JSON.parse(l));
    wake?.();
  });
  gen.on('exit', () => {
    ended = true;
    wake?.();
  });
  for (;;) {
    if (rows.length === 0) {
      if (ended) break;
      await new Promise((r) => (wake = r));
      wake = null;
      continue;
    }
    const row = rows.shift();
    if (row.phase === 'heartbeat-start') {
      await loopStats(); // reset
      cpu0 = cpuSeconds(server.pid);
      t0 = performance.now();
      hbPhase++;
      if (hbPhase === 2) gang = placeGangOverHttp(info.url, admin);
      if (hbPhase >= 4) (heavy ??= heavyWork(info.url, admin)).startPhase(hbPhase);
      if (hbPhase === 5) burn = burner(HB_SECONDS + 0.5);
      continue;
    }
    if (row.phase === 'heartbeat') {
      row.label = labels[hbPhase - 1];
      row.serverCpuPct = Math.round((100 * (cpuSeconds(server.pid) - cpu0)) / ((performance.now() - t0) / 1000));
      row.serverRssMiB = Math.round(rssMiB(server.pid));
      row.loop = await loopStats();
      if (hbPhase === 5) {
        burn?.kill('SIGKILL');
        await heavy?.wrapUp();
      }
      if (hbPhase === 6) await heavy?.settled();
    }
    phases.push(row);
    if (process.env.BENCH_VERBOSE) console.error(`bench: ${JSON.stringify(row)}`);
  }
  const gangMs = await gang;
  const drain = await drainOverHttp(info.url, admin);
  server.kill('SIGTERM');
  await new Promise((r) => server.on('exit', r));
  rmSync(dir, { recursive: true, force: true });
  if (PG_URL) {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${PG_SCHEMA}" CASCADE`);
    await client.end();
  }
  return { phases, gangMs, drain, heavy: heavy?.state ?? null };
}

/** Submits 10,000 small jobs (1–8 GPUs, 32 in flight) and waits until none is queued. */
async function drainOverHttp(url, token) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  let seed = 11, next = 0;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const sizes = Array.from({ length: 10_000 }, () => 1 + Math.floor(rnd() * 8));
  const t = performance.now();
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (next < sizes.length) {
      const i = next++;
      const r = await fetch(`${url}/api/v1/jobs`, { method: 'POST', headers, body: JSON.stringify({ name: `small-${i}`, gpus: sizes[i], command: ['train'] }) });
      if (r.status !== 201) throw new Error(`submit failed: ${r.status}`);
    }
  }));
  const submitS = (performance.now() - t) / 1000;
  let queued = 0;
  for (const until = performance.now() + 120_000; performance.now() < until; ) {
    const r = await fetch(`${url}/api/v1/jobs?state=queued&limit=1`, { headers });
    await r.arrayBuffer();
    queued = Number(r.headers.get('x-total-count'));
    if (queued === 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { submitS, submitPerS: Math.round(10_000 / submitS), allRunningS: queued ? null : (performance.now() - t) / 1000, stillQueued: queued };
}

/** Submits a 98,304-GPU job over HTTP and polls until it runs: ms from submit to placed. */
async function placeGangOverHttp(url, token) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const t = performance.now();
  const job = await (await fetch(`${url}/api/v1/jobs`, { method: 'POST', headers, body: JSON.stringify({ name: 'gang', gpus: 98_304, command: ['train'] }) })).json();
  for (;;) {
    const j = await (await fetch(`${url}/api/v1/jobs/${job.id}`, { headers })).json();
    if (j.state === 'running') return performance.now() - t;
    await new Promise((r) => setTimeout(r, 10));
  }
}

const t = performance.now();
const ip = await inProcess();
console.log('in process (12,500 nodes × 8 GPUs):');
console.log(`  place a 98,304-GPU gang: pure placement ${ip.placeGangPureMs.toFixed(1)} ms (${ip.gangNodes} nodes); scheduler pass ${ip.placeGangSchedulerMs.toFixed(1)} ms; with durable SQLite commit ${ip.placeGangWithCommitMs.toFixed(1)} ms  (target < 1000 ms)`);
console.log(`  drain 10,000 small jobs (1–8 GPUs): one scheduler pass ${ip.drain10kJobsMs.toFixed(1)} ms, ${ip.drain10kStarted} started; commit ${ip.drain10kCommitMs.toFixed(1)} ms`);
const { phases: http, gangMs, drain, heavy } = await overHttp();
console.log(`over HTTP (server process on ${PG_URL ? 'PostgreSQL' : 'SQLite'}, load generator in another process, 5-s interval, ${HB_SECONDS} s per phase):`);
console.log(`  a 98,304-GPU gang submitted at the start of the 2nd heartbeat phase: running ${gangMs.toFixed(0)} ms after submit (then 12,288 of the nodes heartbeat with it)`);
console.log('  phase      nodes   requests  errors   per s   p50 ms   p99 ms   max ms  server CPU  RSS MiB  loop: max ms  >50 ms  CPU max ms  CPU >50 ms  loadgen CPU  jobs');
for (const p of http) {
  const l = p.loop ?? {};
  console.log(`  ${p.phase.padEnd(9)} ${String(p.nodes).padStart(6)} ${String(p.requests).padStart(10)} ${String(p.errors).padStart(7)} ${String(p.perS).padStart(7)} ${String(p.p50Ms).padStart(8)} ${String(p.p99Ms).padStart(8)} ${String(p.maxMs).padStart(8)} ${(p.serverCpuPct === undefined ? '' : p.serverCpuPct + ' %').padStart(11)} ${String(p.serverRssMiB ?? '').padStart(8)} ${String(l.maxMs ?? '').padStart(13)} ${String(l.over50 ?? '').padStart(7)} ${String(l.cpuMaxMs ?? '').padStart(11)} ${String(l.cpuOver50 ?? '').padStart(11)} ${(p.loadgenCpuPct + ' %').padStart(12)}  ${p.label ?? ''}`);
}
console.log('  (loop: the server\'s longest wait between turns of its event loop, and how many exceeded 50 ms; CPU: the CPU time the server used');
console.log('   in those waits — what the wait would be on a quiet machine; bench/loop-monitor.mjs)');
if (heavy) {
  for (const g of heavy.gangs) console.log(`  phase ${g.phase}: 2nd gang (98,304 GPUs) ${g.placedMs === null ? 'cancelled before it ran' : `running ${g.placedMs.toFixed(0)} ms after submit`}; cancel answered in ${g.cancelMs.toFixed(0)} ms, all parts stopped ${g.cancelledS.toFixed(1)} s after it`);
  if (heavy.incomplete) console.log('  (a gang had not finished cancelling when the heartbeats stopped)');
  for (const phase of [4, 5]) {
    const f = heavy.feeds.filter((x) => x.phase === phase);
    const by = FEEDS.map(([name]) => {
      const xs = f.filter((x) => x.name === name).map((x) => x.ms).sort((a, b) => a - b);
      const kib = Math.round((f.find((x) => x.name === name)?.bytes ?? 0) / 1024);
      return xs.length ? `${name} ${xs[Math.floor(xs.length / 2)].toFixed(0)}/${xs.at(-1).toFixed(0)} ms (${kib} KiB)` : null;
    }).filter(Boolean);
    console.log(`  phase ${phase} dashboard feeds, median/max wall: ${by.join('; ')}`);
  }
  const [, , quiet, busy, contended] = http.filter((p) => p.phase === 'heartbeat');
  if (busy && contended) console.log(`  heartbeat p99 at 25,000 nodes: quiet ${quiet.p99Ms} ms; under heavy work ${busy.p99Ms} ms without contention, ${contended.p99Ms} ms with a competing CPU-bound process (target < 50 ms)`);
}
console.log(`  10,000 small jobs (1–8 GPUs) submitted over HTTP (32 in flight) in ${drain.submitS.toFixed(1)} s (${drain.submitPerS}/s); ${drain.allRunningS === null ? `${drain.stillQueued} still queued after 2 minutes` : `all running ${drain.allRunningS.toFixed(1)} s after the first submit`}`);
console.log(`  load average during the run (other processes share the 2 cores): ${loadavg().map((v) => v.toFixed(1)).join(' ')}; server Node flags: ${SERVER_NODE_FLAGS.join(' ') || '(none)'}`);
const result = { bench: 'control-plane', store: PG_URL ? 'postgres' : 'sqlite', serverNodeFlags: SERVER_NODE_FLAGS, date: new Date().toISOString(), loadAverage: loadavg(), inProcess: ip, http, gangOverHttpMs: gangMs, drainOverHttp: drain, heavy, wallS: (performance.now() - t) / 1000 };
mkdirSync(join(here, 'out'), { recursive: true });
writeFileSync(join(here, 'out', 'control-plane.json'), JSON.stringify(result, null, 2));
console.log(JSON.stringify(result));
