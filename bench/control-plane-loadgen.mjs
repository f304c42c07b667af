#!/usr/bin/env node
// Load generator for bench/control-plane.bench.mjs: a separate process that plays
// N agents against one server on loopback. Phases (args): for each node count,
// register the nodes not yet registered (64 in flight), then heartbeat every node
// once per interval with uniformly spread phases for `seconds`, 1 in 10 with a
// telemetry delta; a node echoes the attempts the server wants running as
// running (so a gang placed on it stays up) and, told to stop one, reports its exit at
// once (POST …/attempts/:id/events, as an agent does when the ranks are gone). Prints one JSON line per phase on stdout:
// {"phase":"register"|"heartbeat", nodes, requests, errors, seconds, perS, p50Ms, p99Ms, maxMs}.
// Usage: node control-plane-loadgen.mjs URL JOIN_TOKEN INTERVAL_S SECONDS N1 [N2 …]
import http from 'node:http';

const [url, joinToken, intervalArg, secondsArg, ...counts] = process.argv.slice(2);
const intervalS = Number(intervalArg);
const seconds = Number(secondsArg);
const { hostname, port } = new URL(url);
// Real agents each hold their own connection: up to 1,024 requests in flight here, so requests
// that wait for a commit (exit reports) do not hold back the others in a small pool.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });

function post(path, token, body) {
  const data = JSON.stringify(body);
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const req = http.request({ host: hostname, port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), authorization: `Bearer ${token}` } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, text, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    });
    req.on('error', () => resolve({ status: 0, text: '', ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    req.end(data);
  });
}

let cpuMark = process.cpuUsage();
function summary(phase, nodes, lat, errors, elapsedS) {
  const cpu = process.cpuUsage(cpuMark);
  cpuMark = process.cpuUsage();
  lat.sort((a, b) => a - b);
  const q = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] : null);
  const r = (v) => (v === null ? null : Math.round(v * 100) / 100);
  return { phase, nodes, requests: lat.length, errors, seconds: r(elapsedS), perS: Math.round(lat.length / elapsedS), p50Ms: r(q(0.5)), p99Ms: r(q(0.99)), maxMs: r(lat[lat.length - 1] ?? null), loadgenCpuPct: Math.round(((cpu.user + cpu.system) / 1e6 / elapsedS) * 100) };
}

const gpus = Array.from({ length: 8 }, (_, i) => ({ index: i, uuid: `GPU-${i}`, model: 'NVIDIA H100 80GB HBM3' }));
const tokens = [];
/** Attempts each simulated agent holds (echoed from the server's desired state). */
const held = [];
/** Heartbeat sequence number per node, across phases (the server takes a lower one as stale). */
const seq = [];
/** Stop orders already answered with an exit report ("node/attempt"). */
const reported = new Set();
let events = 0;
let eventErrors = 0;
let stopOrders = 0;
let withRun = 0;

async function register(from, to) {
  const lat = [];
  let errors = 0;
  let next = from;
  const t0 = performance.now();
  const worker = async () => {
    while (next < to) {
      const i = next++;
      const name = `node-${String(i).padStart(5, '0')}`;
      // 8 nodes per rack, 64 racks per array: a synthetic layout for the benchmark
      const r = await post('/api/v1/agents/register', joinToken, { name, gpus: gpus.map((g) => ({ ...g, uuid: `GPU-${i}-${g.index}` })), topology: { rack: `r${Math.floor(i / 8)}`, array: `a${Math.floor(i / 512)}` } });
      if (r.status !== 200) errors++;
      else tokens[i] = JSON.parse(r.text).nodeToken;
      lat.push(r.ms);
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  return summary('register', to, lat, errors, (performance.now() - t0) / 1000);
}

async function heartbeats(n) {
  const lat = [];
  let errors = 0;
  const periodMs = intervalS * 1000;
  const t0 = performance.now();
  const endAt = t0 + seconds * 1000;
  let inflight = 0;
  const trace = [];
  await new Promise((done) => {
    // one timer per millisecond slot: node i beats at t0 + (i/n)·period + k·period
    let k = 0;
    const tick = () => {
      const now = performance.now();
      if (now >= endAt) {
        if (inflight === 0) return done();
        return setTimeout(tick, 5);
      }
      const due = Math.floor(((now - t0) / periodMs) * n);
      for (; k < due; k++) {
        const i = k % n;
        const s = seq[i] ?? 0;
        seq[i] = s + 1;
        const body = { seq: s, attempts: held[i] ?? [] };
        if (s % 10 === 9) body.telemetry = { gpus: [{ index: s % 8, temperatureC: 40 + (s % 30), powerW: 300 + (s % 400) }] };
        inflight++;
        post(`/api/v1/agents/node-${String(i).padStart(5, '0')}/heartbeat`, tokens[i], body).then((r) => {
          inflight--;
          if (r.status !== 200) errors++;
          else if (r.text.length > 200 || held[i]) {
            // play the agent: what the server wants running is running
            const d = JSON.parse(r.text);
            held[i] = [...d.run.map((a) => a.attemptId), ...(d.keep ?? [])].map((attemptId) => ({ attemptId, state: 'running' })); // run: new specs; keep: ones held
            if (d.run.length || d.keep?.length) withRun++;
            // a stop order: the ranks are killed and the exit reported at once, as an agent does
            for (const o of d.stop) {
              stopOrders++;
              if (reported.has(`${i}/${o.attemptId}`)) continue;
              reported.add(`${i}/${o.attemptId}`);
              events++;
              post(`/api/v1/agents/node-${String(i).padStart(5, '0')}/attempts/${o.attemptId}/events`, tokens[i], { events: [{ type: 'exited', exitCode: null, signal: 'SIGTERM' }] }).then((e) => {
                if (e.status !== 200) eventErrors++;
              });
            }
          }
          lat.push(r.ms);
          if (process.env.LOADGEN_TRACE) {
            const sec = Math.floor((performance.now() - t0) / 1000);
            trace[sec] = Math.max(trace[sec] ?? 0, r.ms);
          }
        });
      }
      setTimeout(tick, 1);
    };
    tick();
  });
  if (process.env.LOADGEN_TRACE) console.error(`loadgen: max latency per second (ms): ${trace.map((v) => Math.round(v)).join(' ')}`);
  const row = summary('heartbeat', n, lat, errors, seconds);
  row.exitReports = events;
  row.exitReportErrors = eventErrors;
  row.repliesWithRun = withRun;
  row.stopOrders = stopOrders;
  events = eventErrors = stopOrders = withRun = 0;
  return row;
}

let registered = 0;
for (const c of counts.map(Number)) {
  if (c > registered) console.log(JSON.stringify(await register(registered, c)));
  registered = c;
  console.log(JSON.stringify({ phase: 'heartbeat-start', nodes: c }));
  await new Promise((r) => setTimeout(r, 200)); // the bench may submit a gang now
  cpuMark = process.cpuUsage();
  console.log(JSON.stringify(await heartbeats(c)));
}
agent.destroy();
