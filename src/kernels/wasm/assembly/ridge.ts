// Ridge solve (G + λI)·W = R by Cholesky, in f64: G is an f32 Gram matrix whose condition
// number f32 elimination would not survive.

/** Dot product of two contiguous f64 vectors of length n (f64x2, four accumulators). */
@inline function dot64(a: usize, b: usize, n: i32): f64 {
  const n8 = n & ~7;
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
  for (let k = 0; k < n8; k += 8) {
    const o = <usize>k << 3;
    s0 = f64x2.add(s0, f64x2.mul(v128.load(a + o), v128.load(b + o)));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
    s2 = f64x2.add(s2, f64x2.mul(v128.load(a + o, 32), v128.load(b + o, 32)));
    s3 = f64x2.add(s3, f64x2.mul(v128.load(a + o, 48), v128.load(b + o, 48)));
  }
  const s = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
  let t = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (let k = n8; k < n; k++) t += load<f64>(a + (<usize>k << 3)) * load<f64>(b + (<usize>k << 3));
  return t;
}

/** y[0..n) -= alpha · x[0..n) over f64 rows. */
@inline function axpy64(y: usize, x: usize, alpha: f64, n: i32): void {
  const n4 = n & ~3;
  const a = f64x2.splat(alpha);
  for (let k = 0; k < n4; k += 4) {
    const o = <usize>k << 3;
    v128.store(y + o, f64x2.sub(v128.load(y + o), f64x2.mul(a, v128.load(x + o))));
    v128.store(y + o, f64x2.sub(v128.load(y + o, 16), f64x2.mul(a, v128.load(x + o, 16))), 16);
  }
  for (let k = n4; k < n; k++) {
    const p = y + (<usize>k << 3);
    store<f64>(p, load<f64>(p) - alpha * load<f64>(x + (<usize>k << 3)));
  }
}

/** y[0..n) -= a0·x0 + a1·x1 + a2·x2 + a3·x3: four rows per pass over y, a quarter of the y traffic. */
@inline function axpy64x4(y: usize, x0: usize, x1: usize, x2: usize, x3: usize, a0: f64, a1: f64, a2: f64, a3: f64, n: i32): void {
  const n2 = n & ~1;
  const v0 = f64x2.splat(a0), v1 = f64x2.splat(a1), v2 = f64x2.splat(a2), v3 = f64x2.splat(a3);
  for (let k = 0; k < n2; k += 2) {
    const o = <usize>k << 3;
    const s = f64x2.add(
      f64x2.add(f64x2.mul(v0, v128.load(x0 + o)), f64x2.mul(v1, v128.load(x1 + o))),
      f64x2.add(f64x2.mul(v2, v128.load(x2 + o)), f64x2.mul(v3, v128.load(x3 + o))),
    );
    v128.store(y + o, f64x2.sub(v128.load(y + o), s));
  }
  if (n2 < n) {
    const o = <usize>n2 << 3;
    store<f64>(y + o, load<f64>(y + o) - (a0 * load<f64>(x0 + o) + a1 * load<f64>(x1 + o) + a2 * load<f64>(x2 + o) + a3 * load<f64>(x3 + o)));
  }
}

/** L[i][j] = (A[i][j] − L[i][:j]·L[j][:j]) / L[j][j]. */
@inline function factor1(g: usize, l: usize, d: i32, i: i32, j: i32): void {
  const sd = <usize>d << 3;
  const li = l + <usize>i * sd;
  const lj = l + <usize>j * sd;
  const s = <f64>load<f32>(g + ((<usize>i * <usize>d + <usize>j) << 2)) - dot64(li, lj, j);
  store<f64>(li + (<usize>j << 3), s / load<f64>(lj + (<usize>j << 3)));
}

/** Horizontal sum of an f64x2. */
@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/**
 * factor1 for rows i..i+3 and columns j, j+1 together: the eight dots over [0, j) in one sweep (six
 * loads for eight products instead of sixteen), then column j, whose entries column j+1's dots need.
 */
