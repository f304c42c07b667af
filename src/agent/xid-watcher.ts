/**
 * Follows a kernel log file (e.g. /var/log/kern.log, or the file a simulated node's
 * fault injector appends to) for NVIDIA XID lines, and maps each to a GPU index by
 * PCI bus id. Starts at the end of the file: events from before the agent started
 * were the previous agent's to report. A truncated or rotated file is re-read from 0.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { normalisePciBusId, parseXidLogLine } from '../core/health/xid-log.js';
import type { XidEvent } from '../protocol/agent.js';
import type { GpuReading } from './gpu-reading.js';

export interface XidWatcher {
  /** New XID events since the last poll. */
  poll(gpus: readonly GpuReading[], nowMs: number): XidEvent[];
}

const MAX_READ_BYTES = 1024 * 1024;

export function createXidWatcher(path: string): XidWatcher {
  let offset = sizeOf(path);
  let partial = Buffer.alloc(0); // bytes after the last newline, kept until the line completes
  return {
    poll(gpus, nowMs) {
      const size = sizeOf(path);
      if (size < offset) {
        offset = 0;
        partial = Buffer.alloc(0);
      }
      if (size === offset) return [];
      const chunk = readRange(path, offset, Math.min(size - offset, MAX_READ_BYTES));
      offset += chunk.length;
      const bytes = Buffer.concat([partial, chunk]);
      const end = bytes.lastIndexOf(0x0a) + 1;
      partial = bytes.subarray(end);
      const lines = bytes.subarray(0, end).toString('utf8').split('\n');
      const byBus = new Map(gpus.filter((g) => g.pciBusId).map((g) => [normalisePciBusId(g.pciBusId!), g]));
      const events: XidEvent[] = [];
      for (const line of lines) {
        const x = parseXidLogLine(line);
        if (!x) continue;
        const gpu = byBus.get(normalisePciBusId(x.pciBusId));
        events.push({ code: x.code, gpuIndex: gpu?.index, uuid: gpu?.uuid, atMs: nowMs, message: `${x.pciBusId}: ${x.message}`.slice(0, 1024) });
      }
      return events;
    },
  };
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function readRange(path: string, from: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, from);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
