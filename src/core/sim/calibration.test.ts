import { describe, expect, it } from 'vitest';
import { loadFleetRecords } from '../../../test/reliability/load-fleet.js';
import { calibrate, KNOWN_RECORD_IDS } from './calibration.js';

describe('reliability calibration against reliability-fleet.json (issue 12)', () => {
  const { records } = loadFleetRecords();
  const rows = calibrate(records, 100);

  it('lists every V and D record, each expressed or with a reason', () => {
    const vd = records.filter((r) => r.status === 'V' || r.status === 'D').map((r) => r.id);
    expect(rows.map((r) => r.id)).toEqual(vd);
    for (const r of rows) {
      expect(KNOWN_RECORD_IDS(), r.id).toContain(r.id);
      expect(r.how.length, r.id).toBeGreaterThan(20);
      if (r.kind !== 'not expressible') expect(r.comparisons.length, r.id).toBeGreaterThan(0);
    }
    expect(rows.filter((r) => r.kind === 'expressed' && r.status === 'V').length).toBeGreaterThanOrEqual(8);
  });

  it('holds every expressed V record within ±25%', () => {
    for (const r of rows.filter((x) => x.kind === 'expressed' && x.status === 'V')) {
      for (const c of r.comparisons) expect(Math.abs(c.error), `${r.id}: ${c.label} simulated ${c.simulated}`).toBeLessThanOrEqual(0.25);
    }
  });
});
