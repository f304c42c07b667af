import { describe, expect, it } from 'vitest';
import { Controller } from './controller.js';
import { DEFAULT_POLICY } from './types.js';
import { jobDetail } from './views.js';

function setup(nodes = 4, gpus = 8) {
  const clock = { t: 1_000_000, nowMs() { return this.t; } };
  const ctl = new Controller(clock, { ...DEFAULT_POLICY, checkpointRoot: '/ckpt' });
  for (let i = 0; i < nodes; i++) {
    ctl.registerNode({ name: `n${i}`, gpus: Array.from({ length: gpus }, (_, g) => ({ index: g, uuid: `GPU-${i}-${g}`, model: 'H100' })), topology: { rack: `r${i >> 1}` }, address: `10.0.0.${i}`, attempts: [] });
  }
  const job = (gpus: number, extra: Partial<Parameters<Controller['submitJob']>[0]> = {}) =>
    ctl.submitJob({ name: 'j', gpus, priority: 0, team: 'default', maxRestarts: 3, command: ['train'], cwd: null, env: {}, gracePeriodS: 5, ...extra });
  const beat = (name: string, attempts: Parameters<Controller['heartbeat']>[1] = []) => ctl.heartbeat(name, attempts);
  return { ctl, clock, job, beat };
}

describe('controller', () => {
  it('places a 16-GPU gang on two nodes of one rack with the workload env', () => {
    const { ctl, job, beat } = setup();
    const j = job(16);
    ctl.tick();
    expect(j.state).toBe('running');
    const att = ctl.attempts.get(j.attemptIds[0])!;
    expect(att.parts.map((p) => p.node)).toEqual(['n0', 'n1']);
    const d = beat('n1');
    expect(d.run).toHaveLength(1);
    const env = d.run[0].processes[3].env;
    expect(env).toMatchObject({ RANK: '11', LOCAL_RANK: '3', WORLD_SIZE: '16', LOCAL_WORLD_SIZE: '8', GROUP_RANK: '1', MASTER_ADDR: '10.0.0.0', COLOSSUS_JOB_ID: j.id, COLOSSUS_ATTEMPT: '1', COLOSSUS_CHECKPOINT_DIR: `/ckpt/${j.id}` });
    expect(ctl.nodes.get('n0')!.state).toBe('allocated');
  });

  it('recovers on healthy nodes from the last checkpoint when a node stops heartbeating', () => {
    const { ctl, clock, job, beat } = setup();
    const j = job(16);
    ctl.tick();
    const a1 = j.attemptIds[0];
    ctl.attemptEvents('n0', a1, [{ type: 'started', pids: [1] }, { type: 'progress', rank: 0, step: 10, checkpoint: 10, line: { step: 10 } }]);
    clock.t += 31_000;
    for (const n of ['n0', 'n2', 'n3']) beat(n, n === 'n0' ? [{ attemptId: a1, state: 'running' }] : []);
    ctl.tick();
    expect(ctl.nodes.get('n1')!.state).toBe('down');
    expect(j.state).toBe('recovering');
    // n0 is told to stop, reports its exit, then the job is placed again on n2+n3
    const d = beat('n0', [{ attemptId: a1, state: 'running' }]);
    expect(d.stop.map((s) => s.attemptId)).toEqual([a1]);
    beat('n0', [{ attemptId: a1, state: 'exited', exitCode: null, signal: 'SIGTERM' }]);
    // n1's ranks may run until its fence bound (last heartbeat + 30 s timeout + 5 s kill grace + 1 s)
    clock.t += 5_000;
    for (const n of ['n0', 'n2', 'n3']) beat(n);
    ctl.tick();
    expect(j.state).toBe('running');
    const a2 = ctl.attempts.get(j.attemptIds[1])!;
    expect(a2.parts.some((p) => p.node === 'n1')).toBe(false);
    expect(a2.resumedFromStep).toBe(10);
    expect(jobDetail(ctl, j).restarts).toBe(1);
  });

  it('a recovering gang keeps its nodes: queued jobs do not take them while it stops, it restarts on them in rank order', () => {
    const { ctl, job, beat } = setup(4);
    const gang = job(24, { priority: 10 });
    ctl.tick();
    const a1 = ctl.attempts.get(gang.attemptIds[0])!;
    const nodes = a1.parts.map((p) => p.node);
    expect(nodes).toHaveLength(3);
    const small = job(8); // takes the one free node
    ctl.tick();
    expect(small.state).toBe('running');
    const queued = job(8); // nothing free: waits
    ctl.tick();
    expect(queued.state).toBe('queued');
    // rank 1 of the gang dies; the others are told to stop and exit one at a time
    for (const n of nodes) beat(n, [{ attemptId: a1.id, state: 'running' }]);
    beat(nodes[1], [{ attemptId: a1.id, state: 'exited', exitCode: 1, signal: null }]);
    expect(gang.state).toBe('recovering');
    beat(nodes[0], [{ attemptId: a1.id, state: 'exited', exitCode: null, signal: 'SIGTERM' }]);
    ctl.tick();
    expect(ctl.nodes.get(nodes[0])!.state).toBe('idle');
    expect(queued.state).toBe('queued'); // two of the gang's nodes are idle, but reserved
    beat(nodes[2], [{ attemptId: a1.id, state: 'exited', exitCode: null, signal: 'SIGTERM' }]);
    ctl.tick();
    expect(gang.state).toBe('running');
    expect(ctl.attempts.get(gang.attemptIds[1])!.parts.map((p) => p.node)).toEqual(nodes);
    expect(queued.state).toBe('queued');
    expect(ctl.attempts.get(small.attemptIds[0])!.stop).toBeNull(); // nobody was preempted
  });

  it('a higher-priority job may use a recovering gang\'s reserved nodes', () => {
    const { ctl, job, beat } = setup(3);
    const gang = job(16, { priority: 5 });
    ctl.tick();
    const a1 = ctl.attempts.get(gang.attemptIds[0])!;
    const [n0, n1] = a1.parts.map((p) => p.node);
    const low = job(8, { priority: 0 });
    ctl.tick();
    expect(low.state).toBe('running'); // on the third node
    beat(n0, [{ attemptId: a1.id, state: 'exited', exitCode: 1, signal: null }]);
    beat(n1, [{ attemptId: a1.id, state: 'exited', exitCode: null, signal: 'SIGTERM' }]);
    const urgent = job(16, { priority: 50 });
    ctl.tick();
    expect(urgent.state).toBe('running');
    expect(ctl.attempts.get(urgent.attemptIds[0])!.parts.map((p) => p.node).sort()).toEqual([n0, n1].sort());
    expect(gang.state).toBe('recovering');
  });

  it('exit 93 fails the job without restart; success keeps rank 0’s last line as result', () => {
    const { ctl, job } = setup();
    const a = job(8);
    const b = job(8);
    ctl.tick();
    ctl.attemptEvents(ctl.attempts.get(a.attemptIds[0])!.parts[0].node, a.attemptIds[0], [{ type: 'exited', exitCode: 93, signal: null }]);
    expect(a.state).toBe('failed');
    expect(a.reason).toMatch(/93/);
    const nb = ctl.attempts.get(b.attemptIds[0])!.parts[0].node;
    ctl.attemptEvents(nb, b.attemptIds[0], [{ type: 'progress', rank: 0, step: 5, line: { done: true, step: 5, weightsSha256: 'ab' } }, { type: 'exited', exitCode: 0, signal: null }]);
    expect(b.state).toBe('succeeded');
    expect(b.result).toEqual({ done: true, step: 5, weightsSha256: 'ab' });
  });

  it('holds a job crash-looping when its checkpoint does not advance over 3 attempts', () => {
    const { ctl, job } = setup();
    const j = job(8, { maxRestarts: 10 });
    for (let i = 0; i < 3; i++) {
      ctl.tick();
      const id = j.attemptIds[i];
      ctl.attemptEvents(ctl.attempts.get(id)!.parts[0].node, id, [{ type: 'exited', exitCode: 1, signal: null }]);
    }
    expect(j.state).toBe('failed');
    expect(j.reason).toMatch(/crash-looping/);
    expect(j.restarts).toBe(2);
  });

  it('drains a node on a critical XID but not on an application XID', () => {
    const { ctl, job } = setup();
    const j = job(8);
    ctl.tick();
    const node = ctl.attempts.get(j.attemptIds[0])!.parts[0].node;
    const held = [{ attemptId: j.attemptIds[0], state: 'running' as const }];
    ctl.heartbeat(node, held, { xids: [{ code: 13, gpuIndex: 1 }] });
    expect(ctl.nodes.get(node)!.state).toBe('allocated');
    ctl.heartbeat(node, held, { xids: [{ code: 79, gpuIndex: 1 }] });
    expect(ctl.nodes.get(node)!.state).toBe('draining');
    expect(j.state).toBe('recovering');
    ctl.tick();
    expect(j.attemptIds).toHaveLength(1); // the old attempt still holds the GPUs
    ctl.attemptEvents(node, j.attemptIds[0], [{ type: 'exited', exitCode: null, signal: 'SIGTERM' }]);
    expect(ctl.nodes.get(node)!.state).toBe('drained');
    ctl.tick();
    expect(ctl.attempts.get(j.attemptIds[1])!.parts[0].node).not.toBe(node);
  });

  it('quarantines a lemon node after repeated node failures (the node could not launch a valid spec)', () => {
    const { ctl, job } = setup(1);
    const j = job(8, { maxRestarts: 10 });
    for (let i = 0; i < 3; i++) {
      ctl.tick();
      ctl.attemptEvents('n0', j.attemptIds[i], [{ type: 'progress', rank: 0, checkpoint: i + 1, line: {} }, { type: 'exited', exitCode: 127, signal: null, reason: 'spawn EAGAIN', fault: 'node' }]);
    }
    expect(ctl.nodes.get('n0')!.state).toBe('suspect');
    expect(ctl.nodes.get('n0')!.holdReason).toMatch(/lemon/);
    ctl.tick();
    expect(j.state).toBe('recovering');
    expect(j.reason).toMatch(/fleet has 0/);
  });

  it("counts a workload's own exit codes (1, 93) and signals against the job, never the node (defect 9)", () => {
    const { ctl, job } = setup(1);
    const j = job(8, { maxRestarts: 10 });
    for (let i = 0; i < 4; i++) {
      ctl.tick();
      const exit = i === 3 ? { exitCode: 93, signal: null } : i === 2 ? { exitCode: null, signal: 'SIGSEGV' } : { exitCode: 1, signal: null };
      ctl.attemptEvents('n0', j.attemptIds[i], [{ type: 'progress', rank: 0, checkpoint: i + 1, line: {} }, { type: 'exited', ...exit }]);
    }
    expect(j.state).toBe('failed');
    expect(j.reason).toMatch(/exit code 93/);
    expect(ctl.nodes.get('n0')!).toMatchObject({ state: 'idle', hold: null, failuresMs: [] });
  });

  it('counts lost heartbeats and an agent that lost its attempts against the node', () => {
    const { ctl, clock, job, beat } = setup(2);
    const j = job(8, { maxRestarts: 10 });
    ctl.tick();
    const node = ctl.attempts.get(j.attemptIds[0])!.parts[0].node;
    beat(node, [{ attemptId: j.attemptIds[0], state: 'running' }]); // the agent started it …
    ctl.registerNode({ name: node, gpus: ctl.nodes.get(node)!.gpus, topology: {}, address: null, attempts: [] }); // … and restarted without it
    expect(ctl.nodes.get(node)!.failuresMs).toHaveLength(1);
    ctl.tick();
    const other = ctl.attempts.get(j.attemptIds[1])!.parts[0].node;
    const before = ctl.nodes.get(other)!.failuresMs.length;
    clock.t += 31_000;
    beat(other === 'n0' ? 'n1' : 'n0');
    ctl.tick();
    expect(ctl.nodes.get(other)!).toMatchObject({ state: 'down' });
    expect(ctl.nodes.get(other)!.failuresMs).toHaveLength(before + 1);
  });

  it('preempts lower priority with SIGUSR1 and requeues it; quotas cap a team', () => {
    const { ctl, job, beat } = setup(2);
    const low = job(16, { priority: 0 });
    ctl.tick();
    const high = job(8, { priority: 10 });
    ctl.tick();
    const d = beat('n0', [{ attemptId: low.attemptIds[0], state: 'running' }]);
    expect(d.stop[0]).toMatchObject({ reason: 'preempted', warnSignal: 'SIGUSR1', warnGraceS: 5 });
    for (const n of ['n0', 'n1']) ctl.attemptEvents(n, low.attemptIds[0], [{ type: 'exited', exitCode: 0, signal: null }]);
    expect(low.state).toBe('queued');
    ctl.tick();
    expect(high.state).toBe('running');
    ctl.setQuota('small', 4);
    const q = job(8, { team: 'small', priority: 5 });
    ctl.tick();
    expect(q.state).toBe('queued');
    expect(q.reason).toMatch(/quota/);
  });

  it('cancels a running job and tells the agent to stop it', () => {
    const { ctl, job, beat } = setup(1);
    const j = job(4);
    ctl.tick();
    ctl.cancelJob(j.id, 'user asked');
    expect(j.state).toBe('cancelled');
    expect(beat('n0', [{ attemptId: j.attemptIds[0], state: 'running' }]).stop[0].reason).toBe('cancelled');
    expect(() => ctl.cancelJob(j.id, 'again')).toThrow(/already cancelled/);
    const changes = ctl.takeChanges();
    expect(changes.events.some((e) => e.kind === 'job.state' && e.reason === 'user asked')).toBe(true);
  });

  it('after a restore, reconciles running attempts instead of restarting them', () => {
    const { ctl, clock, job } = setup(2);
    const j = job(8);
    ctl.tick();
    const id = j.attemptIds[0];
    const node = ctl.attempts.get(id)!.parts[0].node;
    clock.t += 60_000;
    const restored = new Controller(clock, ctl.policy);
    restored.restore({ nodes: [...ctl.nodes.values()], jobs: [...ctl.jobs.values()], attempts: [...ctl.attempts.values()], quotas: [], lastEventSeq: 0 });
    restored.tick();
    expect(restored.nodes.get(node)!.state).toBe('allocated'); // fresh heartbeat grace, not down
    restored.heartbeat(node, []); // an agent that has not re-sent its list yet
    expect(j.state).toBe('running');
    const d = restored.heartbeat(node, [{ attemptId: id, state: 'running' }]);
    expect(d.keep).toEqual([id]); // kept running, named only (the agent has its spec)
    expect(d.run).toEqual([]);
    restored.registerNode({ name: node, gpus: restored.nodes.get(node)!.gpus, topology: {}, address: null, attempts: [] });
    expect(restored.jobs.get(j.id)!.state).toBe('recovering'); // the agent restarted without it
  });

  it('a register that crossed a new placement (attempt not yet sent, never started) does not fail it', () => {
    const { ctl, clock, job } = setup(2);
    const j = job(8);
    ctl.tick();
    const id = j.attemptIds[0];
    const node = ctl.attempts.get(id)!.parts[0].node;
    // the agent lost the server, registers again holding nothing; the placement happened meanwhile
    ctl.registerNode({ name: node, gpus: ctl.nodes.get(node)!.gpus, topology: {}, address: null, attempts: [] });
    expect(j.state).toBe('running');
    expect(j.restarts).toBe(0);
    const d = ctl.heartbeat(node, []);
    expect(d.run.map((r) => r.attemptId)).toEqual([id]); // the spec goes out now
    // an agent that never takes it up: the heartbeat grace still ends it
    clock.t += 3 * ctl.policy.heartbeatIntervalS * 1000 + 1;
    ctl.heartbeat(node, []);
    expect(j.state).toBe('recovering');
  });

  it('allocation changes rewrite no node row; a restore derives allocated/idle from the attempts', () => {
    const { ctl, clock, job } = setup(2);
    const rows = new Map(ctl.takeChanges().nodes.map((n) => [n.name, structuredClone(n)]));
    const j = job(8);
    ctl.tick();
    const node = ctl.attempts.get(j.attemptIds[0])!.parts[0].node;
    const c = ctl.takeChanges();
    expect(c.nodes).toEqual([]); // the GPUs changed hands: no node row …
    expect(c.events.filter((e) => e.kind === 'node.state').map((e) => [e.node, e.data?.to])).toEqual([[node, 'allocated']]); // … but a durable transition
    const restoreFrom = (nodes: Map<string, (typeof ctl.nodes extends Map<string, infer N> ? N : never)>) => {
      const r = new Controller(clock, ctl.policy);
      r.restore({ nodes: [...nodes.values()], jobs: structuredClone([...ctl.jobs.values()]), attempts: structuredClone([...ctl.attempts.values()]), quotas: [], lastEventSeq: 0 });
      return r;
    };
    expect(rows.get(node)!.state).toBe('idle'); // the stored row still says idle
    expect(restoreFrom(rows).nodes.get(node)!.state).toBe('allocated');
    ctl.cancelJob(j.id, 'test');
    ctl.heartbeat(node, []); // the agent no longer has it: the part exits
    expect(ctl.nodes.get(node)!.state).toBe('idle');
    for (const n of ctl.takeChanges().nodes) rows.set(n.name, structuredClone(n));
    rows.get(node)!.state = 'allocated'; // a row written while the node ran the attempt
    expect(restoreFrom(rows).nodes.get(node)!.state).toBe('idle');
  });

  it('times out exactly the nodes whose heartbeats stopped, reading only those (monotonic clock)', () => {
    let mono = 0;
    const clock = { nowMs: () => 1_000_000 + mono, monotonicMs: () => mono };
    const ctl = new Controller(clock, { ...DEFAULT_POLICY, nodeTimeoutS: 30 });
    const gpus = [{ index: 0, uuid: 'GPU-0', model: 'H100' }];
    for (const name of ['a', 'b', 'c', 'd']) ctl.registerNode({ name, gpus, topology: {}, address: null, attempts: [] });
    const down = () => [...ctl.nodes.values()].filter((n) => n.down).map((n) => n.name).sort();
    mono = 20_000;
    ctl.heartbeat('a', []); // a, then c beat; b and d stay silent
    mono = 25_000;
    ctl.heartbeat('c', []);
    mono = 31_000;
    ctl.tick();
    expect(down()).toEqual(['b', 'd']);
    mono = 40_000;
    ctl.heartbeat('b', []); // back
    ctl.tick();
    expect(down()).toEqual(['d']);
    mono = 51_000; // a's last beat was 31 s ago, c's 26 s, b's 11 s
    ctl.tick();
    expect(down()).toEqual(['a', 'd']);
    mono = 56_000;
    ctl.tick();
    expect(down()).toEqual(['a', 'c', 'd']);
    mono = 71_000;
    ctl.tick();
    expect(down()).toEqual(['a', 'b', 'c', 'd']);
    const reasons = ctl.takeChanges().events.filter((e) => e.kind === 'node.state' && e.data?.to === 'down').map((e) => `${e.node}: ${e.reason}`);
    expect(reasons).toEqual(['b: no heartbeat for 31 s (timeout 30 s)', 'd: no heartbeat for 31 s (timeout 30 s)', 'a: no heartbeat for 31 s (timeout 30 s)', 'c: no heartbeat for 31 s (timeout 30 s)', 'b: no heartbeat for 31 s (timeout 30 s)']);
  });

  it('keeps FIFO within a priority (no backfill past a waiting gang) but skips jobs the fleet can never hold', () => {
    const { ctl, job } = setup(2);
    const small = job(8);
    ctl.tick();
    const gang = job(16); // needs both nodes, one is busy
    const tooBig = job(64); // more than the fleet
    const later = job(4); // would fit on the free node, but waits behind the gang
    ctl.tick();
    expect(small.state).toBe('running');
    expect([gang.state, later.state]).toEqual(['queued', 'queued']);
    expect(gang.reason).toMatch(/waiting for 16 free GPUs/);
    expect(tooBig.reason).toMatch(/fleet has 16/);
    expect(later.reason).toMatch(/waiting behind/);
    ctl.attemptEvents(ctl.attempts.get(small.attemptIds[0])!.parts[0].node, small.attemptIds[0], [{ type: 'exited', exitCode: 0, signal: null }]);
    ctl.tick();
    expect(gang.state).toBe('running');
    expect(later.state).toBe('queued');
  });

  it('treats a heartbeat overtaken by a newer one as liveness only', () => {
    const { ctl, clock, job } = setup(1);
    const j = job(8);
    ctl.tick();
    const id = j.attemptIds[0];
    clock.t += 60_000; // past the grace in which a missing attempt is tolerated
    ctl.heartbeat('n0', [{ attemptId: id, state: 'running' }], undefined, 7);
    ctl.heartbeat('n0', [], undefined, 6); // stale: must not fail the attempt
    expect(j.state).toBe('running');
    ctl.heartbeat('n0', [], undefined, 8);
    expect(j.state).toBe('recovering');
  });
});
