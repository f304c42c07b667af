/**
 * The spare reserve as the API, the CLI, /metrics and the dashboard show it: the setting,
 * the gang it is for, how many nodes it should hold and which idle nodes it holds now (the
 * same choice a scheduling pass makes), and with `auto` what the size came from.
 */
import type { Controller } from './controller.js';
import { pickReserve, reserveMode, type ReserveMode } from './reserve.js';
import { gangReservations, schedulableCaps } from './scheduler.js';

export interface SpareReserveView {
  mode: ReserveMode;
  /** `--spare-reserve`: a node count or 'auto'. */
  setting: number | 'auto';
  /** Nodes the reserve should hold now (0 without a running multi-node gang under 'auto'). */
  targetNodes: number;
  /** Idle nodes it holds now (at most the target; fewer while the fleet has fewer idle nodes). */
  heldNodes: number;
  /** Their names (at most 100). */
  nodes: string[];
  /** The largest running or recovering multi-node job: the gang the reserve is for. */
  gang: { jobId: string; gpus: number; nodes: number } | null;
  /** With 'auto': the fleet's rate and the repair time the size comes from, and the simulator's pool for the gang. */
  auto: {
    preset: string;
    hardwarePerGpuHour: number;
    repairMeanS: number;
    computedAtMs: number;
    /** Mean nodes of the gang in repair at once, and the P99 of it (= targetNodes). */
    meanNodesInRepair: number | null;
    spares: number | null;
  } | null;
}

export function spareReserveView(ctl: Controller): SpareReserveView {
  const setting = ctl.policy.spareReserve;
  const mode = reserveMode(setting);
  const gang = mode === 'off' ? null : ctl.reserveGang();
  const { target, auto } = ctl.reserveTarget(gang);
  const held = gang && target > 0 ? pickReserve(schedulableCaps(ctl), gang, target, new Set(gangReservations(ctl).flatMap((r) => r.nodes)), ctl.nodes) : [];
  const basis = mode === 'auto' ? ctl.reserveBasis() : null;
  return {
    mode, setting, targetNodes: mode === 'off' ? 0 : target, heldNodes: held.length, nodes: held.slice(0, 100).map((c) => c.name),
    gang: gang ? { jobId: gang.jobId, gpus: gang.gpus, nodes: gang.nodes } : null,
    auto: basis ? { preset: basis.preset, hardwarePerGpuHour: basis.hardwarePerGpuHour, repairMeanS: basis.repairMeanS, computedAtMs: basis.computedAtMs, meanNodesInRepair: auto?.meanNodesInRepair ?? null, spares: auto?.spares ?? null } : null,
  };
}
