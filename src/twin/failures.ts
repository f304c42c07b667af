/**
 * Failures of the simulated fleet, drawn from the Simulate face's failure model
 * (default `llama3-h100`: Llama 3 Table 5 rates). Each cause is a Poisson process
 * over the whole fleet: per-GPU and per-node rates scale with the fleet's GPUs
 * and nodes; per-job rates (software bugs, NCCL hangs, planned maintenance)
 * apply to the flagship job, as the Llama 3 counts were for one 16k-GPU job.
 *
 * What a cause does in the twin (its effect) is our mapping, stated here:
 * - GPU hardware causes raise an NVIDIA XID on one GPU, which the node's agent
 *   reports in its next heartbeat (the catalogue's detection latency later);
 *   the control plane classifies it and drains the node. Codes per cause:
 *   faulty GPU 79 (fallen off the bus), HBM3 48 (double-bit ECC), SRAM 95
 *   (uncontained ECC), GSP 119 (GSP RPC timeout), thermal 79 (the catalogue
 *   lists thermal as a cause of 79).
 * - silent data corruption: the workload exits non-zero on that node after the
 *   detection latency (found in logs); the node stays (lemon detection may act).
 * - node hardware (network, NIC, host, PSU, …): the node stops heartbeating;
 *   the control plane's node timeout marks it down.
 * - software (bug, dependency, NCCL watchdog): one rank of the flagship exits
 *   non-zero after the detection latency (60 s via logs, 600 s NCCL timeout).
 * - planned maintenance: the flagship checkpoints, then an operator drains one
 *   of its nodes for two hours (no work lost).
 */
import { sampler, exponential, type Sampler } from '../core/sim/distributions.js';
import { Rng, streamIdOf, streamKey } from '../core/sim/rng.js';
import type { FailureModel } from '../core/reliability/types.js';
import { jobScopeRatePerDay } from '../core/reliability/fleet-model.js';

export type EffectKind = 'xid' | 'sdc' | 'node-crash' | 'software' | 'planned';

export interface TwinCause {
  id: string;
  label: string;
  kind: EffectKind;
  /** XID code for kind 'xid'. */
  xid: number;
  /** Process exit code for kinds 'sdc' and 'software'. */
  exitCode: number;
  /** Events per virtual second over the fleet (or the flagship, for job scope). */
  ratePerS: number;
  scope: 'gpu' | 'node' | 'job';
  detect: Sampler;
  rng: Rng;
}

const XID_OF: Record<string, number> = {
  gpuFaulty: 79,
  gpuHbm3Memory: 48,
  gpuSramMemory: 95,
  gpuSystemProcessorGSP: 119,
  gpuThermalInterfaceSensor: 79,
};

/** SIGABRT exit (128 + 6) for an NCCL watchdog abort; 1 otherwise. */
const EXIT_OF: Record<string, number> = { ncclWatchdogUnknown: 134 };

function effectOf(id: string, kind: string, scope: string): EffectKind {
  if (kind === 'planned') return 'planned';
  if (id === 'gpuSilentDataCorruption') return 'sdc';
  if (kind === 'software') return 'software';
  if (scope === 'gpu') return 'xid';
  return 'node-crash';
}

/** Compiles the failure model for a fleet of `gpus` GPUs in `nodes` nodes. */
export function compileCauses(model: FailureModel, gpus: number, nodes: number, seed: number): TwinCause[] {
  return model.causes.map((c) => {
    // Fleet models: rates hold at the fleet's starting age (constant over a twin session) and job-scope rates scale with the fleet's nodes.
    const ratePerS = c.scope === 'gpu' ? (c.rate * gpus) / 3600 : c.scope === 'node' ? (c.rate * nodes) / 86_400 : jobScopeRatePerDay(c, nodes) / 86_400;
    const kind = effectOf(c.id, c.kind, c.scope);
    return {
      id: c.id, label: c.label, kind, scope: c.scope, ratePerS, xid: XID_OF[c.id] ?? 79, exitCode: EXIT_OF[c.id] ?? 1,
      detect: sampler(c.detect), rng: Rng.fromKey(streamKey(seed, streamIdOf(`twin:${c.id}`))),
    };
  });
}

/** Seconds until the cause's next event. */
export const nextGapS = (c: TwinCause): number => (c.ratePerS > 0 ? exponential(c.rng, c.ratePerS) : Infinity);

/** Repair-time sampler of the failure model (default log-normal, median 12 h). */
export const repairSampler = (model: FailureModel): Sampler => sampler(model.repair);
