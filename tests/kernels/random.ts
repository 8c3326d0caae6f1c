// Seeded random inputs: fresh each run (the seed is printed with any failure), reproducible on demand.

export interface Rng {
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number;
}

export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const next = (): number => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    seed,
    next,
    normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
  };
}

/** A seed from the environment (KERNEL_SEED) or the clock. */
export function freshSeed(fixed?: string | number): number {
  const n = Number(fixed);
  return Number.isFinite(n) && fixed !== undefined && fixed !== ''
    ? n
    : (Date.now() ^ (Math.random() * 2 ** 31)) >>> 0;
}

export function normals(rng: Rng, n: number, sigma = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * sigma;
  return a;
}

/** Post-ReLU-like activations: max(0, N(0, σ)), about half exact zeros. */
export function activations(rng: Rng, n: number, sigma = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.max(0, rng.normal() * sigma);
  return a;
}

/** A histogram of |N(0, 1)| · heavy tail, as calibration collects over [0, max|x|]. */
export function absHistogram(rng: Rng, samples: number, bins: number): { counts: Uint32Array; hi: number } {
  const data = new Float32Array(samples);
  let hi = 0;
  for (let i = 0; i < samples; i++) {
    const v = Math.abs(rng.normal() * (rng.next() < 0.02 ? 6 : 1));
    data[i] = v;
    hi = Math.max(hi, v);
  }
  const counts = new Uint32Array(bins);
  for (const v of data) counts[Math.min(bins - 1, Math.floor((v / hi) * bins))]++;
  return { counts, hi };
}
