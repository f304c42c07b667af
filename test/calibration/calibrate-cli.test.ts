/**
 * `colossus calibrate` on the public calibration file, as a user runs it (the real CLI in a
 * child process): fitted on one release's runs, each run left out is predicted within 10% MAPE
 * (leave-one-out) and its params predict the next release's runs within 10% MAPE; bad rows and
 * too few rows exit 2.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mape, runCase } from '../../src/core/perf/calibration/run.js';
import { loadParamsFile } from '../../src/cli/perf-software.js';
import { runCli, runCliJson } from '../helpers/cli.js';
import { releaseCases, toRun } from './runs-from-public.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const dir = mkdtempSync(join(tmpdir(), 'calibrate-'));
const write = (name: string, rows: unknown[]) => {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify({ rows }));
  return p;
};

describe('colossus calibrate', () => {
  it.each([
    ['megatron-bridge-26.04', 'megatron-bridge-26.04.01', 'megatron-bridge-26.02.01'],
    ['megatron-bridge-26.02', 'megatron-bridge-26.02.01', 'megatron-bridge-25.11'],
  ])('fitted on %s, predicts its runs left out (leave-one-out) and %s within a 10 percent MAPE (starting from %s)', async (release, next, start) => {
    const own = releaseCases(release);
    const out = join(dir, `${release}.params.json`);
    const r = await runCliJson<Json>(['calibrate', write(`${release}.json`, own.map(toRun)), '--software', start, '--out', out, '--json']);
    expect(r.code).toBe(0);
    const j = r.json!;
    const params = loadParamsFile(out);
    expect(params.factors).toEqual(j.factors);
    const nextRelease = mape(releaseCases(next).map((c) => runCase(c, { software: params.factors })));
    // Also shown, not asserted: fitted on every other run, the runs it did not see.
    const half = await runCliJson<Json>(['calibrate', write(`${release}-half.json`, own.filter((_, i) => i % 2 === 0).map(toRun)), '--software', start, '--out', `${out}.half`, '--json']);
    const halfParams = loadParamsFile(`${out}.half`).factors;
    const otherHalf = mape(own.filter((_, i) => i % 2 === 1).map((c) => runCase(c, { software: halfParams })));
    console.log(`${release}: ${j.rows} runs, fitted ${j.fitted.join(', ')}; MAPE before ${pct(j.mape.before)}, after ${pct(j.mape.after)}, leave-one-out ${pct(j.mape.leaveOneOut)}; ${next} with these params ${pct(nextRelease)}; fitted on half (${half.json!.rows} runs), the other half ${pct(otherHalf)}`);
    expect(j.rows).toBe(own.length);
    expect(j.mape.after).toBeLessThanOrEqual(j.mape.before);
    expect(j.mape.leaveOneOut).toBeLessThanOrEqual(0.1);
    expect(nextRelease).toBeLessThanOrEqual(0.1);
  });

  it('uses the params file in perf and names the software in the report', async () => {
    const runs = releaseCases('megatron-bridge-26.04').map(toRun);
    const out = join(dir, 'perf.params.json');
    expect((await runCli(['calibrate', write('all.json', runs), '--out', out])).code).toBe(0);
    const args = ['perf', '--model', 'llama3-70b', '--cluster', 'dgx-h100', '--gpus', '64', '--gbs', '128', '--seq', '8192', '--precision', 'fp8', '--tp', '4', '--pp', '8'];
    const withParams = await runCliJson<Json>([...args, '--params', out]);
    const plain = await runCliJson<Json>(args);
    expect(withParams.json!.software).toBe('megatron-bridge-26.04.01+all');
    expect(plain.json!.software).toBe('megatron-bridge-26.04.01');
    expect(withParams.json!.stepTimeS).not.toBe(plain.json!.stepTimeS);
    expect((await runCli([...args, '--software', 'megatron-bridge-25.09'])).stdout).toMatch(/^software +megatron-bridge-25\.09$/m);
    const bad = await runCli([...args, '--software', 'nemo-99']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown software release 'nemo-99'");
  });

  it('names the row and field of a bad run, and refuses to fit too few runs', async () => {
    const good = toRun(releaseCases('megatron-bridge-26.04')[0]);
    const badPrec = await runCli(['calibrate', write('bad.json', [good, { ...good, id: 'mine-2', precision: 'fp16' }])]);
    expect(badPrec.code).toBe(2);
    expect(badPrec.stderr).toContain("row 'mine-2' (#2): precision: must be bf16, fp8 or fp4, got 'fp16'");
    const badTp = await runCli(['calibrate', write('badtp.json', [{ ...good, id: 'mine-3', layout: { ...(good.layout as Json), tp: 3 } }])]);
    expect(badTp.code).toBe(2);
    expect(badTp.stderr).toMatch(/row 'mine-3' \(#1\): layout: tp=3: must divide/);
    const few = await runCli(['calibrate', write('few.json', [good, { ...good, id: 'b' }])]);
    expect(few.code).toBe(2);
    expect(few.stderr).toContain('2 run(s) are too few to fit any factor without overfitting');
  });

  it('reads the same runs from CSV', async () => {
    const csv = join(dir, 'runs.csv');
    writeFileSync(csv, ['id,model,cluster,gpus,precision,tp,pp,dp,mbs,gbs,seq,measuredTokensPerSPerGpu', ...[1, 2, 4].map((i) => `r${i},llama3-8b,dgx-h100,8,fp8,1,1,8,${i},128,8192,${9000 + i * 500}`)].join('\n'));
    const r = await runCliJson<Json>(['calibrate', csv, '--json']);
    expect(r.code).toBe(0);
    expect(r.json!.fitted).toEqual(['gemmLowPrecision']);
    expect(r.json!.perRow.map((x: Json) => x.id)).toEqual(['r1', 'r2', 'r4']);
  });
});
