/**
 * The control logic without HTTP, at Colossus scale in virtual time: 12,500
 * nodes, a 98,304-GPU gang, one node dies, the gang comes back on spares.
 */
import { describe, expect, it } from 'vitest';
import { Controller } from './controller.js';
import { DEFAULT_POLICY } from './types.js';

describe('controller at fleet scale', () => {
  it('recovers a 98,304-GPU gang on spare nodes after a node stops heartbeating', () => {
    const clock = { t: 0, nowMs() { return this.t; } };
    const ctl = new Controller(clock, DEFAULT_POLICY);
    const gpus = Array.from({ length: 8 }, (_, i) => ({ index: i, uuid: `G${i}`, model: 'H100' }));
    const names: string[] = [];
    for (let i = 0; i < 12_500; i++) {
      const name = `node-${String(i).padStart(5, '0')}`;
      names.push(name);
      ctl.registerNode({ name, gpus, topology: { rack: `r${Math.floor(i / 8)}`, array: `a${Math.floor(i / 512)}` }, address: null, attempts: [] });
    }
    const job = ctl.submitJob({ name: 'big', gpus: 98_304, priority: 0, team: 'default', maxRestarts: 3, command: ['train'], cwd: null, env: {}, gracePeriodS: 30 });
    ctl.tick();
    const a1 = ctl.attempts.get(job.attemptIds[0])!;
    expect(a1.parts).toHaveLength(12_288);
    const inGang = new Set(a1.parts.map((p) => p.node));
    // ranks are contiguous per node and racks are not revisited
    const racks = a1.parts.map((p) => ctl.nodes.get(p.node)!.rack);
    expect(new Set(racks).size).toBe(12_288 / 8);
    expect(racks.every((r, i) => i === 0 || r === racks[i - 1] || !racks.slice(0, i).includes(r))).toBe(true);

    const dead = a1.parts[5000].node;
    const held = [{ attemptId: a1.id, state: 'running' as const }];
    for (let s = 0; s < 7; s++) {
      clock.t += 5_000;
      for (const n of names) if (n !== dead) ctl.heartbeat(n, inGang.has(n) ? held : []);
      ctl.tick();
    }
    expect(ctl.nodes.get(dead)!.state).toBe('down');
    expect(job.state).toBe('recovering');
    // the survivors are told to stop; once they report, the gang is placed again without the dead node
    for (const p of a1.parts) if (!p.exited) ctl.attemptEvents(p.node, a1.id, [{ type: 'exited', exitCode: null, signal: 'SIGTERM' }]);
    ctl.tick();
    expect(job.attemptIds).toHaveLength(1); // the dead node's ranks may run until its fence bound (36 s after its last heartbeat)
    clock.t += 5_000;
    for (const n of names) if (n !== dead) ctl.heartbeat(n, []);
    ctl.tick();
    const a2 = ctl.attempts.get(job.attemptIds[1])!;
    expect(job.state).toBe('running');
    expect(a2.parts).toHaveLength(12_288);
    expect(a2.parts.some((p) => p.node === dead)).toBe(false);
    expect(job.restarts).toBe(1);
  });
});
