/** `colossus perf` and `colossus plan`, run as a user runs them: the real CLI in a child process. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../../../test/helpers/cli.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const l70 = ['--model', 'llama3-70b', '--cluster', 'dgx-h100', '--gpus', '64', '--gbs', '128', '--seq', '8192', '--precision', 'fp8'];

describe('colossus perf', () => {
  it('prints the DESIGN.md contract, choosing the knobs left out', async () => {
    const r = await runCliJson<Json>(['perf', ...l70, '--tp', '4', '--pp', '8']);
    expect(r.code).toBe(0);
    const j = r.json!;
    for (const k of ['layout', 'fits', 'memoryPerGpuBytes', 'memory', 'stepTimeS', 'breakdown', 'tokensPerS', 'tokensPerSPerGpu', 'modelFlopsPerGpuPerS', 'mfu', 'hfu']) expect(j).toHaveProperty(k);
    expect(Object.keys(j.memory).sort()).toEqual(['activations', 'gradients', 'optimizer', 'other', 'weights']);
    expect(Object.keys(j.breakdown).sort()).toEqual(['computeS', 'cpCommS', 'dpCommS', 'epCommS', 'exposedCommS', 'ppBubbleS', 'tpCommS']);
    expect(j.layout).toMatchObject({ tp: 4, pp: 8, gbs: 128, seq: 8192, precision: 'fp8' });
    expect(j.layout.tp * j.layout.pp * j.layout.cp * j.layout.dp).toBe(64);
    expect(j.fits).toBe(true);
    expect(j.mfu).toBeGreaterThan(0.2);
    expect(j.mfu).toBeLessThan(0.7);
  });

  it('recomputes only --recompute-layers layers per virtual stage, and refuses them without --recompute full', async () => {
    const args = ['perf', ...l70, '--tp', '4', '--pp', '8', '--vpp', '1', '--mbs', '1', '--zero', '1'];
    const some = await runCli([...args, '--recompute', 'full', '--recompute-layers', '5']);
    expect(some.code).toBe(0);
    expect(some.stdout).toMatch(/^layout +tp4 pp8 cp\d+ ep1 dp\d+ z1 mbs1 fp8 full\(5\) /m);
    const bad = await runCli([...args, '--recompute', 'selective', '--recompute-layers', '5']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--recompute-layers 5 needs --recompute full');
  });

  it('exits 2 naming the rule and the valid values for an invalid layout', async () => {
    const r = await runCli(['perf', ...l70, '--tp', '12']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('tp=12: must divide the 8 GPUs of a node (try 1, 2, 4, 8)');
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('exits 3 with the memory breakdown when the layout does not fit', async () => {
    const r = await runCliJson<Json>(['perf', '--model', 'llama3-405b', '--cluster', 'dgx-h100', '--gpus', '8', '--gbs', '8', '--seq', '8192', '--tp', '8', '--zero', '0', '--recompute', 'full']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/does not fit: .* per GPU > 80 GB usable/);
    expect(r.json!.fits).toBe(false);
    expect(r.json!.memory.optimizer).toBeGreaterThan(80e9);
  });
});

describe('colossus perf: uneven pipelines', () => {
  const ds = ['--model', 'deepseek-v3', '--cluster', 'dgx-b200', '--gpus', '256', '--gbs', '512', '--seq', '4096', '--precision', 'fp8', '--ep', '8', '--mbs', '1'];

  it('splits 61 layers over pp 4 itself and takes a Megatron layout string', async () => {
    const auto = await runCliJson<Json>(['perf', ...ds, '--pp', '4', '--vpp', '1']);
    expect(auto.code).toBe(0);
    expect(auto.json!.pipeline.kind).toBe('balanced');
    expect(auto.json!.pipeline.stages.reduce((s: number, c: Json) => s + c.layers * c.ranks.length, 0)).toBe(61);
    const lay = await runCliJson<Json>(['perf', ...ds, '--pp', '16', '--pp-layout', 'Et*3|(tt|)*29m|L']);
    expect(lay.code).toBe(0);
    expect(lay.json!.layout).toMatchObject({ pp: 16, vpp: 2, ppLayout: 'Et*3|(tt|)*29m|L' });
    const human = await runCli(['perf', ...ds, '--pp', '4', '--pp-first-layers', '13', '--pp-last-layers', '12', '--vpp', '1']);
    expect(human.stdout).toMatch(/pipeline +Et\*13\|t\*18\|t\*18\|t\*12L +\(first\/last\)/);
    expect(human.stdout).toMatch(/rank 1–2 +18 layers, /);
  });

  it('exits 2 for an explicit split that cannot work, with the rule and one that can', async () => {
    const r = await runCli(['perf', ...ds, '--pp', '4', '--pp-first-layers', '14']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pp-first-layers=14: the other 3 stages must split the remaining 47 layers evenly (try --pp-first-layers 1 or 4');
    const bad = await runCli(['perf', ...ds, '--pp', '8', '--vpp', '2', '--pp-layout', 'Et*3|(tt|)*29m|L']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('pp-layout has 32 virtual stages');
  });
});

describe('colossus plan', () => {
  it('returns searched, feasible, elapsedS, best and top, with training days, energy and cost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan-'));
    const svg = join(dir, 'top.svg');
    const r = await runCliJson<Json>(['plan', '--model', 'llama3-8b', '--cluster', 'dgx-h100', '--gpus', '64', '--gbs', '256', '--seq', '8192', '--top', '3', '--tokens', '15e12', '--svg', svg]);
    expect(r.code).toBe(0);
    const j = r.json!;
    expect(j.searched).toBeGreaterThan(j.feasible);
    expect(j.feasible).toBeGreaterThan(0);
    expect(j.top).toHaveLength(3);
    expect(j.best.tokensPerS).toBe(j.top[0].tokensPerS);
    expect(j.top[0].tokensPerS).toBeGreaterThanOrEqual(j.top[2].tokensPerS);
    const t = j.best.training;
    expect(t.days).toBeCloseTo(15e12 / j.best.tokensPerS / 86400, 6);
    expect(t.gpuHours).toBeCloseTo(t.days * 24 * 64, 3);
    expect(t.energyMWh).toBeGreaterThan(0);
    expect(t.costUsd).toBeCloseTo(t.gpuHours * t.gpuHourUsd, 3);
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg[\s\S]*tok\/s\/GPU[\s\S]*<\/svg>\s*$/);
  });

  it('folds layouts that differ only in ZeRO or recompute within 1% into one line, keeping the full list in JSON', async () => {
    const args = ['plan', '--model', 'llama3-405b', '--cluster', 'colossus-100k', '--gpus', '98304', '--gbs', '2048', '--seq', '8192', '--top', '3'];
    const r = await runCliJson<Json>(args);
    const j = r.json!;
    expect(j.top).toHaveLength(3);
    expect(j.distinct).toHaveLength(3);
    const shape = (l: Json) => [l.tp, l.pp, l.vpp, l.cp, l.ep, l.dp, l.mbs].join(',');
    // Lines of one shape (ZeRO/recompute variants) stay apart only when more than 1% slower.
    for (let a = 0; a < j.distinct.length; a++) {
      for (let b = a + 1; b < j.distinct.length; b++) {
        if (shape(j.distinct[a].layout) === shape(j.distinct[b].layout)) expect(j.distinct[b].tokensPerSPerGpu).toBeLessThan(j.distinct[a].tokensPerSPerGpu * 0.99);
      }
    }
    expect(j.distinct[0].alternatives.length).toBeGreaterThan(0);
    // The unfolded top 3 are variants of the first distinct layout.
    for (const t of j.top) expect(shape(t.layout)).toBe(shape(j.distinct[0].layout));
    const human = await runCli(args);
    expect(human.stdout).toMatch(/also within 1% \(ZeRO, recompute\)/);
    expect(human.stdout).toMatch(/^software megatron-bridge-26\.04\.01$/m);
  });

  it('is deterministic and sweeps GPU counts', async () => {
    const args = ['plan', '--model', 'mixtral-8x7b', '--cluster', 'dgx-h100', '--gbs', '512', '--seq', '4096', '--sweep-gpus', '64,128'];
    const [a, b] = await Promise.all([runCliJson<Json>(args), runCliJson<Json>(args)]);
    expect(a.code).toBe(0);
    expect(a.json!.sweep.map((s: Json) => s.gpus)).toEqual([64, 128]);
    const strip = (j: Json) => JSON.stringify({ ...j, elapsedS: 0 });
    expect(strip(a.json!)).toBe(strip(b.json!));
  });
});
