/** Simulated GPUs, the telemetry delta over them, and the XID watcher on a real file. */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getGpu } from '../core/hardware/catalog.js';
import { simulatedGpuSource, simulatedPciBusId } from './simulated-gpus.js';
import { createTelemetryDelta, toGpuInfo, toGpuSample } from './telemetry.js';
import { createXidWatcher } from './xid-watcher.js';

const tmp = mkdtempSync(join(tmpdir(), 'gpu-sources-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('simulated GPUs and telemetry deltas', () => {
  const busy = new Set<number>();
  const src = simulatedGpuSource({ count: 8, nodeName: 'node-a', gpu: getGpu('h100'), busy: () => busy });

  it('gives 8 GPUs with stable, distinct UUIDs and catalog memory', async () => {
    const a = await src.read();
    const b = await simulatedGpuSource({ count: 8, nodeName: 'node-b', gpu: getGpu('h100'), busy: () => busy }).read();
    expect(a).toHaveLength(8);
    expect(new Set([...a, ...b].map((g) => g.uuid)).size).toBe(16);
    expect((await src.read()).map((g) => g.uuid)).toEqual(a.map((g) => g.uuid));
    expect(toGpuInfo(a[0])).toEqual({ index: 0, uuid: a[0].uuid, model: 'NVIDIA H100-SXM5-80GB (simulated)', memBytes: getGpu('h100').hbmBytes });
  });

  it('sends everything first, nothing while idle, and only the GPUs that became busy', async () => {
    const delta = createTelemetryDelta();
    const first = delta.changed(await src.read());
    expect(first).toHaveLength(8);
    delta.accept(first);
    expect(delta.changed(await src.read())).toEqual([]);
    busy.add(2).add(5);
    const moved = delta.changed(await src.read());
    expect(moved.map((s) => s.index)).toEqual([2, 5]);
    expect(moved[0].utilizationPct).toBe(97);
    // not accepted (heartbeat failed) → sent again
    expect(delta.changed(await src.read()).map((s) => s.index)).toEqual([2, 5]);
    delta.accept(moved);
    expect(delta.changed(await src.read())).toEqual([]);
    delta.reset();
    expect(delta.changed(await src.read())).toHaveLength(8);
  });

  it('leaves out values the protocol would refuse (a driver glitch) instead of sending them', () => {
    expect(toGpuSample({ index: 3, uuid: 'u', model: 'm', temperatureC: 511, powerW: 95.5, utilizationPct: 140 })).toEqual({ index: 3, powerW: 95.5 });
  });

  it('ignores power jitter inside the deadband but not an ECC count', () => {
    const delta = createTelemetryDelta();
    const base = { index: 0, uuid: 'u', model: 'm', powerW: 600, eccVolatileUncorrected: 0 };
    delta.accept(delta.changed([base]));
    expect(delta.changed([{ ...base, powerW: 620 }])).toEqual([]);
    expect(delta.changed([{ ...base, powerW: 660 }])).toHaveLength(1);
    expect(delta.changed([{ ...base, eccVolatileUncorrected: 1 }])).toHaveLength(1);
  });
});

describe('createXidWatcher', () => {
  it('reports XID lines appended after it started, mapped to the GPU by PCI bus id', async () => {
    const path = join(tmp, 'kern.log');
    writeFileSync(path, `NVRM: Xid (PCI:0000:18:00): 48, old event before the agent started\n`);
    const gpus = await simulatedGpuSource({ count: 8, nodeName: 'n', gpu: getGpu('h100'), busy: () => new Set() }).read();
    const w = createXidWatcher(path);
    expect(w.poll(gpus, 1)).toEqual([]);
    const bus3 = `0000:${simulatedPciBusId(3).slice(9, 11).toLowerCase()}:00`; // driver format of "00000000:4B:00.0"
    appendFileSync(path, `kernel: NVRM: Xid (PCI:${bus3}): 79, pid=1, GPU has fallen off the bus.\nunrelated\nNVRM: Xid (PCI:0000:ff:00): 13, partial`);
    const events = w.poll(gpus, 5);
    expect(events).toEqual([{ code: 79, gpuIndex: 3, uuid: gpus[3].uuid, atMs: 5, message: `${bus3}: pid=1, GPU has fallen off the bus.` }]);
    appendFileSync(path, ' line\n');
    expect(w.poll(gpus, 6)).toMatchObject([{ code: 13, gpuIndex: undefined, message: '0000:ff:00: partial line' }]);
    writeFileSync(path, 'NVRM: Xid (PCI:0000:18:00): 94, after rotation\n');
    expect(w.poll(gpus, 7)).toMatchObject([{ code: 94, gpuIndex: 0 }]);
  });
});
