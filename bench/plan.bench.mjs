// Planner speed: layout evaluations per second on one thread, and the wall time of
//   colossus plan --model llama3-405b --cluster colossus-100k --gpus 98304 --gbs 2048 --seq 8192
// (targets: ≥ 1,000,000 evaluations/s per core; that plan < 2 s). Run with `npm run bench plan`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODEL_PRESETS } from '../src/core/model/presets.ts';
import { CLUSTER_PRESETS } from '../src/core/cluster/presets.ts';
import { resolveCluster } from '../src/core/cluster/resolve.ts';
import { prepare, evaluateInto, M } from '../src/core/perf/index.ts';
import { searchLayouts } from '../src/core/perf/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Every (tp, pp, cp, ep, mbs, vpp, zero, recompute) combination of a model on a cluster, as plain objects. */
function layoutsOf(model, cluster, gbs, seq) {
  const out = [];
    // pp: powers of two up to 32 (uneven splits where they do not divide the layers, e.g. DeepSeek-V3's 61).
  for (const tp of [1, 2, 4, 8]) for (const pp of [1, 2, 4, 8, 16, 32].filter((p) => p <= model.layers)) for (const cp of [1, 2, 4]) {
    const dp = cluster.gpus / (tp * pp * cp);
    if (!Number.isInteger(dp) || gbs % dp !== 0) continue;
    for (const ep of model.moe ? [1, 2, 4, 8, 16, 32, 64].filter((e) => (dp * cp) % e === 0) : [1])
      for (const mbs of [1, 2, 4].filter((b) => (gbs / dp) % b === 0))
        for (const vpp of [1, 2].filter((v) => v === 1 || (pp > 1 && pp * v <= model.layers)))
          for (const zero of [0, 1, 2, 3]) for (const recompute of [0, 1, 2])
            out.push({ tp, pp, vpp, cp, ep, dp, zero, mbs, gbs, seq, precision: 0, recompute });
  }
  return out;
}

function evalsPerSecond(name, modelName, clusterName, gpus, gbs, seq) {
  const model = MODEL_PRESETS[modelName];
  const cluster = resolveCluster(CLUSTER_PRESETS[clusterName], { gpus });
  const p = prepare(model, cluster);
  const layouts = layoutsOf(model, cluster, gbs, seq);
  const out = new Float64Array(M.size);
  let sink = 0;
  for (let i = 0; i < 3; i++) for (const L of layouts) sink += evaluateInto(p, L, out); // warm the JIT
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 1000) {
    for (const L of layouts) sink += evaluateInto(p, L, out);
    n += layouts.length;
  }
  const s = (performance.now() - t0) / 1000;
  console.log(`${name.padEnd(40)} ${layouts.length} layouts × ${Math.round(n / layouts.length)} passes: ${(n / s / 1e6).toFixed(2)} M evaluations/s (full memory + step time)${sink === 0 ? '' : ''}`);
  return n / s;
}

console.log('one thread, evaluateInto (memory + step time, no allocation):');
evalsPerSecond('llama3-405b on colossus-100k (8192 GPUs)', 'llama3-405b', 'colossus-100k', 8192, 2048, 8192);
evalsPerSecond('deepseek-v3 on gb200-nvl72 (4608 GPUs)', 'deepseek-v3', 'gb200-nvl72', 4608, 4608, 4096);
evalsPerSecond('gpt3-175b on dgx-a100 (1024 GPUs)', 'gpt3-175b', 'dgx-a100', 1024, 1536, 2048);

// In-process search (the same code the CLI runs), after one warm-up.
const big = resolveCluster(CLUSTER_PRESETS['colossus-100k'], { gpus: 98304 });
searchLayouts(MODEL_PRESETS['llama3-405b'], big, { gbs: 2048, seq: 8192 });
let t0 = performance.now();
const r = searchLayouts(MODEL_PRESETS['llama3-405b'], big, { gbs: 2048, seq: 8192 });
console.log(`\nsearchLayouts llama3-405b / colossus-100k / 98304 GPUs / gbs 2048 / seq 8192: ${r.searched} layouts (${r.feasible} fit) in ${((performance.now() - t0) / 1000).toFixed(3)} s in-process`);

// The CLI end to end, as a user runs it: from the built dist, rebuilt first if older than the
// sources it runs (else from source via tsx, which adds its compile time).
const newest = (dir) => Math.max(...readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => statSync(join(dir, f)).mtimeMs));
const sourceTime = Math.max(newest(join(root, 'src/core/perf')), newest(join(root, 'src/cli/commands')), newest(join(root, 'src/cli')));
const fresh = () => existsSync(join(root, 'dist/cli/commands/plan.js')) && statSync(join(root, 'dist/cli/commands/plan.js')).mtimeMs >= sourceTime;
if (!fresh()) {
  console.log('(dist is missing or older than the sources: npm run build)');
  spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
}
const built = fresh();
const argv = built ? [join(root, 'bin/colossus.js')] : ['--import', 'tsx', join(root, 'src/cli/entry.ts')];
const args = ['plan', '--model', 'llama3-405b', '--cluster', 'colossus-100k', '--gpus', '98304', '--gbs', '2048', '--seq', '8192', '--json'];
const walls = [];
for (let i = 0; i < 3; i++) {
  t0 = performance.now();
  const res = spawnSync(process.execPath, [...argv, ...args], { cwd: root, encoding: 'utf8' });
  walls.push((performance.now() - t0) / 1000);
  if (res.status !== 0) console.log(`plan exited ${res.status}: ${res.stderr}`);
}
console.log(`colossus plan … --gpus 98304 --gbs 2048 --seq 8192 wall time (${built ? 'node bin/colossus.js, built dist' : 'from source via tsx'}): best ${Math.min(...walls).toFixed(2)} s of 3 (target < 2 s)`);
