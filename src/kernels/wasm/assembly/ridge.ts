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

/**
 * Solves (G + λI)·W = R for W (d×e). `l` (d×d f64) and `z` (d×e f64) are scratch.
 * Returns 0, or i + 1 when the pivot of row i is not positive (matrix not positive definite).
 */
export function ridgeSolve(g: usize, r: usize, d: i32, e: i32, lambda: f64, l: usize, z: usize, out: usize): i32 {
  const sd = <usize>d << 3;
  const se = <usize>e << 3;
  // Row-oriented Cholesky: L[i][j] = (A[i][j] − L[i][:j]·L[j][:j]) / L[j][j].
  for (let i = 0; i < d; i++) {
    const li = l + <usize>i * sd;
    const gi = g + ((<usize>i * <usize>d) << 2);
    for (let j = 0; j < i; j++) {
      const lj = l + <usize>j * sd;
      const s = <f64>load<f32>(gi + (<usize>j << 2)) - dot64(li, lj, j);
      store<f64>(li + (<usize>j << 3), s / load<f64>(lj + (<usize>j << 3)));
    }
    const diag = <f64>load<f32>(gi + (<usize>i << 2)) + lambda - dot64(li, li, i);
    if (!(diag > 0)) return i + 1;
    store<f64>(li + (<usize>i << 3), sqrt<f64>(diag));
  }
  // Forward: L·Z = R, row by row.
  for (let i = 0; i < d; i++) {
    const zi = z + <usize>i * se;
    const ri = r + ((<usize>i * <usize>e) << 2);
    for (let c = 0; c < e; c++) store<f64>(zi + (<usize>c << 3), <f64>load<f32>(ri + (<usize>c << 2)));
    const li = l + <usize>i * sd;
    let k = 0;
    for (; k + 4 <= i; k += 4) {
      const zk = z + <usize>k * se;
      const lk = li + (<usize>k << 3);
      axpy64x4(zi, zk, zk + se, zk + 2 * se, zk + 3 * se, load<f64>(lk), load<f64>(lk, 8), load<f64>(lk, 16), load<f64>(lk, 24), e);
    }
    for (; k < i; k++) axpy64(zi, z + <usize>k * se, load<f64>(li + (<usize>k << 3)), e);
    const inv = 1.0 / load<f64>(li + (<usize>i << 3));
    for (let c = 0; c < e; c++) store<f64>(zi + (<usize>c << 3), load<f64>(zi + (<usize>c << 3)) * inv);
  }
  // Backward: Lᵀ·W = Z, in place in z, last row first.
  for (let i = d - 1; i >= 0; i--) {
    const zi = z + <usize>i * se;
    let k = i + 1;
    for (; k + 4 <= d; k += 4) {
      const zk = z + <usize>k * se;
      const lk = l + <usize>k * sd + (<usize>i << 3);
      axpy64x4(zi, zk, zk + se, zk + 2 * se, zk + 3 * se, load<f64>(lk), load<f64>(lk + sd), load<f64>(lk + 2 * sd), load<f64>(lk + 3 * sd), e);
    }
    for (; k < d; k++) axpy64(zi, z + <usize>k * se, load<f64>(l + <usize>k * sd + (<usize>i << 3)), e);
    const inv = 1.0 / load<f64>(l + <usize>i * sd + (<usize>i << 3));
    const oi = out + ((<usize>i * <usize>e) << 2);
    for (let c = 0; c < e; c++) {
      const wic = load<f64>(zi + (<usize>c << 3)) * inv;
      store<f64>(zi + (<usize>c << 3), wic); // later rows read the solved row
      store<f32>(oi + (<usize>c << 2), <f32>wic);
    }
  }
  return 0;
}
