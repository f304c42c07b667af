/**
 * `colossus job submit --model`: Plan → operate against a real server on loopback (two
 * nodes of 8 H100 each, as nvidia-smi names them), the CLI run in-process through main().
 * The layout comes from the shared plan function on the cluster the nodes form; the job
 * carries it as environment and as its plan; `job show` compares achieved with planned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCliServer, type CliServer } from '../testing/in-process.js';
import type { ColossusServer } from '../../server/app.js';
import { clusterByName } from '../../core/cluster/catalog.js';
import { getModelPreset } from '../../core/model/catalog.js';
import { DEFAULT_SOFTWARE, softwareRelease } from '../../core/perf/software.js';
import { jobPlanEnv, jobPlanSpec, planJobLayout } from '../../core/control/job-plan.js';

let server: ColossusServer;
let dir: string;

let h: CliServer;
const cli = (args: string[]) => h.cli(args);

beforeAll(async () => {
  h = await startCliServer('colossus-plan-cli-');
  ({ server, dir } = h);
  const gpus = Array.from({ length: 8 }, (_, i) => ({ index: i, uuid: `G${i}`, model: 'NVIDIA H100 80GB HBM3' }));
  for (const name of ['n1', 'n2']) server.controller.registerNode({ name, gpus, topology: { rack: 'r1' }, address: null, attempts: [] });
  await server.commit();
});

afterAll(async () => {
  await h?.close();
});

describe('colossus job submit --model', () => {
  const model = getModelPreset('llama3-8b');

  it('plans on the node type of the server\'s GPUs and passes the layout as environment and plan', async () => {
    const sub = await cli(['job', 'submit', '--name', 'planned', '--gpus', '16', '--model', 'llama3-8b', '--gbs', '64', '--seq', '4096', '--precision', 'fp8', '--env', 'EXTRA=1', '--json', '--', 'true']);
    expect(sub.code, sub.stderr).toBe(0);
    const job = JSON.parse(sub.stdout);
    const r = planJobLayout({ model, cluster: clusterByName('dgx-h100', 16), gbs: 64, seq: 4096, precision: 'fp8', software: softwareRelease().params })!;
    expect(job.plan).toEqual(jobPlanSpec('llama3-8b', r, { software: DEFAULT_SOFTWARE }));
    const spec = server.controller.jobs.get(job.id)!.spec;
    expect(spec.env).toEqual({ ...jobPlanEnv(r), EXTRA: '1' });
    expect(spec.env).toMatchObject({ COLOSSUS_GBS: '64', COLOSSUS_SEQ: '4096', COLOSSUS_PRECISION: 'fp8' });
    // without --json, one line says what was planned (stderr), the usual line stays on stdout
    const human = await cli(['job', 'submit', '--name', 'planned-2', '--gpus', '8', '--model', 'llama3-8b', '--', 'true']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^job-\d+ submitted \(queued/);
    expect(human.stderr).toMatch(/plan: llama3-8b on 8 × H100-SXM5-80GB \(dgx-h100, from the nodes' NVIDIA H100 80GB HBM3\): tp\d+ pp\d+ .* s\/step expected/);
  });

  it('--cluster, --software and --params choose what the plan is for', async () => {
    const b200 = JSON.parse((await cli(['job', 'submit', '--name', 'b', '--gpus', '16', '--model', 'llama3-8b', '--gbs', '64', '--cluster', 'dgx-b200', '--json', '--', 'true'])).stdout);
    expect(b200.plan.stepTimeS).toBe(planJobLayout({ model, cluster: clusterByName('dgx-b200', 16), gbs: 64 })!.stepTimeS);
    const factors = { gemmBf16: 0.5, gemmLowPrecision: 0.5, moeHost: 1, moeComm: 1 };
    const file = join(dir, 'params.json');
    writeFileSync(file, JSON.stringify({ software: 'my-stack', base: DEFAULT_SOFTWARE, factors }));
    const slow = JSON.parse((await cli(['job', 'submit', '--name', 'p', '--gpus', '16', '--model', 'llama3-8b', '--gbs', '64', '--params', file, '--json', '--', 'true'])).stdout);
    expect(slow.plan.software).toBe('my-stack');
    expect(slow.plan.stepTimeS).toBe(planJobLayout({ model, cluster: clusterByName('dgx-h100', 16), gbs: 64, software: factors })!.stepTimeS);
    expect(slow.plan.stepTimeS).toBeGreaterThan(planJobLayout({ model, cluster: clusterByName('dgx-h100', 16), gbs: 64 })!.stepTimeS);
  });

  it('job show compares the achieved step time with the plan\'s as an efficiency ratio', async () => {
    const job = JSON.parse((await cli(['job', 'submit', '--name', 'eff', '--gpus', '8', '--model', 'llama3-8b', '--gbs', '32', '--json', '--', 'true'])).stdout);
    for (const j of server.controller.jobs.values()) if (j.id !== job.id && !['cancelled'].includes(j.state)) server.controller.cancelJob(j.id, 'make room');
    await server.tick();
    await server.tick();
    const ctl = server.controller;
    const att = ctl.attempts.get(ctl.jobs.get(job.id)!.attemptIds[0]!)!;
    const node = att.parts[0]!.node;
    const clock = ctl.clock as { nowMs(): number };
    const t0 = clock.nowMs();
    ctl.attemptEvents(node, att.id, [{ type: 'started', pids: [1] }, { type: 'progress', rank: 0, step: 1, line: { step: 1 } }]);
    const planned = job.plan.stepTimeS as number;
    // 10 steps in 2 × the planned time: efficiency 0.5 (the server's clock is real: step the progress by waiting is too slow, so set the first line back)
    att.firstProgress = { step: 1, atMs: t0 - Math.round(2 * planned * 10 * 1000) };
    ctl.attemptEvents(node, att.id, [{ type: 'progress', rank: 0, step: 11, line: { step: 11 } }]);
    await server.commit();
    const show = JSON.parse((await cli(['job', 'show', job.id, '--json'])).stdout);
    expect(show.throughput.plannedStepS).toBe(planned);
    expect(show.throughput.efficiency).toBeCloseTo(0.5, 2);
    const human = (await cli(['job', 'show', job.id])).stdout;
    expect(human).toMatch(/efficiency\s+0\.50 \(planned ÷ achieved step time/);
    expect(human).toMatch(new RegExp(`plan\\s+llama3-8b bf16, tp\\d+ .* \\(${DEFAULT_SOFTWARE}\\)`));
  });

  it('bad model and flags exit 2 saying what, where and how to fix; a model that fits nowhere exits 3', async () => {
    const cases: [string[], number, RegExp][] = [
      [['--model', 'llama9-1t'], 2, /unknown model 'llama9-1t'/],
      [['--gbs', '64'], 2, /--gbs plans the job and needs --model/],
      [['--model', 'llama3-8b', '--precision', 'fp3'], 2, /--precision/],
      [['--model', 'llama3-8b', '--software', 'nope-1.0'], 2, /unknown software release 'nope-1.0'/],
      [['--model', 'llama3-8b', '--params', join(dir, 'missing.json')], 2, /params file not found/],
      [['--model', 'llama3-8b', '--env', 'COLOSSUS_TP=2'], 2, /--env COLOSSUS_TP is set by --model's plan/],
      [['--model', 'llama3-8b', '--cluster', 'nope'], 2, /unknown cluster 'nope'/],
      [['--model', 'llama3-405b', '--gpus', '8'], 3, /no layout of llama3-405b fits 8 GPUs/],
      [['--model', 'llama3-8b', '--gpus', '12'], 2, /12 GPUs do not fill whole nodes of 8 GPUs/],
    ];
    for (const [flags, code, re] of cases) {
      const args = flags.includes('--gpus') ? flags : [...flags, '--gpus', '8'];
      const r = await cli(['job', 'submit', '--name', 'bad', ...args, '--', 'true']);
      expect(r.code, `${flags.join(' ')}: ${r.stderr}`).toBe(code);
      expect(r.stderr, flags.join(' ')).toMatch(re);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    const doc = await cli(['job', 'submit', '--name', 'bad', '--gpus', '8', '--model', 'llama9-1t', '--json', '--', 'true']);
    expect(JSON.parse(doc.stdout).error).toMatchObject({ where: '--model', hint: expect.stringContaining('llama3-8b') });
  });
});