function factor4x2(g: usize, l: usize, d: i32, i: i32, j: i32): void {
  const sd = <usize>d << 3;
  const l0 = l + <usize>i * sd, l1 = l0 + sd, l2 = l1 + sd, l3 = l2 + sd;
  const m0 = l + <usize>j * sd, m1 = m0 + sd;
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
  let b0 = f64x2.splat(0), b1 = f64x2.splat(0), b2 = f64x2.splat(0), b3 = f64x2.splat(0);
  const n2 = j & ~1;
  for (let k = 0; k < n2; k += 2) {
    const o = <usize>k << 3;
    const x = v128.load(m0 + o), y = v128.load(m1 + o);
    let v = v128.load(l0 + o);
    a0 = f64x2.add(a0, f64x2.mul(v, x));
    b0 = f64x2.add(b0, f64x2.mul(v, y));
    v = v128.load(l1 + o);
    a1 = f64x2.add(a1, f64x2.mul(v, x));
    b1 = f64x2.add(b1, f64x2.mul(v, y));
    v = v128.load(l2 + o);
    a2 = f64x2.add(a2, f64x2.mul(v, x));
    b2 = f64x2.add(b2, f64x2.mul(v, y));
    v = v128.load(l3 + o);
    a3 = f64x2.add(a3, f64x2.mul(v, x));
    b3 = f64x2.add(b3, f64x2.mul(v, y));
  }
  let s0 = hsum(a0), s1 = hsum(a1), s2 = hsum(a2), s3 = hsum(a3);
  let t0 = hsum(b0), t1 = hsum(b1), t2 = hsum(b2), t3 = hsum(b3);
  if (n2 < j) {
    const o = <usize>n2 << 3;
    const x = load<f64>(m0 + o), y = load<f64>(m1 + o);
    s0 += load<f64>(l0 + o) * x; t0 += load<f64>(l0 + o) * y;
    s1 += load<f64>(l1 + o) * x; t1 += load<f64>(l1 + o) * y;
    s2 += load<f64>(l2 + o) * x; t2 += load<f64>(l2 + o) * y;
    s3 += load<f64>(l3 + o) * x; t3 += load<f64>(l3 + o) * y;
  }
  const oj = <usize>j << 3;
  const gi = g + ((<usize>i * <usize>d + <usize>j) << 2);
  const gs = <usize>d << 2;
  const mjj = load<f64>(m0 + oj);
  const c0 = (<f64>load<f32>(gi) - s0) / mjj;
  const c1 = (<f64>load<f32>(gi + gs) - s1) / mjj;
  const c2 = (<f64>load<f32>(gi + 2 * gs) - s2) / mjj;
  const c3 = (<f64>load<f32>(gi + 3 * gs) - s3) / mjj;
  store<f64>(l0 + oj, c0);
  store<f64>(l1 + oj, c1);
  store<f64>(l2 + oj, c2);
  store<f64>(l3 + oj, c3);
  // Column j+1's dots run over [0, j+1): add the term at k = j.
  const y = load<f64>(m1 + oj);
  const m11 = load<f64>(m1 + oj + 8);
  store<f64>(l0 + oj + 8, (<f64>load<f32>(gi + 4) - (t0 + c0 * y)) / m11);
  store<f64>(l1 + oj + 8, (<f64>load<f32>(gi + gs + 4) - (t1 + c1 * y)) / m11);
  store<f64>(l2 + oj + 8, (<f64>load<f32>(gi + 2 * gs + 4) - (t2 + c2 * y)) / m11);
  store<f64>(l3 + oj + 8, (<f64>load<f32>(gi + 3 * gs + 4) - (t3 + c3 * y)) / m11);
}

/** Rows factored or solved together: each earlier row they read is loaded once for all of them. */
const BLOCK: i32 = 16;

/**
 * Solves (G + λI)·W = R for W (d×e). `l` (d×d f64) and `z` (d×e f64) are scratch.
 * Returns 0, or i + 1 when the pivot of row i is not positive (matrix not positive definite).
 * Rows go in blocks of BLOCK: the triangle of L (and the rows of Z) above a block stream from memory
 * once per block instead of once per row — for d in the thousands they no longer fit in cache.
 */
