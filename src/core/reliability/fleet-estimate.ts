/**
 * The fleet's own failure rate: a Gamma–Poisson (conjugate) update per observable cause,
 * with the Simulate face's preset for the fleet's GPU model as the prior. A young cluster
 * starts at the published rates; as it accumulates GPU-hours its own counts dominate.
 *
 * Observable causes (what the control plane can tell apart) and the preset causes they
 * stand for:
 * - gpu-hardware: critical XIDs and GPU health drains ↔ the preset's GPU-scope hardware causes;
 * - node-lost: lost heartbeats, dead agents/hosts ↔ node-scope hardware causes (host, network);
 * - software: attempts that failed on healthy nodes ↔ job-scope software causes.
 * Planned causes are not interruptions and are left out. Pure: no clock, no I/O.
 */
import { ColossusError } from '../errors.js';
import type { CauseSpec, FailureModel } from './types.js';

export const OBSERVED_CAUSES = ['gpu-hardware', 'node-lost', 'software'] as const;
export type ObservedCause = (typeof OBSERVED_CAUSES)[number];

/**
 * U: the size at which a job-scope (per job-day) software rate holds when the preset gives
 * none: Llama 3's 16,384 GPUs = 2,048 nodes (reliability.json, Llama 3 Table 5).
 */
export const DEFAULT_SOFTWARE_REF_NODES = 2048;

/** Which observable cause a preset cause counts toward (null: planned, not an interruption). */
export function observedCauseOf(c: CauseSpec): ObservedCause | null {
  if (c.kind === 'planned') return null;
  if (c.kind === 'software') return 'software';
  return c.scope === 'gpu' ? 'gpu-hardware' : 'node-lost';
}

/** A preset cause's rate per GPU-hour (node-day and job-day rates spread over their GPUs). */
export function ratePerGpuHour(c: CauseSpec, gpusPerNode: number): number {
  if (c.scope === 'gpu') return c.rate;
  if (c.scope === 'node') return c.rate / (24 * gpusPerNode);
  return c.rate / (24 * (c.sizeRefNodes ?? DEFAULT_SOFTWARE_REF_NODES) * gpusPerNode);
}

/** Prior rate per GPU-hour of each observable cause: the sum of its preset causes. */
export function priorRates(model: FailureModel, gpusPerNode: number): Record<ObservedCause, number> {
  const out: Record<ObservedCause, number> = { 'gpu-hardware': 0, 'node-lost': 0, software: 0 };
  for (const c of model.causes) {
    const o = observedCauseOf(c);
    if (o) out[o] += ratePerGpuHour(c, gpusPerNode);
  }
  return out;
}

/** Refuses a prior that gives some observable cause no rate (its Gamma prior would be degenerate). */
export function checkPrior(model: FailureModel, where: string): FailureModel {
  const rates = priorRates(model, 8);
  const missing = OBSERVED_CAUSES.filter((c) => !(rates[c] > 0));
  if (missing.length) {
    throw new ColossusError('usage', `the failure model '${model.name}' gives no rate for ${missing.join(', ')}: the fleet's estimate needs a positive prior for each of ${OBSERVED_CAUSES.join(', ')}`, {
      where, hint: 'use a generation preset (ampere, hopper, blackwell) or llama3-h100, or add causes of those kinds to the file (GPU-scope hardware, node-scope hardware, software)',
    });
  }
  return model;
}

export interface CauseEstimate {
  cause: ObservedCause;
  events: number;
  exposureGpuHours: number;
  /** Prior mean, per GPU-hour. */
  priorPerGpuHour: number;
  /** Gamma prior shape (pseudo-events) and rate (pseudo GPU-hours). */
  priorShape: number;
  priorGpuHours: number;
  posteriorMeanPerGpuHour: number;
  /** Central 90% credible interval, per GPU-hour. */
  p5PerGpuHour: number;
  p95PerGpuHour: number;
}

/**
 * Gamma(α₀, β₀) prior with mean r₀ and α₀ pseudo-events (β₀ = α₀ / r₀ pseudo GPU-hours);
 * after k events in E GPU-hours the posterior is Gamma(α₀ + k, β₀ + E).
 * Default α₀ = 1: the prior weighs as much as one failure's worth of exposure.
 */
/** Posterior mean rate per GPU-hour after `events` in `exposureGpuHours`: (α₀ + k) / (α₀/r₀ + E). */
export function posteriorMeanPerGpuHour(priorPerGpuHour: number, events: number, exposureGpuHours: number, priorShape = 1): number {
  return (priorShape + events) / (priorShape / priorPerGpuHour + exposureGpuHours);
}

export function estimateCause(cause: ObservedCause, priorPerGpuHour: number, events: number, exposureGpuHours: number, priorShape = 1): CauseEstimate {
  if (!(priorPerGpuHour > 0)) throw new Error(`prior rate of ${cause} must be positive, got ${priorPerGpuHour}`);
  const priorGpuHours = priorShape / priorPerGpuHour;
  const shape = priorShape + events;
  const rate = priorGpuHours + exposureGpuHours;
  return {
    cause, events, exposureGpuHours, priorPerGpuHour, priorShape, priorGpuHours,
    posteriorMeanPerGpuHour: posteriorMeanPerGpuHour(priorPerGpuHour, events, exposureGpuHours, priorShape),
    p5PerGpuHour: gammaQuantile(0.05, shape) / rate,
    p95PerGpuHour: gammaQuantile(0.95, shape) / rate,
  };
}

/** ln Γ(x), Lanczos (g = 7, n = 9), x > 0. */
export function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularised lower incomplete gamma P(a, x): series below a + 1, continued fraction above. */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const lnPre = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a, term = sum;
    for (let n = 1; n < 10_000 && Math.abs(term) > Math.abs(sum) * 1e-16; n++) sum += (term *= x / (a + n));
    return Math.min(1, sum * Math.exp(lnPre));
  }
  // Lentz's continued fraction for Q(a, x).
  const tiny = 1e-300;
  let b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.max(0, 1 - Math.exp(lnPre) * h);
}

/** The p-quantile of Gamma(shape, 1), by bisection on P (monotone; 200 halvings). */
export function gammaQuantile(p: number, shape: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`quantile level must be in (0, 1), got ${p}`);
  let lo = 0, hi = Math.max(1, shape);
  while (gammaP(shape, hi) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (gammaP(shape, mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
