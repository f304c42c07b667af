/**
 * A twin that behaves like a site: over a virtual day of a 4,096-GPU twin (real
 * control plane, SQLite store) with failures 40× the Llama 3 rates, no background
 * job is started on a recovering flagship's nodes (its reservation), so none is
 * started there and then preempted when the flagship comes back. Checked from the
 * control plane's own event log in the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterByName } from '../../src/core/cluster/catalog.js';
import { getModelPreset } from '../../src/core/model/catalog.js';
import { failurePreset } from '../../src/core/reliability/presets.js';
import type { FailureModel } from '../../src/core/reliability/types.js';
import { startTwin, type RunningTwin } from '../../src/twin/runtime.js';

interface Row {
  seq: number;
  kind: string;
  job_id: string | null;
  reason: string;
  data: string | null;
}

describe('twin: a recovering flagship keeps its nodes (e2e, real control plane and SQLite)', () => {
  let t: RunningTwin;
  let rows: Row[];

  beforeAll(async () => {
    const base = failurePreset('llama3-h100');
    const failures: FailureModel = { ...base, causes: base.causes.map((c) => ({ ...c, rate: c.rate * 40 })) };
    t = await startTwin({ cluster: clusterByName('colossus-100k', 4096), model: getModelPreset('llama3-70b'), failures, seed: 3, speed: 0, untilS: 86_400, host: '127.0.0.1', port: 0, env: {} });
    await t.pacer.done();
    rows = (await t.server.store.db.selectFrom('events').select(['seq', 'kind', 'job_id', 'reason', 'data']).where('kind', 'in', ['attempt.placed', 'attempt.failed', 'attempt.preempted']).orderBy('seq').execute()) as Row[];
  }, 300_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('never places a queued job on the nodes of a flagship that is recovering', () => {
    const flagship = t.twin.mix.flagshipId!;
    let reserved: Set<string> | null = null;
    let lastFlagshipNodes: string[] = [];
    let recoveries = 0;
    for (const r of rows) {
      const data = r.data ? (JSON.parse(r.data) as { nodes?: string[] }) : {};
      if (r.kind === 'attempt.placed' && r.job_id === flagship) {
        lastFlagshipNodes = data.nodes ?? [];
        reserved = null;
      } else if (r.kind === 'attempt.failed' && r.job_id === flagship) {
        reserved = new Set(lastFlagshipNodes);
        recoveries++;
      } else if (r.kind === 'attempt.placed' && reserved) {
        const onReserved = (data.nodes ?? []).filter((n) => reserved!.has(n));
        expect(onReserved, `${r.job_id} placed on the recovering flagship's nodes`).toEqual([]);
      }
    }
    expect(recoveries).toBeGreaterThanOrEqual(3); // the day had flagship failures to recover from
  });

  it('so restarts preempt at most one job each, not the queue that took the nodes meanwhile', () => {
    const flagship = t.twin.mix.flagshipId!;
    const preemptedByFlagship = rows.filter((r) => r.kind === 'attempt.preempted' && r.reason.includes(`preempted by ${flagship}`));
    const failures = rows.filter((r) => r.kind === 'attempt.failed' && r.job_id === flagship).length;
    // a restart may preempt what it needs to replace the failed node(s): at most a few jobs, not the queue
    // measured (seed 3): 144 flagship failures, 3 jobs preempted; without the reservation, 1,041
    expect(preemptedByFlagship.length).toBeLessThanOrEqual(failures);
  });
});
