/**
 * Seeded pseudo-random numbers (xoshiro128**). Every random choice in the engine
 * (weight init, k-means++ seeding, shuffles, pair sampling, SVD test matrices) draws
 * from one of these, so a run is reproducible from `train.seed` on every backend.
 * Engine code names its stream with `Random.derive(seed, purpose)`: streams computed
 * by arithmetic on the seed (2s+1, 2s+2, ...) overlap across seeds, so seed 0's pair
 * sampler would be seed 1's initialisation and a "mean over seeds" would not be over
 * independent runs.
 */

/** Every stream the engine draws from; one name per purpose. */
export const STREAM_PURPOSES = [
  'model-init',
  'kmeans',
  'batch-order',
  'pair-sampler',
  'dead-code-reinit',
  'diagnostics',
  'cooccurrence-svd',
  'text-svd',
  'model-file',
  'rkmeans',
  'retriever',
  'sasrec',
  'paired-bootstrap',
  'valid-sample',
] as const;
type NamedPurpose = (typeof STREAM_PURPOSES)[number];
/** A named purpose, or a sub-stream of one (`rkmeans/level0`, `sasrec/batches`). */
export type StreamPurpose = NamedPurpose | `${NamedPurpose}/${string}`;

const MASK64 = (1n << 64n) - 1n;

/** splitmix64's finaliser: a bijective 64-bit mix. */
function mix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** 64-bit FNV-1a over the UTF-8 bytes of a purpose name. */
function fnv1a64(text: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) h = ((h ^ BigInt(byte)) * 0x100000001b3n) & MASK64;
  return h;
}

export class Random {
  /**
   * The stream for one purpose of one seed: the 128-bit state comes from a hash of
   * (seed, purpose), so streams of different seeds or purposes share no state.
   */
  static derive(seed: number, purpose: StreamPurpose): Random {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    let x = mix64(fnv1a64(purpose) ^ mix64(BigInt.asUintN(64, BigInt(seed))));
    const words: number[] = [];
    while (words.length < 4) {
      x = (x + 0x9e3779b97f4a7c15n) & MASK64;
      const z = mix64(x);
      words.push(Number(z & 0xffffffffn), Number(z >> 32n));
    }
    // xoshiro's one forbidden state (all zero) needs a 2^-128 coincidence; guard anyway.
    if (!words.some((w) => w !== 0)) words[0] = 1;
    const r = new Random(0);
    r.setState(words);
    return r;
  }

  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    // splitmix32 spreads a small integer seed over the 128-bit state.
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    this.s0 >>>= 0; this.s1 >>>= 0; this.s2 >>>= 0; this.s3 >>>= 0;
    return result;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box-Muller, caching the second value). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** In-place Fisher-Yates shuffle. */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T;
  shuffle<T>(a: T[]): T[];
  shuffle(a: { length: number; [i: number]: unknown }): unknown {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** Snapshot / restore, so a resumed run continues the same stream. */
  getState(): number[] {
    return [this.s0, this.s1, this.s2, this.s3];
  }
  setState(state: number[]): void {
    [this.s0, this.s1, this.s2, this.s3] = state.map((v) => v >>> 0);
    this.spareNormal = null;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
