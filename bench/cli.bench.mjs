// CLI start-up: median wall time of the built CLI (`node bin/colossus.js …`, which runs dist/)
// for the commands people and scripts call most, against `node -e 0` (the floor: Node's own
// start-up). Target: every listed command < 0.25 s median. Run with `npm run bench cli`;
// CLI_BENCH_RUNS (default 21) sets the runs per command; CLI_BENCH_BASELINE=DIR (another checkout,
// built) adds each command as run there, for a before/after; CLI_BENCH_NO_BUNDLE=1 adds each run
// from dist/ module by module (COLOSSUS_NO_BUNDLE=1), for the bundle's A/B. Runs are interleaved round-robin so
// a burst of load from other processes hits every command alike; the load average is printed.
// dist/ (and its bundle, dist/cli-bundle/) is rebuilt first when any src/**/*.ts is newer than it. On Linux it also prints
// the median CPU time (user + sys) of each run, read from /proc/self/stat (cutime, cstime of
// waited children): on a machine shared with other work, CPU time is what the command costs,
// while wall time includes waiting for a core.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.CLI_BENCH_RUNS) || 21;
const targetS = 0.25;

const COMMANDS = [
  ['node -e 0', ['-e', '0']],
  ['colossus --help', ['bin/colossus.js', '--help']],
  ['colossus model list', ['bin/colossus.js', 'model', 'list']],
  ['colossus gpu compare h100 h200', ['bin/colossus.js', 'gpu', 'compare', 'h100', 'h200']],
  ['colossus perf (llama3-70b, 1,024 H100)', ['bin/colossus.js', 'perf', '--model', 'llama3-70b', '--cluster', 'dgx-h100', '--gpus', '1024', '--gbs', '1024', '--seq', '8192']],
  ['colossus plan (llama3-70b, 1,024 H100)', ['bin/colossus.js', 'plan', '--model', 'llama3-70b', '--cluster', 'dgx-h100', '--gpus', '1024', '--gbs', '1024', '--seq', '8192']],
  ['colossus plan --json (llama3-70b)', ['bin/colossus.js', 'plan', '--model', 'llama3-70b', '--cluster', 'dgx-h100', '--gpus', '1024', '--gbs', '1024', '--seq', '8192', '--json']],
];

/** The rows with the target; rows added below are for comparison. */
const LISTED = COMMANDS.length;
const baseline = process.env.CLI_BENCH_BASELINE;
if (baseline) {
  for (const [label, args] of COMMANDS.slice(1)) COMMANDS.push([`${label} [baseline]`, [join(baseline, args[0]), ...args.slice(1)]]);
}
// CLI_BENCH_NO_BUNDLE=1 adds each command run module by module from dist/ (COLOSSUS_NO_BUNDLE=1),
// interleaved with the bundled runs: the bundle's A/B on the same machine in the same minutes.
if (process.env.CLI_BENCH_NO_BUNDLE === '1') {
  for (const [label, args] of COMMANDS.slice(1, LISTED)) COMMANDS.push([`${label} [no bundle]`, args, { COLOSSUS_NO_BUNDLE: '1' }]);
}

function newestMs(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMs(p) : e.name.endsWith('.ts') ? statSync(p).mtimeMs : 0);
  }
  return t;
}

function ensureBuilt() {
  const main = join(root, 'dist/cli/main.js');
  if (existsSync(main) && statSync(main).mtimeMs >= newestMs(join(root, 'src'))) return;
  console.log('dist/ is missing or older than src/: building with tsc -p tsconfig.build.json …');
  const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
  const b = spawnSync(process.execPath, [join(root, 'scripts/bundle-cli.mjs')], { cwd: root, stdio: 'inherit' }); // what bin/colossus.js runs
  if (b.status !== 0) process.exit(1);
}

const clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;
/** CPU seconds (user + sys) of the children this process has waited for; NaN off Linux. */
function childrenCpuS() {
  if (!existsSync('/proc/self/stat')) return NaN;
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' '); // after "pid (comm) "
  return (Number(fields[13]) + Number(fields[14])) / clockTicks; // cutime, cstime (fields 16, 17)
}

function timeOnce(args, env) {
  const cpu0 = childrenCpuS();
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: env ? { ...process.env, ...env } : process.env });
  const wallS = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { wallS, cpuS: childrenCpuS() - cpu0 };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

ensureBuilt();
const load0 = loadavg();
const times = COMMANDS.map(() => []);
const cpu = COMMANDS.map(() => []);
for (const [, args, env] of COMMANDS) timeOnce(args, env); // warm the file cache
for (let i = 0; i < runs; i++) {
  COMMANDS.forEach(([, args, env], k) => {
    const t = timeOnce(args, env);
    times[k].push(t.wallS);
    cpu[k].push(t.cpuS);
  });
}
const load1 = loadavg();

const floor = median(times[0]);
console.log(`${runs} runs each, interleaved; load average ${load0.map((l) => l.toFixed(2)).join(' ')} before, ${load1.map((l) => l.toFixed(2)).join(' ')} after (${process.env.CLI_BENCH_NOTE ?? 'cores shared with other work'})`);
console.log('command'.padEnd(54) + 'median s'.padStart(9) + 'p90 s'.padStart(8) + '× node -e 0'.padStart(13) + 'CPU s'.padStart(8) + '  target (median wall)');
let misses = 0;
COMMANDS.forEach(([label], k) => {
  const m = median(times[k]);
  const p90 = [...times[k]].sort((a, b) => a - b)[Math.floor(0.9 * (times[k].length - 1))];
  const target = k === 0 ? '(floor)' : k >= LISTED ? '(comparison)' : m < targetS ? `< ${targetS} s ok` : `< ${targetS} s MISSED`;
  if (k > 0 && k < LISTED && m >= targetS) misses++;
  console.log(label.padEnd(54) + m.toFixed(3).padStart(9) + p90.toFixed(3).padStart(8) + (m / floor).toFixed(2).padStart(13) + median(cpu[k]).toFixed(2).padStart(8) + '  ' + target);
});
console.log(misses ? `${misses} command(s) at or above ${targetS} s median` : `every command under ${targetS} s median`);
