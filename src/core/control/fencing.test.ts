/**
 * Fencing in the controller: a node that goes silent is fenced — its part of the
 * attempt counts as gone, its late events (it kept running behind a partition)
 * never move the job's step, checkpoint or result, and the job's next attempt waits
 * for the fence bound (the time by which the silent agent has killed its ranks).
 */
import { describe, expect, it } from 'vitest';
import { Controller } from './controller.js';
import { fenceBoundMs, fenceKillGraceS } from './fencing.js';
import { DEFAULT_POLICY } from './types.js';

function setup() {
  const clock = { t: 5_000_000, nowMs() { return this.t; } };
  const ctl = new Controller(clock, { ...DEFAULT_POLICY, nodeTimeoutS: 10, checkpointRoot: '/ckpt' });
  for (let i = 0; i < 3; i++) {
    ctl.registerNode({ name: `n${i}`, gpus: Array.from({ length: 8 }, (_, g) => ({ index: g, uuid: `G${i}${g}`, model: 'H100' })), topology: { rack: `r${i >> 1}` }, address: `10.0.0.${i}`, attempts: [] });
  }
  const job = ctl.submitJob({ name: 'j', gpus: 16, priority: 0, team: 'default', maxRestarts: 3, command: ['train'], cwd: null, env: {}, gracePeriodS: 5 });
  ctl.tick();
  return { ctl, clock, job };
}

describe('fencing', () => {
  it('the bound is node timeout + kill grace (a fifth of it, 1–5 s) + 1 s', () => {
    expect([fenceKillGraceS(3), fenceKillGraceS(10), fenceKillGraceS(30), fenceKillGraceS(300)]).toEqual([1, 2, 5, 5]);
    expect(fenceBoundMs(10)).toBe(13_000);
  });

  it('late events of a fenced part move neither lastCheckpointStep, step nor result (defect 8)', () => {
    const { ctl, clock, job } = setup();
    const a1 = job.attemptIds[0];
    expect(ctl.attempts.get(a1)!.parts.map((p) => p.node)).toEqual(['n0', 'n1']); // rank 0 on n0
    ctl.attemptEvents('n0', a1, [{ type: 'started', pids: [1] }, { type: 'progress', rank: 0, step: 300, checkpoint: 300, line: { step: 300 } }]);
    ctl.attemptEvents('n1', a1, [{ type: 'started', pids: [2] }]);
    // n0 is cut off: only n1 and n2 heartbeat
    for (let s = 0; s < 11; s++) {
      clock.t += 1_000;
      ctl.heartbeat('n1', [{ attemptId: a1, state: 'running' }]);
      ctl.heartbeat('n2', []);
      ctl.tick();
    }
    expect(ctl.nodes.get('n0')!.state).toBe('down');
    expect(job.state).toBe('recovering');
    // rank 0 behind the partition still reports (the agent's batch arrives after the cut heals)
    const keep = ctl.attemptEvents('n0', a1, [{ type: 'progress', rank: 0, step: 329, checkpoint: 329, line: { step: 329 } }]);
    expect(keep).toBe(false);
    expect([job.lastCheckpointStep, job.lastStep, ctl.attempts.get(a1)!.lastStep]).toEqual([300, 300, 300]);
    expect(ctl.staleEvents).toBe(1);
  });

  it('the next attempt waits for the fence bound of the silent node, then is placed; the old attempt’s events are ignored after that too', () => {
    const { ctl, clock, job } = setup();
    const a1 = job.attemptIds[0];
    ctl.attemptEvents('n0', a1, [{ type: 'started', pids: [1] }, { type: 'progress', rank: 0, step: 20, checkpoint: 20, line: { step: 20 } }]);
    const lastBeatMs = clock.t;
    ctl.heartbeat('n0', [{ attemptId: a1, state: 'running' }]);
    // n0 goes silent; n1 stops its part when told (peer failed) and reports the exit
    let placedAtMs: number | null = null;
    while (clock.t < lastBeatMs + 20_000 && placedAtMs === null) {
      clock.t += 250;
      const d = ctl.heartbeat('n1', [{ attemptId: a1, state: ctl.attempts.get(a1)!.stop ? 'exited' : 'running', exitCode: null, signal: 'SIGTERM' }]);
      ctl.heartbeat('n2', []);
      void d;
      ctl.tick();
      if (job.attemptIds.length === 2) placedAtMs = clock.t;
    }
    expect(placedAtMs).not.toBeNull();
    expect(placedAtMs! - lastBeatMs).toBeGreaterThanOrEqual(fenceBoundMs(10));
    expect(placedAtMs! - lastBeatMs).toBeLessThan(fenceBoundMs(10) + 1_500); // and not much later
    const a2 = job.attemptIds[1];
    expect(ctl.attempts.get(a2)!.parts.map((p) => p.node).sort()).toEqual(['n1', 'n2']);
    ctl.attemptEvents('n1', a2, [{ type: 'progress', rank: 0, step: 21, line: { step: 21 } }]);
    ctl.attemptEvents('n1', a1, [{ type: 'progress', rank: 0, step: 99, checkpoint: 99, line: { step: 99 } }].map((e) => e as never));
    expect([job.lastStep, job.lastCheckpointStep]).toEqual([21, 20]);
  });
});
