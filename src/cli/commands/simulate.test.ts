import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../../../test/helpers/cli.js';

const small = ['simulate', '--cluster', 'colossus-100k', '--gpus', '16384', '--runs', '40', '--seed', '5'];
const dir = mkdtempSync(join(tmpdir(), 'colossus-sim-'));

describe('colossus simulate', () => {
  it('prints the DESIGN.md fields, identical for the same seed and any thread count', async () => {
    const [a, b, c] = await Promise.all([runCli([...small, '--threads', '1', '--json']), runCli([...small, '--threads', '2', '--json']), runCli([...small, '--threads', '1', '--json'])]);
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(c.stdout).toBe(a.stdout);
    const j = JSON.parse(a.stdout);
    for (const k of ['runs', 'seed', 'interruptions', 'unexpectedInterruptions', 'byCause', 'mtbiHours', 'ettr', 'lostGpuHours', 'checkpointIntervalMin']) expect(j).toHaveProperty(k);
    for (const k of ['mean', 'p5', 'p95']) {
      expect(typeof j.interruptions[k]).toBe('number');
      expect(typeof j.ettr[k]).toBe('number');
      expect(typeof j.lostGpuHours[k]).toBe('number');
      expect(typeof j.unexpectedInterruptions[k]).toBe('number');
    }
    expect(j.runs).toBe(40);
    expect(j.seed).toBe(5);
    expect(j.byCause.gpuFaulty).toBeGreaterThan(100);
    expect(j.spareScope).toBe('cluster');
    expect(j.sparesPerScope).toBe(j.spares.nodes);
    expect(j.spares.pools).toBe(1);
    const other = await runCliJson<{ ettr: { mean: number } }>([...small.slice(0, -1), '6']);
    expect(other.stdout).not.toBe(a.stdout);
  });

  it('prints a readable report and writes an SVG; --optimize sweeps interval × spares', async () => {
    const svg = join(dir, 'opt.svg');
    type Scoped = { spareScope: string; sparesPerScope: number; spares: { nodes: number; pools: number; waitsPerRun: number } };
    const [human, opt, arrays, arraysHuman] = await Promise.all([
      runCli([...small, '--svg', join(dir, 'days.svg')]),
      runCliJson<{ optimize: { best: { intervalMin: number; spares: number }; grid: unknown[] } }>([...small, '--runs', '20', '--optimize', '--svg', svg]),
      runCliJson<Scoped>([...small, '--runs', '10', '--spare-scope', 'array', '--spares', '1']),
      runCli([...small, '--runs', '10', '--spare-scope', 'array', '--spares', '1']),
    ]);
    expect(arrays.code).toBe(0);
    expect(arrays.json).toMatchObject({ spareScope: 'array', sparesPerScope: 1, spares: { nodes: 32, pools: 32 } });
    expect(arrays.json!.spares.waitsPerRun).toBeGreaterThan(0);
    expect(arraysHuman.stdout).toMatch(/spares\s+1 node per array × 32 arrays = 32 nodes \(fixed\)/);
    expect(human.stdout).toMatch(/spares\s+\d+ nodes in one pool for the cluster \(auto/);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/ETTR\s+0\.\d+ \(90% of runs/);
    expect(human.stdout).toMatch(/goodput\s+0\.\d+ after fail-slow/);
    expect(human.stdout).toContain('Faulty GPU');
    expect(readFileSync(join(dir, 'days.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<rect[\s\S]*<\/svg>$/);
    expect(opt.code).toBe(0);
    expect(opt.json!.optimize.grid.length).toBeGreaterThanOrEqual(8);
    expect(opt.json!.optimize.best.intervalMin).toBeGreaterThan(0);
    expect(readFileSync(svg, 'utf8')).toContain('<polyline');
  });

  it('Kokolis RSC-1 preset with flags reproduces ETTR ≈ 0.93 at 5-min checkpoints', async () => {
    const r = await runCliJson<{ ettr: { mean: number }; byCause: Record<string, number> }>([
      'simulate', '--cluster', 'dgx-a100', '--gpus', '16000', '--failure-rates', 'rsc1-a100',
      '--checkpoint-interval-min', '5', '--checkpoint-write-s', '0', '--restart-s', '300', '--runs', '50',
    ]);
    expect(r.code).toBe(0);
    expect(Math.abs(r.json!.ettr.mean - 0.93)).toBeLessThanOrEqual(0.03);
    expect(Object.keys(r.json!.byCause)).toEqual(['nodeFailure']);
  });

  it('bad input exits 2 with a message saying what to change', async () => {
    const neg = join(dir, 'neg.yaml');
    writeFileSync(neg, 'causes:\n  gpuFaulty:\n    perGpuHour: -1e-6\n');
    const nan = join(dir, 'nan.yaml');
    writeFileSync(nan, 'causes:\n  hostNic:\n    perNodeDay: often\n');
    const base = ['simulate', '--cluster', 'colossus-100k', '--gpus', '16384'];
    const cases: [string[], RegExp][] = [
      [[...base, '--runs', '0'], /--runs must be a positive whole number/],
      [[...base, '--checkpoint-interval-min', '0'], /--checkpoint-interval-min must be a number > 0.*\n.*auto/],
      [[...base, '--checkpoint-interval-min', '-5'], /--checkpoint-interval-min/],
      [[...base, '--restart-s', 'soon'], /--restart-s must be a number ≥ 0/],
      [['simulate', '--cluster', 'colossus-100k', '--gpus', '12'], /whole nodes|multiple of 8/],
      [['simulate', '--cluster', 'colossus-100k', '--gpus', '200000'], /100,?000/],
      [[...base, '--failure-rates', neg], /neg\.yaml[\s\S]*causes\.gpuFaulty\.perGpuHour: must be ≥ 0/],
      [[...base, '--failure-rates', nan], /nan\.yaml[\s\S]*causes\.hostNic\.perNodeDay: must be a number/],
      [[...base, '--failure-rates', 'llama4'], /llama3-h100, rsc1-a100, rsc2-a100/],
      [[...base, '--spares', '-1'], /--spares must be a whole number/],
      [[...base, '--spare-scope', 'pod'], /--spare-scope: colossus-100k has no level 'pod'[\s\S]*valid levels: cluster, hall, array, rack/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args)));
    results.forEach((r, i) => {
      expect(r.code, cases[i][0].join(' ')).toBe(2);
      expect(r.stderr, cases[i][0].join(' ')).toMatch(cases[i][1]);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    });
  });

  it('bad fleet flags and too many runs exit 2 naming the limit or the valid values', async () => {
    const base = ['simulate', '--cluster', 'colossus-100k', '--gpus', '16384'];
    const cases: [string[], RegExp][] = [
      [[...base, '--runs', '1e9'], /--runs 1e9 is above the limit of 1,000,000 runs/],
      [[...base, '--provider', 'aws'], /--provider must be one of onprem, cloud/],
      [[...base, '--recovery', 'magic'], /--recovery must be one of full, in-memory, elastic/],
      [[...base, '--scope', 'rack'], /--scope must be one of job, fleet/],
      [[...base, '--fleet-age-days', '-3'], /--fleet-age-days must be a number of days/],
      [[...base, '--provider', 'cloud', '--failure-rates', 'llama3-h100'], /--provider applies to the fleet model[\s\S]*ampere, hopper, blackwell/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args)));
    results.forEach((r, i) => {
      expect(r.code, cases[i][0].join(' ')).toBe(2);
      expect(r.stderr, cases[i][0].join(' ')).toMatch(cases[i][1]);
      expect(r.stderr).not.toMatch(/Invalid typed array|at .*\.ts:\d+/);
    });
  });

  it('fleet flags: provider, age and scope move the counts; interruptionsByKind adds up', async () => {
    type J = { interruptions: { mean: number }; byCause: Record<string, number>; interruptionsByKind: Record<string, number>; scope: string; fleet: { provider: string; fleetAgeDays: number }; failSlow: { throughputLoss: number } };
    const run = ['simulate', '--cluster', 'colossus-100k', '--gpus', '8192', '--runs', '30', '--json'];
    const [base, cloud, young, fleet] = await Promise.all([
      runCliJson<J>(run),
      runCliJson<J>([...run, '--provider', 'cloud']),
      runCliJson<J>([...run, '--fleet-age-days', '20']),
      runCliJson<J>([...run, '--scope', 'fleet']),
    ]);
    const b = base.json!;
    const k = b.interruptionsByKind;
    expect(k.gpu + k.otherHardware + k.software + k.planned).toBeCloseTo(b.interruptions.mean, 1);
    expect(b.fleet).toEqual({ provider: 'onprem', fleetAgeDays: 365 });
    expect(b.failSlow.throughputLoss).toBeGreaterThan(0);
    expect(cloud.json!.interruptionsByKind.gpu).toBeGreaterThan(2 * k.gpu);
    expect(young.json!.byCause.gpuHbm3Memory).toBeGreaterThan(2 * b.byCause.gpuHbm3Memory);
    expect(fleet.json!.scope).toBe('fleet');
    expect(fleet.json!.byCause.gpuFaulty).toBeGreaterThan(10 * b.byCause.gpuFaulty); // 100k site vs 8k job
  });

  it('tiny jobs print honest figures; long runs show progress on stderr', async () => {
    const [tiny, none, long] = await Promise.all([
      runCli(['simulate', '--cluster', 'dgx-h100', '--gpus', '8', '--days', '0.05', '--runs', '20']),
      runCli(['simulate', '--cluster', 'dgx-h100', '--gpus', '8', '--days', '0.001', '--runs', '5']),
      runCli(['simulate', '--cluster', 'colossus-100k', '--runs', '600', '--threads', '1', '--json']),
    ]);
    expect(tiny.code).toBe(0);
    expect(tiny.stdout).toContain('(1 node)');
    const ettr = Number(/ETTR\s+([\d.]+)/.exec(tiny.stdout)![1]);
    const lost = Number(/lost GPU-hours\s+([\d.]+)/.exec(tiny.stdout)![1]);
    expect(lost).toBeGreaterThan(0);
    expect(ettr).toBeLessThan(1);
    expect(none.stdout).toMatch(/MTBI\s+no interruptions in 5 runs/);
    expect(none.stdout + tiny.stdout).not.toContain('Infinity');
    expect(long.code).toBe(0);
    expect(long.stderr).toMatch(/simulating 600 runs \(~[\d.]+ M events\) on 1 thread/);
    expect(long.stderr).toMatch(/simulated 600 runs in [\d.]+ s/);
    expect(() => JSON.parse(long.stdout)).not.toThrow();
  });
});
