// Reference norms, Gram/cross products, FPGM distance sums and the ridge solve, in plain TS with
// f64 accumulation: the oracle the other backends are tested against.
import type { CrossArgs, DistanceSumsArgs, FilterNormsArgs, GramArgs, RidgeArgs } from '../api';
import { scratch64 } from './numeric';

export function filterNorms({ weights, filters, size, norm, out }: FilterNormsArgs): void {
  for (let f = 0; f < filters; f++) {
    let s = 0;
    const base = f * size;
    if (norm === 'l1') for (let k = 0; k < size; k++) s += Math.abs(weights[base + k]);
    else for (let k = 0; k < size; k++) s += weights[base + k] * weights[base + k];
    out[f] = norm === 'l1' ? s : Math.sqrt(s);
  }
}

/** G = W·Wᵀ (f64), then out[a] = Σ_b sqrt(max(0, G_aa + G_bb − 2·G_ab)). */
export function distanceSums({ weights, filters, size, out }: DistanceSumsArgs): void {
  const g = scratch64(filters * filters);
  for (let a = 0; a < filters; a++) {
    const pa = a * size;
    for (let b = a; b < filters; b++) {
      const pb = b * size;
      let s = 0;
      for (let k = 0; k < size; k++) s += weights[pa + k] * weights[pb + k];
      g[a * filters + b] = s;
      g[b * filters + a] = s;
    }
  }
  for (let a = 0; a < filters; a++) {
    const gaa = g[a * filters + a];
    let s = 0;
    for (let b = 0; b < filters; b++)
      s += Math.sqrt(Math.max(0, gaa + g[b * filters + b] - 2 * g[a * filters + b]));
    out[a] = s;
  }
}

/** Row-by-row rank-1 updates into an f64 accumulator (upper triangle), then mirrored into out. */
export function gramAccumulate({ x, rows, cols, out }: GramArgs): void {
  const acc = scratch64(cols * cols).fill(0, 0, cols * cols);
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    for (let i = 0; i < cols; i++) {
      const xi = x[row + i];
      if (xi === 0) continue;
      const o = i * cols;
      for (let j = i; j < cols; j++) acc[o + j] += xi * x[row + j];
    }
  }
  for (let i = 0; i < cols; i++) {
    for (let j = i; j < cols; j++) {
      const v = out[i * cols + j] + acc[i * cols + j];
      out[i * cols + j] = v;
      out[j * cols + i] = v;
    }
  }
}

export function crossAccumulate({ x, y, rows, xCols, yCols, out }: CrossArgs): void {
  const acc = scratch64(xCols * yCols).fill(0, 0, xCols * yCols);
  for (let r = 0; r < rows; r++) {
    const rx = r * xCols;
    const ry = r * yCols;
    for (let i = 0; i < xCols; i++) {
      const xi = x[rx + i];
      if (xi === 0) continue;
      const o = i * yCols;
      for (let j = 0; j < yCols; j++) acc[o + j] += xi * y[ry + j];
    }
  }
  for (let i = 0; i < xCols * yCols; i++) out[i] += acc[i];
}

/** Cholesky L·Lᵀ = G + λI (row-oriented), then forward and backward substitution for every column of R. */
export function ridgeSolve({ gram, rhs, size: d, cols: e, lambda, out }: RidgeArgs): void {
  const work = scratch64(d * d + d * e);
  const l = work.subarray(0, d * d);
  const z = work.subarray(d * d, d * d + d * e);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = gram[i * d + j] + (i === j ? lambda : 0);
      for (let k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
      if (i === j) {
        if (!(s > 0)) throw new RangeError(`ridgeSolve: G + λI is not positive definite (pivot ${i})`);
        l[i * d + i] = Math.sqrt(s);
      } else l[i * d + j] = s / l[j * d + j];
    }
  }
  // Substitutions as row updates (axpy over the columns of R), so memory runs contiguously.
  for (let i = 0; i < d; i++) {
    const zi = i * e;
    for (let c = 0; c < e; c++) z[zi + c] = rhs[zi + c];
    for (let k = 0; k < i; k++) {
      const lik = l[i * d + k];
      const zk = k * e;
      for (let c = 0; c < e; c++) z[zi + c] -= lik * z[zk + c];
    }
    const inv = 1 / l[i * d + i];
    for (let c = 0; c < e; c++) z[zi + c] *= inv;
  }
  for (let i = d - 1; i >= 0; i--) {
    const zi = i * e;
    for (let k = i + 1; k < d; k++) {
      const lki = l[k * d + i];
      const zk = k * e;
      for (let c = 0; c < e; c++) z[zi + c] -= lki * z[zk + c];
    }
    const inv = 1 / l[i * d + i];
    for (let c = 0; c < e; c++) {
      z[zi + c] *= inv;
      out[zi + c] = z[zi + c];
    }
  }
}
