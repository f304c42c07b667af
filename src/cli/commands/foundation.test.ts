/** The catalog commands, run as a user runs them: the real CLI in a child process. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../../../test/helpers/cli.js';

describe('colossus cluster', () => {
  it('show colossus-100k --json prints the contract fields', async () => {
    const r = await runCliJson<Record<string, unknown>>(['cluster', 'show', 'colossus-100k']);
    expect(r.code).toBe(0);
    const j = r.json!;
    for (const k of ['name', 'gpuModel', 'gpus', 'nodes', 'gpusPerNode', 'levels', 'peakDenseFlops', 'hbmBytes', 'hbmBandwidthBytesPerS', 'itPowerW', 'facilityPowerW']) {
      expect(j, k).toHaveProperty(k);
    }
    expect(j.gpus).toBe(100_000);
    expect(j.nodes).toBe(12_500);
    expect((j.peakDenseFlops as { bf16: number }).bf16).toBeCloseTo(98.9e18, -16);
    expect((j.levels as { name: string }[]).map((l) => l.name)).toEqual(['node', 'rack', 'array', 'hall']);
  });

  it('sizes presets with --gpus', async () => {
    const r = await runCliJson<{ gpus: number; nodes: number }>(['cluster', 'show', 'gb200-nvl72', '--gpus', '576']);
    expect(r.json).toMatchObject({ gpus: 576, nodes: 144 });
  });

  it('an unknown preset exits 2 and lists the valid names', async () => {
    const r = await runCli(['cluster', 'show', 'colossus-1m']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown cluster 'colossus-1m'");
    expect(r.stderr).toContain('colossus-100k');
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('a file with a wrong field exits 2 naming the file, the field and what is allowed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'colossus-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'name: bad\nbase: dgx-h100\nfabric:\n  nicGbpsPerGpu: fast\n');
    const r = await runCli(['cluster', 'show', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toContain('fabric.nicGbpsPerGpu');
    expect(r.stderr).toContain('must be a number');
  });

  it('0 GPUs is a usage error', async () => {
    const r = await runCli(['cluster', 'show', 'dgx-h100', '--gpus', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--gpus must be a positive whole number');
  });
});

describe('colossus model', () => {
  it('show --json gives params, activeParams and flopsPerToken', async () => {
    const r = await runCliJson<{ params: number; activeParams: number; flopsPerToken: number }>(['model', 'show', 'mixtral-8x7b']);
    expect(r.code).toBe(0);
    expect(r.json!.params / 1e9).toBeCloseTo(46.7, 1);
    expect(r.json!.activeParams / 1e9).toBeCloseTo(12.9, 1);
    expect(r.json!.flopsPerToken).toBeGreaterThan(6 * 12.6e9);
  });

  it('reads a model file, and rejects heads that do not divide hidden', async () => {
    const ok = await runCliJson<{ name: string }>(['model', 'show', 'examples/models/qwen3-30b-a3b.yaml']);
    expect(ok.json!.name).toBe('qwen3-30b-a3b-file');
    const dir = mkdtempSync(join(tmpdir(), 'colossus-'));
    const file = join(dir, 'm.yaml');
    writeFileSync(file, 'name: m\nlayers: 2\nhiddenSize: 100\nffnHiddenSize: 400\nheads: 3\nvocabSize: 10\n');
    const bad = await runCli(['model', 'show', file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${file}: heads`);
    expect(bad.stderr).toContain('does not divide hiddenSize=100');
  });
});

describe('colossus gpu', () => {
  it('compare h200 b200 reproduces the quoted +36.2% memory and +66.7% bandwidth', async () => {
    const r = await runCliJson<{ metrics: { metric: string; changePct: number }[] }>(['gpu', 'compare', 'h200', 'b200']);
    const by = Object.fromEntries(r.json!.metrics.map((m) => [m.metric, m.changePct]));
    expect(by.hbmBytes).toBe(36.2);
    expect(by.hbmBandwidthBytesPerS).toBe(66.7);
  });

  it('prints a readable table', async () => {
    const r = await runCli(['gpu', 'compare', 'h100', 'h200']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatchInlineSnapshot(`
      "metric                H100-SXM5-80GB  H200-SXM-141GB  change
      --------------------  --------------  --------------  ------
      BF16 dense               989 TFLOP/s     989 TFLOP/s    0.0%
      FP8 dense               1.98 PFLOP/s    1.98 PFLOP/s    0.0%
      FP4 dense                          -               -       -
      HBM capacity                   80 GB          141 GB  +76.3%
      HBM bandwidth              3.35 TB/s        4.8 TB/s  +43.3%
      NVLink per direction        450 GB/s        450 GB/s    0.0%
      NVLink domain                      8               8    0.0%
      TDP                            700 W           700 W    0.0%
      "
    `);
  });

  it('an unknown GPU exits 2 with the valid names', async () => {
    const r = await runCli(['gpu', 'compare', 'h100', 'tpu']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown GPU 'tpu'[\s\S]*valid GPUs: a100, h100/);
  });

  it('an unknown flag exits 2', async () => {
    const r = await runCli(['gpu', 'list', '--colour']);
    expect(r.code).toBe(2);
  });
});
