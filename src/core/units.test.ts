import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ColossusError } from './errors.js';
import { formatBytes, formatCount, formatDuration, formatSi, parseQuantity, trimNumber } from './units.js';

describe('parseQuantity', () => {
  it('reads plain numbers, exponents, decimal and binary prefixes', () => {
    expect(parseQuantity('98304')).toBe(98304);
    expect(parseQuantity('15e12')).toBe(15e12);
    expect(parseQuantity('80GB')).toBe(80e9);
    expect(parseQuantity('141 GiB')).toBe(141 * 2 ** 30);
    expect(parseQuantity('2k')).toBe(2000);
    expect(parseQuantity('-3')).toBe(-3);
  });

  it('rejects words with a usage error naming the flag', () => {
    try {
      parseQuantity('lots', '--gpus');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ColossusError);
      expect((e as ColossusError).where).toBe('--gpus');
      expect((e as ColossusError).exitCode).toBe(2);
    }
  });
});

describe('formatting', () => {
  it('uses SI prefixes with three significant digits', () => {
    expect(formatSi(98.9e18, 'FLOP/s')).toBe('98.9 EFLOP/s');
    expect(formatBytes(80e9)).toBe('80 GB');
    expect(trimNumber(0.123456)).toBe('0.123');
  });

  it('formats durations and counts for people', () => {
    expect(formatDuration(0.5)).toBe('500 ms');
    expect(formatDuration(90)).toBe('90 s');
    expect(formatDuration(54 * 86400)).toBe('54 d');
    expect(formatCount(12500)).toBe('12,500');
  });

  it('formatCount groups thousands exactly as en-US does (but never prints "-0")', () => {
    const enUs = (n: number) => (Math.round(n) + 0).toLocaleString('en-US'); // + 0 turns -0 into 0
    fc.assert(fc.property(fc.double({ min: -1e22, max: 1e22, noNaN: true }), (n) => formatCount(n) === enUs(n)));
    expect(formatCount(-1234.4)).toBe('-1,234');
    expect(formatCount(-0.3)).toBe('0');
  });
});
