import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseProgressLine } from './progress-line.js';
import { LIMITS } from '../protocol/common.js';
import { createLineSplitter, createTailBuffer } from './tail-buffer.js';

describe('parseProgressLine', () => {
  it('takes JSON objects with an integer step ≥ 0, keeping the whole line', () => {
    expect(parseProgressLine('{"step": 12, "loss": 2.5, "checkpoint": 10, "lr": 0.1}')).toEqual({ step: 12, loss: 2.5, checkpoint: 10, line: { step: 12, loss: 2.5, checkpoint: 10, lr: 0.1 } });
    expect(parseProgressLine('  {"done":true,"step":200,"weightsSha256":"ab"}  ')).toMatchObject({ step: 200, line: { done: true } });
  });

  it('leaves out fields of the wrong type but keeps them in line', () => {
    expect(parseProgressLine('{"step": 3, "loss": "nan", "checkpoint": -1}')).toEqual({ step: 3, line: { step: 3, loss: 'nan', checkpoint: -1 } });
  });

  it('treats everything else as a log line', () => {
    for (const t of ['step 3 loss 2.1', '{"loss": 1}', '{"step": 1.5}', '{"step": -1}', '[1,2]', '{"step": 3', 'null', '{"start":true}']) {
      expect(parseProgressLine(t), t).toBeUndefined();
    }
  });
});

describe('untrusted progress lines (defect 3)', () => {
  it('drops a JSON line nested deeper than the limit without parsing it', () => {
    const deep = `{"step":1,"x":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
    expect(parseProgressLine(deep)).toEqual({ dropped: expect.stringMatching(/nested 5001 levels deep/) });
    expect(parseProgressLine(`{"step":1,"x":${'['.repeat(20_000)}${']'.repeat(20_000)}}`)).toEqual({ dropped: expect.any(String) });
    const ok = `{"step":1,"x":${'['.repeat(LIMITS.progressDepth - 1)}${']'.repeat(LIMITS.progressDepth - 1)}}`;
    expect(parseProgressLine(ok)).toMatchObject({ step: 1 });
  });

  it('drops an oversize JSON line, counting brackets inside strings as text', () => {
    expect(parseProgressLine(`{"step":1,"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`)).toEqual({ dropped: expect.stringMatching(/characters \(limit 16384\)/) });
    expect(parseProgressLine(`{"step":2,"s":"${'['.repeat(1000)}\\"]"}`)).toMatchObject({ step: 2 });
  });
});

describe('tail buffer and line splitter', () => {
  it('keeps the newest lines within both bounds', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 40 }), { maxLength: 200 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 40, max: 400 }), (lines, maxLines, maxBytes) => {
        const t = createTailBuffer(maxLines, maxBytes);
        lines.forEach((l) => t.push(l));
        const kept = t.lines();
        expect(kept.length).toBeLessThanOrEqual(maxLines);
        expect(kept.reduce((n, l) => n + l.length, 0)).toBeLessThanOrEqual(maxBytes);
        expect(kept).toEqual(lines.slice(lines.length - kept.length));
        expect(t.dropped).toBe(lines.length - kept.length);
      }),
    );
  });

  it('splits a stream into lines across chunk boundaries, cutting an over-long line once and discarding its rest', () => {
    const out: string[] = [];
    const s = createLineSplitter((l, cut) => out.push(cut ? `${l}✂` : l), 8);
    s.write('ab');
    s.write('c\r\nde\nfghijklmnopq');
    s.write('r'.repeat(100_000));
    s.write('rr\nst');
    s.flush();
    expect(out).toEqual(['abc', 'de', 'fghijklm✂', 'st']);
  });
});
