import { describe, expect, it } from 'vitest';
import { Series } from './stats.js';

describe('Series', () => {
  it('compacts to evenly spaced points keeping the first and the last', () => {
    const s = new Series();
    for (let i = 0; i <= 100; i++) s.push({ tS: i, step: i * 10, loss: 1 / (i + 1) });
    s.compact(5);
    expect(s.points.map((p) => p.tS)).toEqual([0, 25, 50, 75, 100]);
    s.compact(10);
    expect(s.points.length).toBe(5);
  });

  it('halves itself when full and keeps the newest point', () => {
    const s = new Series(8);
    for (let i = 0; i < 9; i++) s.push({ tS: i, step: i, loss: 1 });
    expect(s.points.length).toBeLessThanOrEqual(8);
    expect(s.points[s.points.length - 1].tS).toBe(8);
  });
});
