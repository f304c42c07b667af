import { describe, expect, it } from 'vitest';
import { Controller } from './controller.js';
import { DEFAULT_POLICY, type ControlPolicy } from './types.js';
import { spareReserveView } from './reserve-view.js';
import { autoSpareReserve } from './spare-reserve.js';

/** Six 8-GPU nodes, two per rack (r0: n0 n1, r1: n2 n3, r2: n4 n5). */
function setup(policy: Partial<ControlPolicy>) {
  const clock = { t: 1_000_000, nowMs() { return this.t; } };
  const ctl = new Controller(clock, { ...DEFAULT_POLICY, checkpointRoot: '/ckpt', ...policy });
  for (let i = 0; i < 6; i++) {
    ctl.registerNode({ name: `n${i}`, gpus: Array.from({ length: 8 }, (_, g) => ({ index: g, uuid: `GPU-${i}-${g}`, model: 'NVIDIA H100 80GB HBM3' })), topology: { rack: `r${i >> 1}` }, address: `10.0.0.${i}`, attempts: [] });
  }
  const job = (gpus: number, priority = 0) => ctl.submitJob({ name: `j${gpus}`, gpus, priority, team: 'default', maxRestarts: 3, command: ['train'], cwd: null, env: {}, gracePeriodS: 5 });
  return { ctl, clock, job };
}

/** A 16-GPU gang (priority 10) on n0+n1, then four 8-GPU jobs; then an XID 79 on n1 and the gang's restart. */
function scenario(policy: Partial<ControlPolicy>) {
  const { ctl, job } = setup(policy);
  const gang = job(16, 10);
  ctl.tick();
  const a1 = ctl.attempts.get(gang.attemptIds[0]!)!;
  const small = [job(8), job(8), job(8), job(8)];
  ctl.tick();
  const before = { running: small.filter((j) => j.state === 'running').length, view: spareReserveView(ctl), reasons: small.map((j) => j.reason) };
  // a GPU of n1 falls off the bus: the node drains, the gang's ranks stop, the gang recovers
  ctl.heartbeat('n1', [{ attemptId: a1.id, state: 'running' }], { xids: [{ code: 79, gpuIndex: 3 }] });
  for (const n of a1.parts.map((p) => p.node)) ctl.heartbeat(n, [{ attemptId: a1.id, state: 'exited', exitCode: null, signal: 'SIGTERM' }]);
  ctl.tick();
  const restart = gang.attemptIds[1] ? ctl.attempts.get(gang.attemptIds[1])! : null;
  const preempted = small.filter((j) => j.attemptIds.some((id) => ctl.attempts.get(id)!.stop?.reason === 'preempted')).length;
  return { ctl, gang, a1, small, before, restart, preempted };
}

describe('spare reserve', () => {
  it('keeps N idle nodes from jobs smaller than the largest running gang, nearest the gang first', () => {
    const { before, a1 } = scenario({ spareReserve: 2 });
    expect(a1.parts.map((p) => p.node)).toEqual(['n0', 'n1']);
    expect(before.running).toBe(2); // n4 and n5: n2 and n3 (the rack after the gang's) are the reserve
    expect(before.view).toMatchObject({ mode: 'fixed', setting: 2, targetNodes: 2, heldNodes: 2, nodes: ['n2', 'n3'], gang: { gpus: 16, nodes: 2 } });
    expect(before.reasons.slice(2)).toEqual([expect.stringContaining('; 2 idle node(s) are the spare reserve for job-'), 'waiting behind a higher-priority or earlier job']);
  });

  it('the gang\'s restart takes a spare at once, preempting nobody; without the reserve it preempts', () => {
    const withReserve = scenario({ spareReserve: 2 });
    expect(withReserve.gang.state).toBe('running');
    expect(withReserve.restart!.parts.map((p) => p.node)).toEqual(['n0', 'n2']); // its surviving node in rank order, then the nearest spare
    expect(withReserve.preempted).toBe(0);
    expect(spareReserveView(withReserve.ctl)).toMatchObject({ heldNodes: 1, nodes: ['n3'] }); // the reserve refills from idle nodes as they come

    const without = scenario({ spareReserve: 0 });
    expect(without.before.running).toBe(4);
    expect(without.preempted).toBe(1); // the restart had to take a small job's node
    expect(spareReserveView(without.ctl)).toMatchObject({ mode: 'off', targetNodes: 0, heldNodes: 0, gang: null });
  });

  it('jobs at least as large as the gang may use the reserve; with no multi-node gang nothing is held', () => {
    const { ctl, job } = setup({ spareReserve: 2 });
    const one = job(8);
    ctl.tick();
    expect(spareReserveView(ctl)).toMatchObject({ targetNodes: 2, heldNodes: 0, gang: null });
    const gang = job(16);
    ctl.tick();
    expect(gang.state).toBe('running');
    const peer = job(16); // as large as the gang: takes two of the three idle nodes, spares included
    ctl.tick();
    expect(peer.state).toBe('running');
    expect(one.state).toBe('running');
  });

  it('auto: the simulator\'s pool for the gang at the fleet\'s posterior rate, recomputed on the cadence', () => {
    const { ctl, clock, job } = setup({ spareReserve: 'auto', reserveRecomputeS: 60 });
    job(32, 10);
    ctl.tick();
    const first = spareReserveView(ctl);
    expect(first.gang).toMatchObject({ gpus: 32, nodes: 4 });
    const b = first.auto!;
    expect(b.preset).toBe('hopper');
    expect(first.targetNodes).toBe(autoSpareReserve({ nodes: 4, gpusPerNode: 8, hardwarePerGpuHour: b.hardwarePerGpuHour, repairMeanS: b.repairMeanS }).spares);
    expect(first.targetNodes).toBe(1); // at the prior rate: 0.011 of the 4 nodes in repair on average, P(none) < 0.99
    // the fleet loses nodes fast: 150 XID 79s on n5 (already drained after the first; each still counts)
    for (let k = 0; k < 150; k++) ctl.heartbeat('n5', [], { xids: [{ code: 79, gpuIndex: k % 8 }] });
    expect(ctl.historyCounts()['gpu-hardware']).toBe(150);
    expect(spareReserveView(ctl).auto!.hardwarePerGpuHour).toBe(b.hardwarePerGpuHour); // not per heartbeat
    clock.t += 61_000;
    for (const n of ['n0', 'n1', 'n2', 'n3', 'n4']) ctl.heartbeat(n, []);
    ctl.tick();
    const later = spareReserveView(ctl);
    expect(later.auto!.hardwarePerGpuHour).toBeGreaterThan(50 * b.hardwarePerGpuHour);
    expect(later.targetNodes).toBe(autoSpareReserve({ nodes: 4, gpusPerNode: 8, hardwarePerGpuHour: later.auto!.hardwarePerGpuHour, repairMeanS: b.repairMeanS }).spares);
    expect(later.targetNodes).toBeGreaterThanOrEqual(2);
    expect(later.heldNodes).toBe(1); // n4: the only idle node (n5 is drained)
    const small = job(8);
    ctl.tick();
    expect(small.state).toBe('queued');
  });
});
