/**
 * Full recompute of only some layers per virtual stage (Megatron --recompute-method block
 * --recompute-num-layers N): memory and time between no recompute and full recompute, and the
 * planner recomputing the fewest layers that fit when recompute is its choice.
 */
import { describe, expect, it } from 'vitest';
import { ColossusError } from '../errors.js';
import { evaluateLayout } from './evaluate.js';
import { searchLayouts } from './search-loop.js';
import { cluster, layout, model } from './test-fixtures.js';

describe('recomputing some layers (--recompute-num-layers)', () => {
  const m = model('llama3-70b');
  const c = cluster('dgx-h100', 64);
  const base = layout({ tp: 8, pp: 4, dp: 2, mbs: 1, gbs: 64, seq: 8192, zero: 1 });

  it('sits between no recompute and full recompute, in memory and in time, monotonically', () => {
    const none = evaluateLayout(m, c, { ...base, recompute: 'none' });
    const all = evaluateLayout(m, c, { ...base, recompute: 'full' });
    // 80 layers on 4 stages: 20 per stage; k of them recomputed.
    const some = [5, 10, 15].map((k) => evaluateLayout(m, c, { ...base, recompute: 'full', recomputeLayers: k }));
    const mem = [none, ...some, all].map((r) => r.memory.activations);
    for (let i = 1; i < mem.length; i++) expect(mem[i]).toBeLessThan(mem[i - 1]);
    const step = [none, ...some, all].map((r) => r.stepTimeS);
    for (let i = 1; i < step.length; i++) expect(step[i]).toBeGreaterThan(step[i - 1]);
    // Half the layers recomputed: activations halfway between the two, plus the one-layer transient.
    const half = some[1].memory.activations;
    expect(half).toBeGreaterThan((none.memory.activations + all.memory.activations) / 2 - 1e9);
    expect(half).toBeLessThan((none.memory.activations + all.memory.activations) / 2 + 3e9);
    expect(some[1].layout.recomputeLayers).toBe(10);
    expect(evaluateLayout(m, c, { ...base, recompute: 'full', recomputeLayers: 20 }).stepTimeS).toBeCloseTo(all.stepTimeS, 9);
  });

  it('has the planner recompute the fewest layers that fit when recompute is left to it', () => {
    // tp8 pp2 mbs4: neither 'none' nor 'selective' fits in 80 GB, every layer recomputed does.
    const fixed = { tp: 8, pp: 2, vpp: 1, dp: 4, mbs: 4, zero: 1 as const };
    const l = { ...base, ...fixed };
    expect(evaluateLayout(m, c, { ...l, recompute: 'none' }).fits).toBe(false);
    expect(evaluateLayout(m, c, { ...l, recompute: 'selective' }).fits).toBe(false);
    const r = searchLayouts(m, c, { gbs: 64, seq: 8192, fixed, top: 1 }).top[0];
    expect(r.layout.recompute).toBe('full');
    const k = r.layout.recomputeLayers!;
    expect(k).toBeGreaterThan(1);
    expect(k).toBeLessThan(40);
    expect(r.fits).toBe(true);
    expect(evaluateLayout(m, c, { ...l, recompute: 'full', recomputeLayers: k }).stepTimeS).toBeCloseTo(r.stepTimeS, 9);
    expect(evaluateLayout(m, c, { ...l, recompute: 'full', recomputeLayers: k - 1 }).fits).toBe(false);
    // Faster than recomputing every layer; a caller's --recompute full still recomputes all.
    const every = searchLayouts(m, c, { gbs: 64, seq: 8192, fixed: { ...fixed, recompute: 'full' }, top: 1 }).top[0];
    expect(every.layout.recomputeLayers).toBeUndefined();
    expect(r.tokensPerS).toBeGreaterThan(every.tokensPerS);
  });

  it('rejects recompute layers without full recompute, naming the rule', () => {
    expect(() => evaluateLayout(m, c, { ...base, recompute: 'selective', recomputeLayers: 4 })).toThrow(ColossusError);
    expect(() => evaluateLayout(m, c, { ...base, recompute: 'selective', recomputeLayers: 4 })).toThrow(/recompute-layers=4: needs recompute 'full'/);
  });
});
