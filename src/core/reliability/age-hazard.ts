/**
 * Failure hazard by cluster age: a bathtub. An early-life excess that decays
 * (burn-in: optics contamination at delivery, HBM spare-row exhaustion, bad
 * hosts) and a linear wear-out after some age:
 *
 *   shape(a) = 1 + burnIn · e^(−a/τ) + wearPerYear · max(0, a − wearFrom) / 365
 *
 * Rates in the presets are those of a mature fleet at REFERENCE_AGE_DAYS, so
 * the multiplier at age a is shape(a) / shape(365). Ages in days.
 */

/** The age at which preset rates hold (Llama 3's fleet was in production; "a mature fleet", issue 12). */
export const REFERENCE_AGE_DAYS = 365;

export interface AgeHazard {
  /** Excess hazard at age 0, × the mature hazard (0 = no burn-in). */
  burnIn: number;
  /** Burn-in decay time constant, days. */
  tauDays: number;
  /** Wear-out: added hazard per year of age past `wearFromDays`, × the mature hazard. */
  wearPerYear: number;
  wearFromDays: number;
}

export const NO_AGEING: AgeHazard = { burnIn: 0, tauDays: 1, wearPerYear: 0, wearFromDays: 0 };

/** Unnormalised hazard shape at age `ageDays`. */
export function hazardShape(h: AgeHazard, ageDays: number): number {
  return 1 + h.burnIn * Math.exp(-ageDays / h.tauDays) + (h.wearPerYear * Math.max(0, ageDays - h.wearFromDays)) / 365;
}

/** Hazard at `ageDays` ÷ hazard at the reference age (365 d). */
export function ageMultiplier(h: AgeHazard, ageDays: number): number {
  return hazardShape(h, ageDays) / hazardShape(h, REFERENCE_AGE_DAYS);
}

/** Mean of the unnormalised shape over ages [fromDays, toDays] (closed form). */
export function meanHazardShape(h: AgeHazard, fromDays: number, toDays: number): number {
  if (toDays <= fromDays) return hazardShape(h, fromDays);
  const span = toDays - fromDays;
  const burn = ((h.burnIn * h.tauDays) / span) * (Math.exp(-fromDays / h.tauDays) - Math.exp(-toDays / h.tauDays));
  const over = (a: number) => Math.max(0, a - h.wearFromDays);
  const wear = (h.wearPerYear / 365) * ((over(toDays) ** 2 - over(fromDays) ** 2) / (2 * span));
  return 1 + burn + wear;
}

/** Mean multiplier (vs 365 d) over ages [fromDays, toDays]: what a record averaged over that window sees. */
export function meanAgeMultiplier(h: AgeHazard, fromDays: number, toDays: number): number {
  return meanHazardShape(h, fromDays, toDays) / hazardShape(h, REFERENCE_AGE_DAYS);
}

/** Largest multiplier over [fromDays, toDays] (a bathtub peaks at an end): the thinning bound of the simulator. */
export function maxAgeMultiplier(h: AgeHazard, fromDays: number, toDays: number): number {
  return Math.max(ageMultiplier(h, fromDays), ageMultiplier(h, toDays));
}

/**
 * Burn-in amplitude B that makes the mean over [from, to] equal `ratio` × the
 * reference-age hazard, for a given τ and wear-out: solves a linear equation in B.
 */
export function fitBurnIn(ratio: number, window: { fromDays: number; toDays: number }, shape: Omit<AgeHazard, 'burnIn'>): number {
  const zero = { ...shape, burnIn: 0 };
  const unit = { ...shape, burnIn: 1 };
  const m0 = meanHazardShape(zero, window.fromDays, window.toDays);
  const mB = meanHazardShape(unit, window.fromDays, window.toDays) - m0;
  const r0 = hazardShape(zero, REFERENCE_AGE_DAYS);
  const rB = hazardShape(unit, REFERENCE_AGE_DAYS) - r0;
  return Math.max(0, (ratio * r0 - m0) / (mB - ratio * rB));
}
