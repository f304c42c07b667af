/**
 * One byte per GPU for the dashboard's map: the GPU's state as the control plane
 * and the simulated workload see it, or a metric (utilisation %, temperature °C,
 * power in 4-W units). Metrics are synthesised from the state and the job's
 * hardware FLOP utilisation with the Plan face's power model (energy.ts: a
 * training GPU draws TDP × (0.35 + 0.65·min(1, hfu/0.5)); GPUs not training (idle,
 * starting, stalled, cordoned) draw IDLE_GPU_FRACTION_OF_TDP, an assumption stated
 * below), plus a small deterministic per-GPU wiggle.
 */
import type { Twin } from './twin.js';

export const GPU_STATE = {
  idle: 0,
  flagship: 1,
  job: 2,
  starting: 3,
  stalled: 4,
  cordoned: 5,
  suspect: 6,
  down: 7,
  repair: 8,
  failed: 9,
} as const;
export type GpuStateName = keyof typeof GPU_STATE;
export const GPU_STATE_NAMES = Object.keys(GPU_STATE) as GpuStateName[];

/**
 * Power of an idle GPU as a fraction of its TDP. U: hardware.json has no idle-power
 * figure for any GPU (checked: no idle/floor field in /work/shared/data), so this is an
 * assumption: 0.1 × TDP (70 W for a 700-W H100 SXM), an idle GPU with its clocks down,
 * instead of the training-power model's 0.35 floor (245 W) used before. Replace it with a
 * sourced figure when one is added to the catalogue.
 */
export const IDLE_GPU_FRACTION_OF_TDP = 0.1;

export type GpuMetric = 'state' | 'util' | 'temp' | 'power';
export const GPU_METRICS: readonly GpuMetric[] = ['state', 'util', 'temp', 'power'];

/**
 * The state of an attempt's GPUs: starting until its workload has loaded the
 * checkpoint and stepped, stalled while a peer is dead or it is stopping, else
 * flagship or job. The overview's flagship state uses the same rule, so the two agree.
 */
export function attemptGpuState(twin: Twin, attemptId: string, flagshipId: string | null): number {
  const att = twin.ctl.attempts.get(attemptId);
  const run = twin.runOf(attemptId);
  if (!att || att.stop) return GPU_STATE.stalled;
  if (!run || run.workloadStartS < 0 || twin.nowS < run.workloadStartS + run.plan.startupS) return GPU_STATE.starting;
  if (run.stalled) return GPU_STATE.stalled;
  return att.jobId === flagshipId ? GPU_STATE.flagship : GPU_STATE.job;
}

/** Per-GPU state codes of the whole fleet. */
export function gpuStates(twin: Twin, out = new Uint8Array(twin.fleet.gpus)): Uint8Array {
  const { ctl, fleet } = twin;
  const flagship = twin.mix.flagshipId;
  const perAttempt = new Map<string, number>();
  const codeOf = (id: string): number => {
    let c = perAttempt.get(id);
    if (c !== undefined) return c;
    c = attemptGpuState(twin, id, flagship);
    perAttempt.set(id, c);
    return c;
  };
  for (const f of fleet.nodes) {
    const n = ctl.nodes.get(f.name);
    const base = f.firstGpu;
    if (!n) {
      out.fill(GPU_STATE.down, base, base + fleet.gpusPerNode);
      continue;
    }
    const inRepair = twin.inRepair.has(f.index);
    let whole = -1;
    if (n.state === 'down') whole = inRepair ? GPU_STATE.repair : GPU_STATE.down;
    else if (n.state === 'suspect') whole = GPU_STATE.suspect;
    else if (n.state === 'repair' || (n.state === 'drained' && inRepair)) whole = GPU_STATE.repair;
    else if (n.state === 'drained') whole = GPU_STATE.cordoned;
    for (let g = 0; g < fleet.gpusPerNode; g++) {
      const b = n.busy[g];
      let code = whole >= 0 ? whole : b === null || b === undefined ? (n.state === 'draining' ? GPU_STATE.cordoned : GPU_STATE.idle) : codeOf(b);
      if (twin.failedGpu[base + g]) code = GPU_STATE.failed;
      out[base + g] = code;
    }
  }
  return out;
}

/** Deterministic noise in [−1, 1) for GPU `i` at minute `m`. */
function wiggle(i: number, m: number): number {
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(m, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return ((h ^ (h >>> 12)) >>> 0) / 2 ** 31 - 1;
}

/** A metric per GPU: utilisation %, temperature °C or power / 4 W (0 = no reading). */
export function gpuMetric(twin: Twin, metric: Exclude<GpuMetric, 'state'>, states = gpuStates(twin)): Uint8Array {
  const out = new Uint8Array(states.length);
  const minute = Math.floor(twin.nowS / 60);
  const hfuOf = new Map<string, number>();
  for (const f of twin.fleet.nodes) {
    const n = twin.ctl.nodes.get(f.name);
    for (let g = 0; g < twin.fleet.gpusPerNode; g++) {
      const i = f.firstGpu + g;
      const s = states[i];
      const w = wiggle(i, minute);
      const busy = s === GPU_STATE.flagship || s === GPU_STATE.job;
      let hfu = 0;
      if (busy && n) {
        const id = n.busy[g]!;
        let h = hfuOf.get(id);
        if (h === undefined) hfuOf.set(id, (h = twin.runOf(id)?.plan.hfu ?? 0.4));
        hfu = h;
      }
      const load = busy ? Math.min(1, hfu / 0.5) : 0;
      const off = s === GPU_STATE.down || s === GPU_STATE.repair || s === GPU_STATE.failed;
      if (metric === 'util') out[i] = busy ? Math.round(Math.min(100, 95 + 4 * w)) : s === GPU_STATE.starting ? Math.round(5 + 4 * w) : 0;
      else if (metric === 'temp') out[i] = off ? 0 : Math.round(busy ? 58 + 18 * load + 4 * w : 33 + 3 * w);
      else out[i] = off ? 0 : Math.round(((busy ? f.gpuTdpW * (0.35 + 0.65 * load) : f.gpuTdpW * IDLE_GPU_FRACTION_OF_TDP) * (1 + 0.03 * w)) / 4);
    }
  }
  return out;
}
