import { describe, expect, it } from 'vitest';
import { Controller } from '../core/control/controller.js';
import { DEFAULT_POLICY, type ControlEvent } from '../core/control/types.js';
import { clusterByName } from '../core/cluster/catalog.js';
import { nodeLocation } from '../core/cluster/topology.js';
import { getModelPreset } from '../core/model/catalog.js';
import { failurePreset } from '../core/reliability/presets.js';
import { GPU_STATE, gpuStates } from './gpu-state.js';
import { Twin } from './twin.js';
import type { MemoryLimits } from './memory-policy.js';
import { summarize } from './summary.js';
import { VirtualClock } from './virtual-clock.js';
import { clusterForJob, jobPlanEnv, jobPlanSpec, planJobLayout } from '../core/control/job-plan.js';
import { DEFAULT_SOFTWARE, SOFTWARE_RELEASES } from '../core/perf/software.js';
import { spareReserveView } from '../core/control/reserve-view.js';
import { autoSpareReserve } from '../core/control/spare-reserve.js';

/** A twin on a 512-GPU partition of Colossus, driving a real Controller; events are collected. */
function smallTwin(seed = 3, memory: MemoryLimits = {}) {
  const clock = new VirtualClock(Date.UTC(2026, 0, 1));
  const ctl = new Controller(clock, DEFAULT_POLICY);
  const twin = new Twin({ cluster: clusterByName('colossus-100k', 512), model: getModelPreset('grok-1'), failures: failurePreset('llama3-h100'), seed, ctl, clock, ...memory });
  const events: ControlEvent[] = [];
  twin.start();
  const run = (untilS: number) => {
    while (twin.nowS < untilS) {
      twin.runUntil(Math.min(untilS, twin.nowS + 600));
      events.push(...ctl.takeChanges().events);
    }
  };
  return { twin, ctl, events, run };
}

