/**
 * Closed forms for checkpoint intervals and ETTR, used to pick `auto`
 * intervals and to compare the simulation with theory (docs/simulate.md).
 */

/** Young (1974): first-order optimum compute time between checkpoints, s. */
export function youngIntervalS(checkpointCostS: number, mtbiS: number): number {
  return Math.sqrt(2 * checkpointCostS * mtbiS);
}

/**
 * Daly (2006) higher-order optimum compute time between checkpoints, s
 * (reliability.json targetsForEttrModel.daly):
 * τ = √(2δM)·(1 + √(δ/2M)/3 + (δ/2M)/9) − δ for δ < 2M, else M,
 * with δ the checkpoint cost (blocking time) and M the mean time between interruptions.
 */
export function dalyIntervalS(checkpointCostS: number, mtbiS: number): number {
  const d = checkpointCostS;
  const m = mtbiS;
  if (d >= 2 * m) return m;
  const x = d / (2 * m);
  return Math.sqrt(2 * d * m) * (1 + Math.sqrt(x) / 3 + x / 9) - d;
}

export interface EttrInputs {
  /** Job-level rate of work-losing interruptions, per s (N_nodes · r_f). */
  failuresPerS: number;
  /** Compute time between checkpoints, s. */
  intervalS: number;
  /** Restart overhead u0, s (failure → resumed). */
  restartS: number;
  /** Blocking checkpoint write w_cp, s (0 for non-blocking). */
  writeS: number;
}

/**
 * Kokolis et al. first-order closed form (reliability.json targetsForEttrModel.kokolisClosedForm):
 * E[ETTR] ≈ (1 − N·r_f·(u0 + Δcp/2)) / (1 + w_cp/Δcp), queue term omitted.
 */
export function kokolisEttr(p: EttrInputs): number {
  return (1 - p.failuresPerS * (p.restartS + p.intervalS / 2)) / (1 + p.writeS / p.intervalS);
}

/**
 * Exact expected ETTR of the renewal process the simulator runs for Poisson
 * failures at rate λ in wall-clock time, checkpoints every τ of compute (cost
 * w each, durable at once) counted from each resume, and restart u0 that a
 * failure during the restart begins again:
 * ETTR = [τ·e^{−λ(τ+w)} / (1 − e^{−λ(τ+w)})] · λ·e^{−λu0}.
 * (Kept work per up-period: τ·Σ_k e^{−kλ(τ+w)}; mean cycle: e^{λu0}/λ.)
 */
export function exactPoissonEttr(p: EttrInputs): number {
  const lam = p.failuresPerS;
  const c = p.intervalS + p.writeS;
  const q = Math.exp(-lam * c);
  return ((p.intervalS * q) / (1 - q)) * lam * Math.exp(-lam * p.restartS);
}
