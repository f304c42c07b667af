import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng, childKey, rootKey, streamIdOf, streamKey } from './rng.js';

const draw = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.nextU32());

describe('Rng', () => {
  it('is a pure function of the key path', () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(fc.nat(), { maxLength: 3 }), (seed, path) => {
        const a = draw(Rng.fromKey(streamKey(seed, ...path)), 8);
        const b = draw(Rng.fromKey(streamKey(seed, ...path)), 8);
        expect(a).toEqual(b);
      }),
    );
  });

  it('gives different streams to different children and seeds', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.nat(), (seed, i, j) => {
        fc.pre(i !== j);
        const a = draw(Rng.fromKey(streamKey(seed, i)), 4);
        const b = draw(Rng.fromKey(streamKey(seed, j)), 4);
        const c = draw(Rng.fromKey(streamKey(seed + 1, i)), 4);
        expect(a).not.toEqual(b);
        expect(a).not.toEqual(c);
      }),
    );
  });

  it('does not let a new sibling stream shift an existing one', () => {
    const key = rootKey(42);
    const before = draw(Rng.fromKey(childKey(key, streamIdOf('gpuFaulty'))), 16);
    draw(Rng.fromKey(childKey(key, streamIdOf('newCause'))), 1000);
    expect(draw(Rng.fromKey(childKey(key, streamIdOf('gpuFaulty'))), 16)).toEqual(before);
  });

  it('draws floats in [0, 1) and open floats in (0, 1]', () => {
    fc.assert(
      fc.property(fc.nat(), (seed) => {
        const rng = Rng.fromKey(rootKey(seed));
        for (let i = 0; i < 200; i++) {
          const u = rng.nextFloat();
          expect(u >= 0 && u < 1).toBe(true);
          const v = rng.nextOpenFloat();
          expect(v > 0 && v <= 1).toBe(true);
          const k = rng.nextInt(7);
          expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
        }
      }),
    );
  });

  it('looks uniform: mean, variance and 16-bucket chi-square', () => {
    const rng = Rng.fromKey(streamKey(7, 1));
    const n = 160_000;
    const buckets = new Array(16).fill(0);
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.nextFloat();
      sum += u;
      sumSq += u * u;
      buckets[Math.floor(u * 16)]++;
    }
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(sumSq / n - (sum / n) ** 2 - 1 / 12)).toBeLessThan(0.002);
    const e = n / 16;
    const chi2 = buckets.reduce((a, o) => a + (o - e) ** 2 / e, 0);
    expect(chi2).toBeLessThan(37.7); // 15 degrees of freedom, p = 0.001
  });

  it('has uncorrelated neighbouring streams (run i vs run i+1)', () => {
    const n = 20_000;
    const a = Rng.fromKey(streamKey(1, 10));
    const b = Rng.fromKey(streamKey(1, 11));
    let sab = 0;
    for (let i = 0; i < n; i++) sab += (a.nextFloat() - 0.5) * (b.nextFloat() - 0.5);
    const corr = sab / n / (1 / 12);
    expect(Math.abs(corr)).toBeLessThan(0.04); // 5.6 standard errors
  });
});