describe('twin', () => {
  it('registers every node with topology labels and runs the flagship on most of the fleet', () => {
    const { twin, ctl, run } = smallTwin();
    run(600);
    expect(ctl.nodes.size).toBe(64);
    const loc = nodeLocation(twin.opts.cluster, 10);
    const n = ctl.nodes.get(loc.node)!;
    expect([n.rack, n.array, n.hall]).toEqual([loc.labels.rack, loc.labels.array, loc.labels.hall]);
    // 8 nodes per rack (colossus-100k preset): node 10 shares node 8's rack, not node 16's.
    expect(ctl.nodes.get(nodeLocation(twin.opts.cluster, 8).node)!.rack).toBe(n.rack);
    expect(ctl.nodes.get(nodeLocation(twin.opts.cluster, 16).node)!.rack).not.toBe(n.rack);
    const flagship = ctl.jobs.get(twin.mix.flagshipId!)!;
    expect(flagship.state).toBe('running');
    expect(flagship.spec.gpus).toBe(twin.mix.flagship.gpus);
    expect(flagship.lastStep).toBeGreaterThan(0);
  });

  it('plans its jobs with the Plan → operate function: the layout as environment, the plan with its software', () => {
    const cluster = clusterByName('colossus-100k', 512);
    const model = getModelPreset('grok-1');
    const { twin, ctl } = smallTwin();
    const f = twin.mix.flagship;
    const shared = planJobLayout({ model, cluster: clusterForJob(cluster, f.gpus) })!;
    expect(f.stepTimeS).toBe(shared.stepTimeS);
    const job = ctl.jobs.get(twin.mix.flagshipId!)!;
    expect(job.spec.env).toMatchObject(jobPlanEnv(shared));
    expect(job.spec.plan).toMatchObject({ ...jobPlanSpec(model.name, shared), tokenBudget: f.totalSteps * f.tokensPerStep });
    // --software: the twin plans for the release it is given, and the job's plan says which
    const old = SOFTWARE_RELEASES.find((r) => r.name !== DEFAULT_SOFTWARE)!;
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    const other = new Twin({ cluster, model, failures: failurePreset('llama3-h100'), seed: 3, ctl: new Controller(clock, DEFAULT_POLICY), clock, software: { name: old.name, params: old.params } });
    other.start();
    expect(other.mix.flagship.stepTimeS).toBe(planJobLayout({ model, cluster: clusterForJob(cluster, f.gpus), software: old.params })!.stepTimeS);
    expect(other.ctl.jobs.get(other.mix.flagshipId!)!.spec.plan?.software).toBe(old.name);
  });

  it('an XID drains the node through the control plane and the flagship resumes from its checkpoint on other nodes', () => {
    const { twin, ctl, events, run } = smallTwin();
    run(3600);
    const job = ctl.jobs.get(twin.mix.flagshipId!)!;
    const att = ctl.liveAttempt(job)!;
    const victim = twin.fleet.byName.get(att.parts[3].node)!;
    const checkpoint = job.lastCheckpointStep!;
    const restarts = job.restarts;
    expect(twin.inject('gpuFaulty', victim.index)).toBe(true);
    run(3600 + 1200);
    const xid = events.find((e) => e.kind === 'xid' && e.node === victim.name);
    expect(xid?.reason).toMatch(/XID 79/);
    expect(ctl.nodes.get(victim.name)!.state).toBe('drained');
    expect(job.restarts).toBe(restarts + 1);
    const next = ctl.liveAttempt(job)!;
    expect(next.id).not.toBe(att.id);
    expect(next.resumedFromStep).toBeGreaterThanOrEqual(checkpoint);
    expect(next.parts.map((p) => p.node)).not.toContain(victim.name);
    expect(job.lastStep!).toBeGreaterThan(next.resumedFromStep!);
    expect(twin.stats.jobLoss.get(job.id)!.interruptions.gpuFaulty).toBe(1);
  });

  it('a crashed host goes down by the node timeout, not by the twin telling the control plane', () => {
    const { twin, ctl, events, run } = smallTwin();
    run(1800);
    const job = ctl.jobs.get(twin.mix.flagshipId!)!;
    const victim = twin.fleet.byName.get(ctl.liveAttempt(job)!.parts[0].node)!;
    twin.inject('hostMaintenanceUnplanned', victim.index);
    const at = twin.nowS;
    run(at + 25);
    expect(ctl.nodes.get(victim.name)!.state).not.toBe('down');
    run(at + 45);
    expect(ctl.nodes.get(victim.name)!.state).toBe('down');
    const down = events.find((e) => e.kind === 'node.state' && e.node === victim.name && (e.data as { to: string }).to === 'down')!;
    expect(down.reason).toMatch(/no heartbeat/);
    expect(job.state === 'recovering' || job.state === 'running').toBe(true);
  });

  it('the same seed gives the same history', () => {
    const a = smallTwin(11);
    const b = smallTwin(11);
    a.run(6 * 3600);
    b.run(6 * 3600);
    const fa = a.ctl.jobs.get(a.twin.mix.flagshipId!)!;
    const fb = b.ctl.jobs.get(b.twin.mix.flagshipId!)!;
    expect([fa.lastStep, fa.restarts, a.ctl.jobs.size]).toEqual([fb.lastStep, fb.restarts, b.ctl.jobs.size]);
    expect(a.twin.stats.failuresByCause).toEqual(b.twin.stats.failuresByCause);
    expect(a.events.length).toBe(b.events.length);
  });

  it('per-GPU states cover every GPU once and agree with the control plane', () => {
    const { twin, ctl, run } = smallTwin();
    run(2 * 3600);
    const states = gpuStates(twin);
    expect(states.length).toBe(512);
    const busy = [...ctl.nodes.values()].reduce((s, n) => s + n.busy.filter((b) => b !== null).length, 0);
    const counted = states.filter((s) => s === GPU_STATE.flagship || s === GPU_STATE.job || s === GPU_STATE.starting || s === GPU_STATE.stalled).length;
    expect(counted).toBe(busy);
    const drained = [...ctl.nodes.values()].filter((n) => n.state === 'drained').length;
    expect(states.filter((s) => s === GPU_STATE.cordoned || s === GPU_STATE.repair || s === GPU_STATE.failed).length).toBeGreaterThanOrEqual(drained * 8 - 8 * 0);
  });

  it('keeps only the last big attempts of a job in memory once they are committed', () => {
    const { twin, ctl, run } = smallTwin(3, { bigAttemptNodes: 8, keepBigAttempts: 2 });
    const job = () => ctl.jobs.get(twin.mix.flagshipId!)!;
    run(1800);
    for (let i = 0; i < 4; i++) {
      twin.inject('softwareBug', 0);
      run(twin.nowS + 1200);
    }
    expect(job().attemptIds.length).toBeGreaterThanOrEqual(5);
    const evictable = twin.takeEvictable(); // what ended before this "commit" …
    ctl.takeChanges(); // … the commit …
    twin.evict(evictable); // … then eviction
    const inMemory = job().attemptIds.filter((id) => ctl.attempts.has(id));
    expect(inMemory).toEqual(job().attemptIds.slice(-2));
    expect(ctl.liveAttempt(job())).not.toBeNull();
    run(twin.nowS + 600);
    expect(job().lastStep).toBeGreaterThan(0);
  });

  it('keeps only the last ended jobs in memory once committed, and still counts the others', () => {
    const { twin, ctl, run } = smallTwin(3, { keepEndedJobs: 2, endedSeriesPoints: 5 });
    const ended = () => [...ctl.jobs.values()].filter((j) => ['succeeded', 'failed', 'cancelled'].includes(j.state));
    run(12 * 3600);
    const before = ended();
    expect(before.length).toBeGreaterThan(2);
    const submitted = ctl.jobs.size;
    for (const j of before) expect(twin.stats.series.get(j.id)?.points.length ?? 0).toBeLessThanOrEqual(5);
    const evictable = twin.takeEvictable();
    ctl.takeChanges();
    twin.evict(evictable);
    const kept = ended();
    expect(kept.length).toBe(2);
    for (const j of before.filter((b) => !kept.includes(b))) {
      expect(j.attemptIds.some((a) => ctl.attempts.has(a))).toBe(false);
      expect(twin.stats.series.has(j.id) || twin.mix.plans.has(j.id)).toBe(false);
    }
    const counts = summarize(twin, { target: 0, achieved: 0 }).jobs;
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(submitted);
    expect(counts.succeeded + counts.failed + counts.cancelled).toBe(before.length);
    run(twin.nowS + 3600);
    expect(ctl.jobs.get(twin.mix.flagshipId!)!.lastStep).toBeGreaterThan(0);
  });

  it('the flagship restarts on the spare reserve (auto): its replacement nodes come from it; it preempts only while the reserve is empty', () => {
    const run = (spareReserve: number | 'auto') => {
      const clock = new VirtualClock(Date.UTC(2026, 0, 1));
      const ctl = new Controller(clock, { ...DEFAULT_POLICY, spareReserve });
      const base = failurePreset('llama3-h100');
      const failures = { ...base, causes: base.causes.map((c) => ({ ...c, rate: c.rate * 40 })) }; // a day with dozens of flagship failures
      const twin = new Twin({ cluster: clusterByName('colossus-100k', 1024), model: getModelPreset('llama3-70b'), failures, seed: 3, ctl, clock });
      // the spare nodes held when each flagship attempt was placed (the view makes the same choice as the pass)
      const heldAt = new Map<string, Set<string>>();
      /** Spares held in each pass where the flagship had to preempt. */
      const preemptingWithHeld: number[] = [];
      const pass = ctl.schedule.bind(ctl);
      ctl.schedule = () => {
        const held = new Set(spareReserveView(ctl).nodes);
        const job = ctl.jobs.get(twin.mix.flagshipId ?? '');
        const before = job?.attemptIds.length;
        const reason = job?.reason;
        const started = pass();
        if (job && job.attemptIds.length !== before) heldAt.set(job.attemptIds.at(-1)!, held);
        if (job && job.reason !== reason && job.reason?.startsWith('preempting')) preemptingWithHeld.push(held.size);
        return started;
      };
      twin.start();
      const flagship = twin.mix.flagshipId!;
      let nodes: string[] = [];
      let preempted = 0;
      const restarts: { fresh: number; fromSpare: boolean; heldBefore: number; preempted: number }[] = [];
      while (twin.nowS < 86_400) {
        twin.runUntil(twin.nowS + 600);
        for (const e of ctl.takeChanges().events) {
          if (e.kind === 'attempt.preempted' && e.reason.includes(`preempted by ${flagship}`)) preempted++;
          if (e.kind === 'attempt.placed' && e.jobId === flagship) {
            const placed = (e.data as { nodes: string[] }).nodes;
            const fresh = placed.filter((n) => !nodes.includes(n));
            const held = heldAt.get((e.data as { attemptId: string }).attemptId) ?? new Set<string>();
            if (nodes.length && fresh.length) restarts.push({ fresh: fresh.length, fromSpare: fresh.every((n) => held.has(n)), heldBefore: held.size, preempted });
            preempted = 0;
            nodes = placed;
          }
        }
      }
      return { ctl, twin, restarts, preemptingWithHeld };
    };
    const auto = run('auto');
    const off = run(0);
    const view = spareReserveView(auto.ctl);
    expect(view.gang).toMatchObject({ jobId: auto.twin.mix.flagshipId, nodes: auto.twin.mix.flagship.gpus / 8 });
    expect(view.targetNodes).toBe(autoSpareReserve({ nodes: view.gang!.nodes, gpusPerNode: 8, hardwarePerGpuHour: view.auto!.hardwarePerGpuHour, repairMeanS: view.auto!.repairMeanS }).spares);
    expect(view.targetNodes).toBeGreaterThanOrEqual(2);
    // every restart that needed new nodes while the reserve held enough took them from it
    // (measured, seed 3: 43 restarts needed a node, all 43 took a spare)
    expect(auto.restarts.length).toBeGreaterThanOrEqual(20);
    for (const r of auto.restarts) if (r.heldBefore >= r.fresh) expect(r.fromSpare, JSON.stringify(r)).toBe(true);
    expect(auto.restarts.filter((r) => r.fromSpare).length).toBeGreaterThan(0.9 * auto.restarts.length);
    expect(off.restarts.filter((r) => r.fromSpare)).toEqual([]);
    // the flagship preempted other work only when the reserve held nothing (the first minutes, before it filled)
    expect(auto.preemptingWithHeld.every((h) => h === 0)).toBe(true);
  }, 120_000);
});
