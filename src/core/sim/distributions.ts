/**
 * Random durations: exponential, Weibull, log-normal, uniform, fixed and
 * empirical distributions, described as plain data (`DurationDist`, so they
 * can come from YAML) and compiled once into samplers for the hot loop.
 * All values are seconds.
 */
import type { Rng } from './rng.js';

export type DurationDist =
  | { dist: 'fixed'; valueS: number }
  | { dist: 'exponential'; meanS: number }
  /** P(X > x) = exp(−(x/scaleS)^shape). */
  | { dist: 'weibull'; shape: number; scaleS: number }
  /** ln X ~ Normal(ln medianS, sigma²). */
  | { dist: 'lognormal'; medianS: number; sigma: number }
  | { dist: 'uniform'; minS: number; maxS: number }
  /** Resamples the observed values with equal weight. */
  | { dist: 'empirical'; valuesS: readonly number[] };

export type Sampler = (rng: Rng) => number;

/** Exponential draw with rate `ratePerS` (inverse transform). */
export function exponential(rng: Rng, ratePerS: number): number {
  return -Math.log(rng.nextOpenFloat()) / ratePerS;
}

/** Standard normal draw (Box–Muller, one value per two uniforms). */
export function standardNormal(rng: Rng): number {
  const u = rng.nextOpenFloat();
  const v = rng.nextFloat();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Compiles a distribution into a sampler. */
export function sampler(d: DurationDist): Sampler {
  switch (d.dist) {
    case 'fixed': {
      const v = d.valueS;
      return () => v;
    }
    case 'exponential': {
      const rate = 1 / d.meanS;
      return d.meanS > 0 ? (rng) => exponential(rng, rate) : () => 0;
    }
    case 'weibull': {
      const { shape, scaleS } = d;
      return (rng) => scaleS * Math.pow(-Math.log(rng.nextOpenFloat()), 1 / shape);
    }
    case 'lognormal': {
      const mu = Math.log(d.medianS);
      const sigma = d.sigma;
      return (rng) => Math.exp(mu + sigma * standardNormal(rng));
    }
    case 'uniform': {
      const { minS, maxS } = d;
      return (rng) => minS + (maxS - minS) * rng.nextFloat();
    }
    case 'empirical': {
      const values = Float64Array.from(d.valuesS);
      return (rng) => values[rng.nextInt(values.length)];
    }
  }
}

/** Mean of a distribution, s (closed form). */
export function meanOf(d: DurationDist): number {
  switch (d.dist) {
    case 'fixed':
      return d.valueS;
    case 'exponential':
      return d.meanS;
    case 'weibull':
      return d.scaleS * gamma(1 + 1 / d.shape);
    case 'lognormal':
      return d.medianS * Math.exp((d.sigma * d.sigma) / 2);
    case 'uniform':
      return (d.minS + d.maxS) / 2;
    case 'empirical':
      return d.valuesS.reduce((a, b) => a + b, 0) / d.valuesS.length;
  }
}

/** Describes a distribution for people: "log-normal, median 12 h, σ 1". */
export function describeDist(d: DurationDist): string {
  const h = (s: number) => `${Number((s / 3600).toPrecision(3))} h`;
  const sec = (s: number) => (s >= 3600 ? h(s) : `${Number(s.toPrecision(3))} s`);
  switch (d.dist) {
    case 'fixed':
      return sec(d.valueS);
    case 'exponential':
      return `exponential, mean ${sec(d.meanS)}`;
    case 'weibull':
      return `Weibull, shape ${d.shape}, scale ${sec(d.scaleS)}`;
    case 'lognormal':
      return `log-normal, median ${sec(d.medianS)}, σ ${d.sigma}`;
    case 'uniform':
      return `uniform ${sec(d.minS)}–${sec(d.maxS)}`;
    case 'empirical':
      return `empirical (${d.valuesS.length} values, mean ${sec(meanOf(d))})`;
  }
}

/** Gamma function (Lanczos approximation, g = 7; relative error < 1e-13 for x > 0.5). */
export function gamma(x: number): number {
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x));
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return Math.sqrt(2 * Math.PI) * Math.pow(t, z + 0.5) * Math.exp(-t) * a;
}
