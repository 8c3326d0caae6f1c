// Reference range searches over histograms, written as their definitions (no prefix-sum tricks).
import type { EntropyArgs, MseRangeArgs, PercentileArgs, Range } from '../api';
import { f32, roundHalfEven, scratch64 } from './numeric';

const EPS = 1e-12;

export function percentileRange({ counts, lo, hi, percentile }: PercentileArgs): Range {
  const bins = counts.length;
  const width = (hi - lo) / bins;
  let total = 0;
  for (let b = 0; b < bins; b++) total += counts[b];
  if (total === 0) return { min: lo, max: hi };
  const need = (percentile / 100) * total;
  let upper = bins - 1;
  for (let b = 0, cum = 0; b < bins; b++) {
    cum += counts[b];
    if (cum >= need) {
      upper = b;
      break;
    }
  }
  let lower = 0;
  for (let b = bins - 1, cum = 0; b >= 0; b--) {
    cum += counts[b];
    if (cum >= need) {
      lower = b;
      break;
    }
  }
  return { min: lo + lower * width, max: lo + (upper + 1) * width };
}

/** KL(P‖Q) for keeping the first `kept` bins; see EntropyArgs. */
export function entropyDivergence(counts: Uint32Array, kept: number, levels: number): number {
  const bins = counts.length;
  const p = scratch64(2 * kept);
  const q = p.subarray(kept, 2 * kept);
  let outliers = 0;
  for (let j = kept; j < bins; j++) outliers += counts[j];
  let sumP = 0;
  for (let j = 0; j < kept; j++) {
    p[j] = counts[j] + (j === kept - 1 ? outliers : 0);
    sumP += p[j];
  }
  const perLevel = Math.floor(kept / levels);
  let sumQ = 0;
  for (let g = 0; g < levels; g++) {
    const a = g * perLevel;
    const b = g === levels - 1 ? kept : a + perLevel;
    let s = 0;
    let nonzero = 0;
    for (let j = a; j < b; j++) {
      s += counts[j];
      if (p[j] !== 0) nonzero++;
    }
    for (let j = a; j < b; j++) q[j] = p[j] !== 0 ? s / nonzero : 0;
    sumQ += s;
  }
  if (sumP <= 0 || sumQ <= 0) return Infinity;
  let kl = 0;
  for (let j = 0; j < kept; j++) {
    if (p[j] === 0) continue;
    const pj = p[j] / sumP;
    const qj = q[j] > 0 ? q[j] / sumQ : EPS;
    kl += pj * Math.log(pj / qj);
  }
  return kl;
}

export function entropyRange({ counts, hi, levels, start, divergences }: EntropyArgs): Range {
  const bins = counts.length;
  let best = start;
  let bestKl = Infinity;
  for (let i = start; i <= bins; i++) {
    const kl = entropyDivergence(counts, i, levels);
    if (divergences) divergences[i - start] = kl;
    if (kl < bestKl) {
      bestKl = kl;
      best = i;
    }
  }
  const t = (best * hi) / bins;
  return { min: -t, max: t };
}

/** Count-weighted squared round-trip error of the bin centres at threshold index k; see MseRangeArgs. */
export function mseError(
  counts: Uint32Array,
  lo: number,
  hi: number,
  qmax: number,
  candidates: number,
  k: number,
): number {
  const bins = counts.length;
  const flo = f32(lo);
  const width = f32(f32(f32(hi) - flo) / bins);
  const extent = Math.max(Math.abs(flo), Math.abs(f32(hi)));
  const s = f32(f32((extent * (k + 1)) / candidates) / qmax);
  let err = 0;
  for (let b = 0; b < bins; b++) {
    const x = f32(flo + f32((b + 0.5) * width));
    const q = Math.min(Math.max(roundHalfEven(f32(x / s)), -qmax), qmax);
    const e = f32(x - f32(q * s));
    err += counts[b] * e * e;
  }
  return err;
}

export function mseRange({ counts, lo, hi, qmax, candidates, errors }: MseRangeArgs): Range {
  let best = 0;
  let bestErr = Infinity;
  for (let k = 0; k < candidates; k++) {
    const err = mseError(counts, lo, hi, qmax, candidates, k);
    if (errors) errors[k] = err;
    if (err < bestErr) {
      bestErr = err;
      best = k;
    }
  }
  const extent = Math.max(Math.abs(f32(lo)), Math.abs(f32(hi)));
  const t = f32((extent * (best + 1)) / candidates);
  return { min: -t, max: t };
}
