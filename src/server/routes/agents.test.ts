import { describe, expect, it } from 'vitest';
import { Controller } from '../../core/control/controller.js';
import { DEFAULT_POLICY } from '../../core/control/types.js';
import { desiredJson } from './agents.js';

describe('heartbeat reply', () => {
  it('is exactly the JSON of the desired state, with each spec serialised once and reused', () => {
    const ctl = new Controller({ nowMs: () => 1_700_000_000_000 }, { ...DEFAULT_POLICY, checkpointRoot: '/ckpt' });
    const gpus = Array.from({ length: 8 }, (_, g) => ({ index: g, uuid: `GPU-${g}`, model: 'H100' }));
    for (const name of ['a', 'b']) ctl.registerNode({ name, gpus, topology: {}, address: '10.0.0.1', attempts: [] });
    const job = (n: number, name: string) => ctl.submitJob({ name, gpus: n, priority: 0, team: 'default', maxRestarts: 0, command: ['train', 'a "quoted" \\ arg'], cwd: null, env: { X: 'run":[]' }, gracePeriodS: 5 });
    const gang = job(12, 'gang');
    job(2, 'small');
    ctl.tick();
    const first = ctl.heartbeat('b', []);
    expect(first.run).toHaveLength(2);
    expect(desiredJson(first)).toBe(JSON.stringify(first));
    ctl.cancelJob(gang.id, 'test');
    const second = ctl.heartbeat('b', [{ attemptId: gang.attemptIds[0], state: 'running' }]);
    expect(second.stop).toHaveLength(1);
    expect(second.run).toHaveLength(1);
    expect(desiredJson(second)).toBe(JSON.stringify(second));
    const idle = ctl.heartbeat('a', []);
    expect(desiredJson(idle)).toBe(JSON.stringify(idle));
  });
});