export function ridgeSolve(g: usize, r: usize, d: i32, e: i32, lambda: f64, l: usize, z: usize, out: usize): i32 {
  const sd = <usize>d << 3;
  const se = <usize>e << 3;
  // Row-oriented Cholesky: L[i][j] = (A[i][j] − L[i][:j]·L[j][:j]) / L[j][j]; each dot in the same
  // order as one row at a time, so the factor is the same to the bit.
  for (let i0 = 0; i0 < d; i0 += BLOCK) {
    const i1 = min(i0 + BLOCK, d);
    // Columns left of the block: four rows × two columns at a time share their loads.
    const i4 = i0 + ((i1 - i0) & ~3);
    let j = 0;
    for (; j + 2 <= i0; j += 2) {
      for (let i = i0; i < i4; i += 4) factor4x2(g, l, d, i, j);
      for (let i = i4; i < i1; i++) {
        factor1(g, l, d, i, j);
        factor1(g, l, d, i, j + 1);
      }
    }
    for (; j < i0; j++) for (let i = i0; i < i1; i++) factor1(g, l, d, i, j);
    for (let i = i0; i < i1; i++) {
      const li = l + <usize>i * sd;
      const gi = g + ((<usize>i * <usize>d) << 2);
      for (let j = i0; j < i; j++) {
        const lj = l + <usize>j * sd;
        const s = <f64>load<f32>(gi + (<usize>j << 2)) - dot64(li, lj, j);
        store<f64>(li + (<usize>j << 3), s / load<f64>(lj + (<usize>j << 3)));
      }
      const diag = <f64>load<f32>(gi + (<usize>i << 2)) + lambda - dot64(li, li, i);
      if (!(diag > 0)) return i + 1;
      store<f64>(li + (<usize>i << 3), sqrt<f64>(diag));
    }
  }
  // Lᵀ into the unused upper triangle: the backward pass then reads its column of L as a row.
  for (let i = 0; i < d; i++)
    for (let j = 0; j < i; j++) store<f64>(l + <usize>j * sd + (<usize>i << 3), load<f64>(l + <usize>i * sd + (<usize>j << 3)));
  // Forward: L·Z = R. Each row subtracts its earlier rows in groups of four from 0, as row by row
  // would (BLOCK is a multiple of 4): the same sums to the bit.
  for (let i0 = 0; i0 < d; i0 += BLOCK) {
    const i1 = min(i0 + BLOCK, d);
    for (let i = i0; i < i1; i++) {
      const zi = z + <usize>i * se;
      const ri = r + ((<usize>i * <usize>e) << 2);
      for (let c = 0; c < e; c++) store<f64>(zi + (<usize>c << 3), <f64>load<f32>(ri + (<usize>c << 2)));
    }
    for (let k = 0; k < i0; k += 4) {
      const zk = z + <usize>k * se;
      for (let i = i0; i < i1; i++) {
        const lk = l + <usize>i * sd + (<usize>k << 3);
        axpy64x4(z + <usize>i * se, zk, zk + se, zk + 2 * se, zk + 3 * se, load<f64>(lk), load<f64>(lk, 8), load<f64>(lk, 16), load<f64>(lk, 24), e);
      }
    }
    for (let i = i0; i < i1; i++) {
      const zi = z + <usize>i * se;
      const li = l + <usize>i * sd;
      let k = i0;
      for (; k + 4 <= i; k += 4) {
        const zk = z + <usize>k * se;
        const lk = li + (<usize>k << 3);
        axpy64x4(zi, zk, zk + se, zk + 2 * se, zk + 3 * se, load<f64>(lk), load<f64>(lk, 8), load<f64>(lk, 16), load<f64>(lk, 24), e);
      }
      for (; k < i; k++) axpy64(zi, z + <usize>k * se, load<f64>(li + (<usize>k << 3)), e);
      const inv = 1.0 / load<f64>(li + (<usize>i << 3));
      for (let c = 0; c < e; c++) store<f64>(zi + (<usize>c << 3), load<f64>(zi + (<usize>c << 3)) * inv);
    }
  }
  // Backward: Lᵀ·W = Z, in place in z, last block first: the solved rows below a block first (in
  // groups of four from its end, shared by its rows), then the block's own rows, last first.
  for (let i1 = d; i1 > 0; i1 -= BLOCK) {
    const i0 = max(0, i1 - BLOCK);
    let k = i1;
    for (; k + 4 <= d; k += 4) {
      const zk = z + <usize>k * se;
      for (let i = i0; i < i1; i++) {
        const uk = l + <usize>i * sd + (<usize>k << 3);
        axpy64x4(z + <usize>i * se, zk, zk + se, zk + 2 * se, zk + 3 * se, load<f64>(uk), load<f64>(uk, 8), load<f64>(uk, 16), load<f64>(uk, 24), e);
      }
    }
    for (; k < d; k++)
      for (let i = i0; i < i1; i++) axpy64(z + <usize>i * se, z + <usize>k * se, load<f64>(l + <usize>i * sd + (<usize>k << 3)), e);
    for (let i = i1 - 1; i >= i0; i--) {
      const zi = z + <usize>i * se;
      const ui = l + <usize>i * sd;
      for (let q = i + 1; q < i1; q++) axpy64(zi, z + <usize>q * se, load<f64>(ui + (<usize>q << 3)), e);
      const inv = 1.0 / load<f64>(ui + (<usize>i << 3));
      const oi = out + ((<usize>i * <usize>e) << 2);
      for (let c = 0; c < e; c++) {
        const wic = load<f64>(zi + (<usize>c << 3)) * inv;
        store<f64>(zi + (<usize>c << 3), wic); // earlier rows read the solved row
        store<f32>(oi + (<usize>c << 2), <f32>wic);
      }
    }
  }
  return 0;
}
