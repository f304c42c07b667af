#!/usr/bin/env node
// What blocks the event loop: reads a V8 CPU profile (`node --cpu-prof`), finds the
// "long tasks" — runs of consecutive non-idle samples lasting at least --min-ms — and
// prints, for the longest ones and summed over all of them, the functions they spent
// their time in (inclusive: each function once per sample). Wall durations include time
// the process waited for a core on a loaded machine; compare sample counts too.
//   node bench/long-tasks.mjs PROFILE.cpuprofile [--min-ms 5] [--top 12] [--show 6] [--from S] [--to S]
// (--from/--to: only tasks starting in that window, seconds since the profile began)
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
if (!file) {
  console.error('usage: node bench/long-tasks.mjs PROFILE.cpuprofile [--min-ms 5] [--top 12]');
  process.exit(2);
}
const opt = (name, dflt) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const minMs = opt('--min-ms', 5);
const top = opt('--top', 12);
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n) => {
  const f = n.callFrame;
  const where = f.url ? `${f.url.replace(/^file:\/\/.*?\/(src|node_modules|bench)\//, '$1/')}:${f.lineNumber + 1}` : '';
  return `${f.functionName || "(anonymous)"} ${where}${f.url && f.lineNumber === 0 ? `:${f.columnNumber + 1}` : ""}`.trim();
};
const stackCache = new Map();
/** Distinct frame labels from the sample's node to the root. */
function stack(id) {
  let s = stackCache.get(id);
  if (s) return s;
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) seen.add(label(byId.get(cur)));
  stackCache.set(id, (s = [...seen]));
  return s;
}
const idle = (id) => byId.get(id).callFrame.functionName === '(idle)';

// samples with their times (µs since the profile start)
const times = [];
let t = 0;
for (const d of prof.timeDeltas) times.push((t += d));
const tasks = [];
let start = -1;
for (let i = 0; i <= prof.samples.length; i++) {
  const busy = i < prof.samples.length && !idle(prof.samples[i]);
  if (busy && start < 0) start = i;
  if (!busy && start >= 0) {
    const ms = (times[i - 1] - times[start]) / 1000 + (times[start] - (times[start - 1] ?? times[start])) / 1000;
    const atS = times[start] / 1e6;
    if (ms >= minMs && atS >= opt('--from', 0) && atS <= opt('--to', Infinity)) tasks.push({ from: start, to: i, ms, atS });
    start = -1;
  }
}
function summarize(ranges) {
  const incl = new Map();
  const self = new Map();
  let n = 0;
  for (const [a, b] of ranges) {
    for (let i = a; i < b; i++) {
      n++;
      for (const f of stack(prof.samples[i])) incl.set(f, (incl.get(f) ?? 0) + 1);
      const s = label(byId.get(prof.samples[i]));
      self.set(s, (self.get(s) ?? 0) + 1);
    }
  }
  const pct = (k) => `${((100 * k) / n).toFixed(0).padStart(3)} %`;
  const skip = /^\(root\)|^\(program\)$|processTicksAndRejections|runMicrotasks|^\(anonymous\) $/;
  return {
    samples: n,
    inclusive: [...incl].filter(([f]) => !skip.test(f)).sort((x, y) => y[1] - x[1]).slice(0, top).map(([f, k]) => `${pct(k)}  ${f}`),
    self: [...self].sort((x, y) => y[1] - x[1]).slice(0, Math.ceil(top / 2)).map(([f, k]) => `${pct(k)}  ${f}`),
  };
}
const totalS = (times.at(-1) ?? 0) / 1e6;
const busyMs = tasks.reduce((s, x) => s + x.ms, 0);
console.log(`${file}: ${totalS.toFixed(1)} s profiled; ${tasks.length} tasks ≥ ${minMs} ms (${(busyMs / 1000).toFixed(1)} s); longest ${tasks.reduce((m, x) => Math.max(m, x.ms), 0).toFixed(0)} ms`);
const hist = [5, 10, 20, 50, 100, 200, 500, 1000].map((lim, i, a) => `${lim}${a[i + 1] ? `–${a[i + 1]}` : '+'} ms: ${tasks.filter((x) => x.ms >= lim && (!a[i + 1] || x.ms < a[i + 1])).length}`);
console.log(`  by length: ${hist.join(', ')}`);
const all = summarize(tasks.map((x) => [x.from, x.to]));
console.log(`\nall long tasks together (${all.samples} samples), inclusive:`);
for (const l of all.inclusive) console.log(`  ${l}`);
console.log('  self:');
for (const l of all.self) console.log(`  ${l}`);
for (const x of [...tasks].sort((a, b) => b.ms - a.ms).slice(0, opt('--show', 6))) {
  const s = summarize([[x.from, x.to]]);
  console.log(`\ntask at ${x.atS.toFixed(2)} s: ${x.ms.toFixed(0)} ms (${s.samples} samples)`);
  for (const l of s.inclusive.slice(0, 8)) console.log(`  ${l}`);
}
