import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { classifyXid, isCriticalXid, knownXidCodes } from './xid.js';
import { normalisePciBusId, parseXidLogLine } from './xid-log.js';

describe('classifyXid', () => {
  it('drains on the hardware XIDs the issue names (DBE, row remap, NVLink, off the bus, ECC, GSP)', () => {
    for (const code of [48, 63, 64, 74, 79, 92, 93, 94, 95, 119, 120]) {
      const c = classifyXid(code);
      expect(c, `XID ${code}`).toMatchObject({ severity: 'critical', action: 'drain', known: true });
    }
    expect(classifyXid(79).description).toBe('GPU has fallen off the bus');
  });

  it('does not drain on application-level XIDs', () => {
    for (const code of [13, 31, 43, 45]) {
      expect(classifyXid(code), `XID ${code}`).toMatchObject({ severity: 'application', action: 'restart-workload' });
      expect(isCriticalXid(code)).toBe(false);
    }
  });

  it('reports unknown codes as info, known: false, never a drain', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10, max: 100_000 }), (code) => {
        const c = classifyXid(code);
        if (!knownXidCodes().includes(code)) expect(c).toMatchObject({ severity: 'info', action: 'none', known: false });
        expect(c.action === 'drain').toBe(c.severity === 'critical');
      }),
    );
    expect(classifyXid(1.5).known).toBe(false);
  });

  it('display engine errors are info', () => {
    expect(classifyXid(56)).toMatchObject({ severity: 'info', action: 'none', known: true });
    expect(classifyXid(113).severity).toBe('info');
  });
});

describe('parseXidLogLine', () => {
  it('parses the driver’s kernel-log format', () => {
    const line = '[1234.5] NVRM: Xid (PCI:0000:3B:00): 79, pid=1234, name=python, GPU has fallen off the bus.';
    expect(parseXidLogLine(line)).toEqual({ pciBusId: '0000:3b:00', code: 79, message: 'pid=1234, name=python, GPU has fallen off the bus.' });
    expect(parseXidLogLine('NVRM: Xid (PCI:0000:18:00): 13')?.code).toBe(13);
  });

  it('ignores other lines', () => {
    expect(parseXidLogLine('usb 1-1: new high-speed USB device')).toBeUndefined();
    expect(parseXidLogLine('NVRM: Xid (PCI:zz): 79, x')).toBeUndefined();
  });

  it('matches nvidia-smi and driver bus ids after normalising', () => {
    expect(normalisePciBusId('00000000:3B:00.0')).toBe(normalisePciBusId('0000:3b:00'));
  });
});
