import { describe, expect, it } from 'vitest';
import { getGpu } from '../hardware/catalog.js';
import { getModelPreset } from '../model/catalog.js';
import { flopsPerToken } from '../model/flops.js';
import { Controller } from './controller.js';
import { DEFAULT_POLICY, type JobPlanSpec } from './types.js';
import { jobDetail } from './views.js';

const H100 = getGpu('h100-sxm');
const MODEL = getModelPreset('llama3-8b');
const SEQ = 8192;

function setup() {
  const clock = { t: 1_000_000, nowMs() { return this.t; } };
  const ctl = new Controller(clock, { ...DEFAULT_POLICY, checkpointRoot: '/ckpt', nodeTimeoutS: 1e6 });
  for (let i = 0; i < 4; i++) {
    ctl.registerNode({ name: `n${i}`, gpus: Array.from({ length: 8 }, (_, g) => ({ index: g, uuid: `GPU-${i}-${g}`, model: 'H100' })), topology: { rack: 'r0' }, address: `10.0.0.${i}`, attempts: [] });
  }
  const plan: JobPlanSpec = {
    model: MODEL.name, precision: 'bf16', tokensPerStep: 64 * SEQ, flopsPerToken: flopsPerToken(MODEL, SEQ),
    peakFlopsPerGpu: H100.peakDenseFlops.bf16, stepTimeS: 2, tokenBudget: 64 * SEQ * 1000,
  };
  const job = ctl.submitJob({ name: 'j', gpus: 16, priority: 0, team: 'default', maxRestarts: 3, command: ['train'], cwd: null, env: {}, gracePeriodS: 5, plan });
  ctl.tick();
  const progress = (step: number, checkpoint?: number) => {
    const att = ctl.attempts.get(job.attemptIds[job.attemptIds.length - 1])!;
    ctl.attemptEvents(att.parts[0].node, att.id, [{ type: 'progress', rank: 0, step, checkpoint, line: { step } }]);
  };
  return { ctl, clock, job, plan, progress };
}

describe('job throughput', () => {
  it('measures step time, tokens/s and MFU from progress timing against the plan', () => {
    const { ctl, clock, job, plan, progress } = setup();
    clock.t += 60_000; // startup: not in the step time
    progress(0);
    for (let s = 1; s <= 50; s++) {
      clock.t += 2500;
      progress(s);
    }
    const t = jobDetail(ctl, job).throughput;
    expect(t.achievedStepS).toBeCloseTo(2.5, 9);
    expect(t.tokensPerS).toBeCloseTo(plan.tokensPerStep / 2.5, 6);
    expect(t.efficiency).toBeCloseTo(2 / 2.5, 9);
    // MFU by its definition: FLOPs per token × tokens/s ÷ (GPUs × dense peak).
    expect(t.mfu).toBeCloseTo((plan.flopsPerToken * plan.tokensPerStep) / 2.5 / (16 * plan.peakFlopsPerGpu), 9);
    expect(t.plannedMfu! / t.mfu!).toBeCloseTo(2.5 / 2, 9);
    expect(t.mfu).toBeGreaterThan(0.05);
    expect(t.mfu).toBeLessThan(1);
    // Goodput: 50 steps × 2.5 s over the 185 s since the attempt started.
    expect(t.goodput).toBeCloseTo(125 / 185, 9);
    expect(t.tokensTrained).toBe(50 * plan.tokensPerStep);
    // ETA: 950 steps' tokens at the achieved pace, slowed by the goodput so far.
    expect(t.etaS).toBeCloseTo((950 * 2.5) / (125 / 185), 6);
  });

  it('counts lost work out of goodput and uses the new attempt’s pace after a restart', () => {
    const { ctl, clock, job, progress } = setup();
    for (let s = 1; s <= 20; s++) {
      clock.t += 2000;
      progress(s, s % 10 === 0 ? s : undefined);
    }
    clock.t += 3000;
    progress(21); // done past checkpoint 20 …
    clock.t += 1000;
    ctl.nodeAction('n0', 'drain', 'test', 'operator'); // … and lost
    expect(jobDetail(ctl, job).throughput.netStep).toBe(20);
    const a1 = ctl.attempts.get(job.attemptIds[0])!;
    for (const p of a1.parts) if (!p.exited) ctl.attemptEvents(p.node, a1.id, [{ type: 'exited', exitCode: null, signal: 'SIGTERM' }]);
    ctl.tick();
    expect(job.state).toBe('running');
    clock.t += 10_000;
    progress(20);
    for (let s = 21; s <= 30; s++) {
      clock.t += 4000;
      progress(s);
    }
    const t = jobDetail(ctl, job).throughput;
    expect(t.netStep).toBe(30);
    expect(t.achievedStepS).toBeCloseTo(4, 9);
    const wallS = 20 * 2 + 3 + 1 + 10 + 40;
    // attempt 1: steps 1→21 in 41 s (2.05 s/step), 20 of them kept; attempt 2: 10 steps at 4 s; step 21 was lost
    expect(t.goodput).toBeCloseTo((20 * 2.05 + 10 * 4) / wallS, 9);
  });

  it('without a plan: step time and goodput, no tokens, MFU or ETA', () => {
    const clock = { t: 0, nowMs() { return this.t; } };
    const ctl = new Controller(clock, { ...DEFAULT_POLICY, checkpointRoot: '/c' });
    ctl.registerNode({ name: 'a', gpus: [{ index: 0, uuid: 'G', model: 'H100' }], topology: {}, address: null, attempts: [] });
    const job = ctl.submitJob({ name: 'j', gpus: 1, priority: 0, team: 't', maxRestarts: 0, command: ['x'], cwd: null, env: {}, gracePeriodS: 1 });
    ctl.tick();
    expect(jobDetail(ctl, job).throughput.achievedStepS).toBeNull();
    for (let s = 1; s <= 3; s++) {
      clock.t += 1000;
      ctl.attemptEvents('a', job.attemptIds[0], [{ type: 'progress', rank: 0, step: s, line: {} }]);
    }
    const t = jobDetail(ctl, job).throughput;
    expect(t.achievedStepS).toBeCloseTo(1, 9);
    expect(t.goodput).toBeCloseTo(1, 9);
    expect([t.tokensPerS, t.mfu, t.etaS, t.tokenBudget]).toEqual([null, null, null, null]);
  });
});
