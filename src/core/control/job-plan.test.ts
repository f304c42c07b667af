import { describe, expect, it } from 'vitest';
import { clusterByName } from '../cluster/catalog.js';
import { getModelPreset } from '../model/catalog.js';
import { searchLayouts } from '../perf/search-loop.js';
import { evaluateLayout } from '../perf/evaluate.js';
import { softwareRelease, SOFTWARE_RELEASES } from '../perf/software.js';
import { clusterForJob, gbsCandidates, jobPlanEnv, jobPlanSpec, planJobLayout, PLAN_ENV_KEYS } from './job-plan.js';

describe('Plan → operate: the shared plan of a job', () => {
  const model = getModelPreset('llama3-8b');

  it('is the planner\'s fastest layout at the given batch, carried as environment and as the job\'s plan', () => {
    const cluster = clusterByName('dgx-h100', 16);
    const r = planJobLayout({ model, cluster, gbs: 64, seq: 4096, precision: 'fp8' })!;
    const direct = searchLayouts(model, cluster, { gbs: 64, seq: 4096, precision: 'fp8', top: 1 }).top[0]!;
    expect(r.layout).toEqual(direct.layout);
    expect(r.stepTimeS).toBe(direct.stepTimeS);
    const env = jobPlanEnv(r);
    for (const k of PLAN_ENV_KEYS) expect(env[k], k).toBeDefined();
    const L = r.layout;
    expect(env).toMatchObject({ COLOSSUS_TP: String(L.tp), COLOSSUS_PP: String(L.pp), COLOSSUS_VPP: String(L.vpp), COLOSSUS_CP: String(L.cp), COLOSSUS_EP: String(L.ep), COLOSSUS_DP: String(L.dp), COLOSSUS_MBS: String(L.mbs), COLOSSUS_GBS: '64', COLOSSUS_SEQ: '4096', COLOSSUS_PRECISION: 'fp8' });
    expect(L.tp * L.pp * L.cp * L.dp).toBe(16);
    expect(Number(env.COLOSSUS_EXPECTED_STEP_S)).toBeCloseTo(r.stepTimeS, 5);
    const spec = jobPlanSpec(model.name, r, { tokenBudget: 1e9, software: 'x' });
    // the control plane's MFU and tokens/s of the plan are the planner's
    expect((spec.flopsPerToken * (spec.tokensPerStep / spec.stepTimeS)) / (16 * spec.peakFlopsPerGpu)).toBeCloseTo(r.mfu, 12);
    expect(spec.tokensPerStep / spec.stepTimeS).toBeCloseTo(r.tokensPerS, 6);
    expect(spec).toMatchObject({ model: 'llama3-8b', precision: 'fp8', tokenBudget: 1e9, software: 'x', layout: expect.stringContaining(`tp${L.tp} pp${L.pp}`) });
  });

  it('without a batch, tries GPUs ÷ 8, ÷ 4, ÷ 2, ÷ 1 (at least 16) and keeps the first that fits', () => {
    const cluster = clusterByName('dgx-h100', 64);
    expect(gbsCandidates({ cluster })).toEqual([16, 16, 32, 64]);
    expect(gbsCandidates({ cluster, gbs: 8 })).toEqual([8]);
    expect(planJobLayout({ model, cluster })!.layout).toMatchObject({ gbs: 16, seq: 8192 });
    // a model that fits no layout on one GPU: null, not an exception
    expect(planJobLayout({ model: getModelPreset('llama3-405b'), cluster: clusterByName('dgx-h100', 1) })).toBeNull();
  });

  it('uses the software release it is given (the step time moves with the release)', () => {
    const cluster = clusterByName('dgx-h100', 8);
    const names = SOFTWARE_RELEASES.map((s) => s.name);
    const times = new Set(names.map((n) => planJobLayout({ model, cluster, gbs: 32, software: softwareRelease(n).params })!.stepTimeS));
    expect(names.length).toBeGreaterThan(1);
    expect(times.size).toBeGreaterThan(1);
  });

  it('plans on a part of a site of the job\'s size; pp > 1 carries Megatron\'s layout string', () => {
    const part = clusterForJob(clusterByName('colossus-100k'), 64);
    expect(part.gpus).toBe(64);
    const m70 = getModelPreset('llama3-70b');
    const base = { tp: 4, vpp: 1, cp: 1, ep: 1, zero: 1, mbs: 1, gbs: 64, seq: 8192, precision: 'bf16', recompute: 'selective' } as const;
    const piped = jobPlanEnv(evaluateLayout(m70, part, { ...base, pp: 2, dp: 8 }));
    expect(piped).toMatchObject({ COLOSSUS_TP: '4', COLOSSUS_PP: '2', COLOSSUS_DP: '8', COLOSSUS_ZERO: '1', COLOSSUS_RECOMPUTE: 'selective' });
    expect(piped.COLOSSUS_PP_LAYOUT).toMatch(/^E.*\|.*L$/);
    expect(jobPlanEnv(evaluateLayout(m70, part, { ...base, pp: 1, dp: 16 })).COLOSSUS_PP_LAYOUT).toBeUndefined();
  });
});
