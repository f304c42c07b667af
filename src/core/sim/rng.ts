/**
 * Seeded, splittable pseudo-random numbers (no Math.random in the core).
 *
 * The generator is xoshiro128** (Blackman & Vigna, 2018): four 32-bit words of
 * state, period 2^128 − 1, fast with Math.imul. Streams are addressed by a key
 * path: `streamKey(seed, runIndex, streamId)` hashes the path into a 64-bit key
 * (two 32-bit lanes), and `Rng.fromKey` expands the key with SplitMix32 into
 * the state. Each entity (a failure cause, the repair shop, …) draws from its
 * own stream, so adding an entity does not shift the draws of the others, and
 * run i of seed s is the same whichever worker thread computes it.
 */

/** A 64-bit stream key as two unsigned 32-bit lanes. */
export interface StreamKey {
  readonly hi: number;
  readonly lo: number;
}

const TWO_POW_32 = 4294967296;
const TWO_POW_M53 = 1 / 9007199254740992;

/** Murmur3's 32-bit finalizer: a bijective avalanche mix. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Hashes a short string (a cause id) to a 32-bit stream id (FNV-1a, then mixed). */
export function streamIdOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return mix32(h);
}

/** Key of the root stream of `seed` (a non-negative safe integer). */
export function rootKey(seed: number): StreamKey {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_POW_32) >>> 0;
  return { hi: mix32(hi ^ 0x9e3779b9), lo: mix32(lo + mix32(hi + 0x7f4a7c15)) };
}

/** Key of child `id` (a 32-bit integer) of `key`. Distinct ids give unrelated streams. */
export function childKey(key: StreamKey, id: number): StreamKey {
  const a = mix32(key.hi ^ mix32((id >>> 0) + 0x632be5ab));
  const b = mix32(key.lo + Math.imul(a ^ (id >>> 0), 0x9e3779b9) + 0x85ebca77);
  return { hi: a, lo: b };
}

/** Key of the path seed → ids[0] → ids[1] → … */
export function streamKey(seed: number, ...ids: number[]): StreamKey {
  let k = rootKey(seed);
  for (const id of ids) k = childKey(k, id);
  return k;
}

/** xoshiro128** generator. Reseed in place with `reset` to stay allocation-free. */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  static fromKey(key: StreamKey): Rng {
    const r = new Rng();
    r.reset(key);
    return r;
  }

  /** Re-initialises the state from a key (SplitMix32 expansion; never all-zero). */
  reset(key: StreamKey): void {
    let x = (key.hi ^ Math.imul(key.lo, 0x9e3779b9)) >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      return mix32(x ^ key.lo);
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next() | 1;
  }

  /** Next unsigned 32-bit integer. */
  nextU32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const a = this.nextU32() >>> 5;
    const b = this.nextU32() >>> 6;
    return (a * 67108864 + b) * TWO_POW_M53;
  }

  /** Uniform double in (0, 1]: safe under a logarithm. */
  nextOpenFloat(): number {
    return 1 - this.nextFloat();
  }

  /** Uniform integer in [0, n) for 0 < n ≤ 2^32 (multiply-shift, bias < 2^-21 for n < 2^11). */
  nextInt(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
