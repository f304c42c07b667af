/**
 * The simulated agents, one per node: whether the node is up (heartbeating),
 * the attempts it holds, and whether it has something to tell the control plane
 * (then it heartbeats for real at its next phase). Quiet agents' heartbeats carry
 * nothing: the twin records them in bulk (`lastHeartbeatMs`), which is exactly
 * what the control plane does with an empty heartbeat.
 */
import type { LocalAttempt } from '../core/control/controller.js';

export class Agents {
  /** 1 while the node's agent heartbeats (change it with `setUp`). */
  readonly up: Uint8Array;
  /** Nodes whose agents are down: the only ones whose heartbeats can time out. */
  readonly silent = new Set<number>();
  /** 1 while a real heartbeat is scheduled. */
  readonly hbPending: Uint8Array;
  /** Attempts each node's agent holds (attempt id → local state). */
  readonly held: Map<string, LocalAttempt>[];
  /** Heartbeat phase of each node within the interval, s. */
  readonly phaseS: Float64Array;

  constructor(nodes: number, intervalS: number) {
    this.up = new Uint8Array(nodes).fill(1);
    this.hbPending = new Uint8Array(nodes);
    this.held = Array.from({ length: nodes }, () => new Map());
    this.phaseS = new Float64Array(nodes);
    for (let i = 0; i < nodes; i++) this.phaseS[i] = (((i * 2654435761) >>> 0) % 1000) / 1000 * intervalS;
  }

  setUp(node: number, up: boolean): void {
    this.up[node] = up ? 1 : 0;
    if (up) this.silent.delete(node);
    else this.silent.add(node);
  }

  /** Silent nodes in node order. */
  silentNodes(): number[] {
    return [...this.silent].sort((a, b) => a - b);
  }

  /** Virtual time of the node's next heartbeat after `nowS`. */
  nextBeatS(node: number, nowS: number, intervalS: number): number {
    const phase = this.phaseS[node];
    const k = Math.floor((nowS - phase) / intervalS) + 1;
    return phase + k * intervalS;
  }

  localAttempts(node: number): LocalAttempt[] {
    return [...this.held[node].values()];
  }
}
