// Size and time of one /metrics scrape of the twin, per-GPU (4,096 GPUs) and per-node (100,000 GPUs).
// Each twin runs one virtual hour at --speed 0 in this process, then /metrics is fetched five times.
//   node --import tsx bench/metrics.bench.mjs        (METRICS_BENCH_GPUS=4096,100000)
import { loadavg } from 'node:os';
import { clusterByName } from '../src/core/cluster/catalog.ts';
import { getModelPreset } from '../src/core/model/catalog.ts';
import { failurePreset } from '../src/core/reliability/presets.ts';
import { startTwin } from '../src/twin/runtime.ts';

const sizes = (process.env.METRICS_BENCH_GPUS ?? '4096,100000').split(',').map(Number);
for (const gpus of sizes) {
  const t = await startTwin({ cluster: clusterByName('colossus-100k', gpus), model: getModelPreset('grok-1'), failures: failurePreset('llama3-h100'), seed: 1, speed: 0, untilS: 3600, host: '127.0.0.1', port: 0, env: {} });
  await t.pacer.done();
  const ms = [];
  let text = '';
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    text = await (await fetch(`${t.url}/metrics`)).text();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  console.log(JSON.stringify({ gpus, bytes: text.length, lines: text.split('\n').length, medianMs: Math.round(ms[2]), maxMs: Math.round(ms[4]), loadavg: loadavg().map((x) => x.toFixed(1)) }));
  await t.stop();
}
