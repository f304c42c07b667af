/**
 * GPU readings → the protocol's registration info and telemetry samples, and the
 * delta rule: a GPU is sent only when a value moved past its deadband since the last
 * sample the server accepted (error counters: any change). Deadbands keep a busy
 * node's jittering power and utilisation from turning every heartbeat into telemetry.
 */
import { gpuSampleSchema, type GpuInfo, type GpuSample } from '../protocol/agent.js';
import type { GpuReading } from './gpu-reading.js';

export const toGpuInfo = (r: GpuReading): GpuInfo => ({
  index: r.index,
  uuid: r.uuid,
  model: r.model,
  ...(r.memTotalBytes !== undefined ? { memBytes: r.memTotalBytes } : {}),
});

const SAMPLE_KEYS = [
  'temperatureC',
  'powerW',
  'utilizationPct',
  'memUsedBytes',
  'eccVolatileUncorrected',
  'eccAggregateUncorrected',
  'remappedRowsUncorrectable',
  'remappedRowsPending',
  'remappedRowsFailed',
] as const;

/** The protocol's sample; a value outside the schema's range (a driver glitch) is left out rather than sent. */
export function toGpuSample(r: GpuReading): GpuSample {
  const s: GpuSample = { index: r.index };
  for (const k of SAMPLE_KEYS) {
    const v = r[k];
    if (v !== undefined && gpuSampleSchema.shape[k].safeParse(v).success) s[k] = v;
  }
  return s;
}

/** Smallest change worth reporting, per field (absent: any change). */
const DEADBAND: Partial<Record<(typeof SAMPLE_KEYS)[number], (prev: number) => number>> = {
  temperatureC: () => 2, // °C
  powerW: (prev) => Math.max(10, prev * 0.05), // W
  utilizationPct: () => 5, // percentage points
  memUsedBytes: (prev) => Math.max(256 * 1024 * 1024, prev * 0.02),
};

function moved(prev: GpuSample, next: GpuSample): boolean {
  for (const k of SAMPLE_KEYS) {
    const a = prev[k];
    const b = next[k];
    if (a === b) continue;
    if (a === undefined || b === undefined) return true;
    const band = DEADBAND[k];
    if (!band || Math.abs(b - a) >= band(a)) return true;
  }
  return false;
}

export interface TelemetryDelta {
  /** Samples of GPUs that moved since the last accepted ones. */
  changed(readings: readonly GpuReading[]): GpuSample[];
  /** The server accepted these samples. */
  accept(samples: readonly GpuSample[]): void;
  /** Forget what the server has (after re-registering): the next delta is everything. */
  reset(): void;
}

export function createTelemetryDelta(): TelemetryDelta {
  let accepted = new Map<number, GpuSample>();
  return {
    changed(readings) {
      return readings.map(toGpuSample).filter((s) => {
        const prev = accepted.get(s.index);
        return !prev || moved(prev, s);
      });
    },
    accept(samples) {
      for (const s of samples) accepted.set(s.index, s);
    },
    reset() {
      accepted = new Map();
    },
  };
}
