/**
 * The controller's running view of its own failure history: interruption counts by
 * observable cause (each event counted as it is emitted; seeded from the store at start)
 * and the fleet's shape (recomputed only when a node registers). From them, at any time,
 * the fleet's posterior failure rate (fleet-history.ts, fleet-estimate.ts): the same
 * estimate `GET /api/v1/fleet/reliability` shows and the per-job advice uses. Pure.
 */
import { OBSERVED_CAUSES, posteriorMeanPerGpuHour, priorRates } from '../reliability/fleet-estimate.js';
import type { FailureModel } from '../reliability/types.js';
import { classifyEvent, emptyHistoryCounts, fleetReliabilityOf, fleetShape, priorModel, type FleetReliability, type FleetShape, type HistoryCounts } from './fleet-history.js';
import type { ControlEvent, NodeRec } from './types.js';

export class FleetTracker {
  history: HistoryCounts = emptyHistoryCounts();
  /** The prior failure model the server was given (null: the generation preset of the fleet's GPU model). */
  private given: FailureModel | null = null;
  private memo: { shape: FleetShape; prior: { name: string; model: FailureModel }; rates: Record<string, number> } | null = null;

  constructor(private readonly nodes: () => Iterable<NodeRec>) {}

  setPrior(model: FailureModel | null): void {
    this.given = model;
    this.memo = null;
  }

  /** Counts an event when it is an interruption. */
  count(e: Pick<ControlEvent, 'kind' | 'data'>): void {
    const c = classifyEvent(e);
    if (c) this.history[c] += 1;
  }

  /** A node registered or changed its GPUs. */
  invalidate(): void {
    this.memo = null;
  }

  /** Restores counts (from the store) and forgets the shape. */
  reset(history: HistoryCounts | undefined): void {
    this.history = { ...emptyHistoryCounts(), ...history };
    this.memo = null;
  }

  private current() {
    if (!this.memo) {
      const shape = fleetShape(this.nodes());
      const prior = priorModel(shape, this.given);
      this.memo = { shape, prior, rates: priorRates(prior.model, shape.gpusPerNode) };
    }
    return this.memo;
  }

  /** The prior the server was given (null: the generation preset of the fleet's GPUs). */
  givenPrior(): FailureModel | null {
    return this.given;
  }

  prior(): FailureModel {
    return this.current().prior.model;
  }

  /** The full estimate, with 90% intervals. */
  estimate(nowMs: number): FleetReliability {
    const m = this.current();
    return fleetReliabilityOf(m.shape, this.history, nowMs, m.prior);
  }

  /** Sum of the causes' posterior means per GPU-hour (what the advice uses; no quantiles, so cheap). */
  ratePerGpuHour(nowMs: number): number {
    const m = this.current();
    const exposure = Math.max(0, (nowMs * m.shape.gpus - m.shape.gpuRegisteredMsSum) / 3.6e6);
    let total = 0;
    for (const c of OBSERVED_CAUSES) total += posteriorMeanPerGpuHour(m.rates[c]!, this.history[c], exposure);
    return total;
  }
}
