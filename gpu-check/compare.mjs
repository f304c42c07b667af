#!/usr/bin/env node
// Compares the GPU check's measurements (train_llama_1b.py JSON) with the performance model
// on ONE GPU of the matching node type (dgx-h100 or dgx-h200, a single-GPU slice of it).
// Prints a Markdown table and writes gpu-check/comparison.md.
//   node --import tsx gpu-check/compare.mjs measured.json [--cluster dgx-h100|dgx-h200]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { CLUSTER_PRESETS } from '../src/core/cluster/presets.ts';
import { resolveCluster } from '../src/core/cluster/resolve.ts';
import { parseModel } from '../src/core/model/schema.ts';
import { evaluateLayout } from '../src/core/perf/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const [file, ...rest] = process.argv.slice(2);
if (!file) {
  console.error('usage: node --import tsx gpu-check/compare.mjs measured.json [--cluster dgx-h100|dgx-h200]');
  process.exit(2);
}
const doc = JSON.parse(readFileSync(file, 'utf8'));
const ci = rest.indexOf('--cluster');
const preset = ci >= 0 ? rest[ci + 1] : /H200/i.test(doc.device) ? 'dgx-h200' : 'dgx-h100';
const spec = CLUSTER_PRESETS[preset];
// One GPU of the node: the same GPU, no NVLink or NIC peers (nothing to communicate with).
const one = resolveCluster({ ...spec, gpusPerNode: 1, nvlinkDomainGpus: 1, pools: [{ ...spec.pools[0], gpus: 1 }] }, { gpus: 1 });
const model = parseModel(parse(readFileSync(join(here, 'llama-1b.yaml'), 'utf8')), 'gpu-check/llama-1b.yaml');
const e = (a, b) => `${(((a - b) / b) * 100).toFixed(1)}%`;
const rows = doc.results.map((r) => {
  if (r.oom) return `| ${r.seq} | ${r.mbs} | ${r.recompute} | OOM | | | |`;
  const p = evaluateLayout(model, one, { tp: 1, pp: 1, vpp: 1, cp: 1, ep: 1, dp: 1, zero: 0, mbs: r.mbs, gbs: r.mbs, seq: r.seq, precision: 'bf16', recompute: r.recompute });
  return `| ${r.seq} | ${r.mbs} | ${r.recompute} | ${(r.stepTimeS * 1e3).toFixed(1)} ms | ${(p.stepTimeS * 1e3).toFixed(1)} ms (${e(p.stepTimeS, r.stepTimeS)}) | ${(r.peakAllocatedBytes / 1e9).toFixed(1)} GB | ${(p.memoryPerGpuBytes / 1e9).toFixed(1)} GB (${e(p.memoryPerGpuBytes, r.peakAllocatedBytes)}) |`;
});
const md = [
  `Device: ${doc.device} (torch ${doc.torch}, CUDA ${doc.cuda}); model gpu-check/llama-1b.yaml; performance model: one GPU of ${preset}.`,
  '',
  '| seq | mbs | recompute | measured step | predicted step (error) | measured peak allocated | predicted memory (error) |',
  '|---:|---:|---|---:|---:|---:|---:|',
  ...rows,
].join('\n');
console.log(md);
writeFileSync(join(here, 'comparison.md'), md + '\n');
