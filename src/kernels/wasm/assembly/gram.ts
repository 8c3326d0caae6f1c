// Gram (XᵀX) and cross-covariance (XᵀY) accumulation over row-major activation batches.
// Rows are processed in chunks that stay in L2; within a chunk, a 4×8 output tile lives in
// eight f32x4 registers while the chunk's rows stream past (one splat per X column, two
// vector loads per Y row). Each chunk sums into fresh registers before adding to `out`,
// which keeps f32 rounding error growing with the chunk, not the whole batch.

const ROW_CHUNK: i32 = 64;

/** out[dx×dy] += Xᵀ·Y; with `symmetric` (X = Y) only j ≥ i is computed, then mirrored. */
export function crossAccumulate(x: usize, y: usize, rows: i32, dx: i32, dy: i32, out: usize, symmetric: bool): void {
  const sx = <usize>dx << 2;
  const sy = <usize>dy << 2;
  for (let r0 = 0; r0 < rows; r0 += ROW_CHUNK) {
    const n = min(ROW_CHUNK, rows - r0);
    crossChunk(x + <usize>r0 * sx, y + <usize>r0 * sy, n, dx, dy, out, symmetric);
  }
  if (symmetric) mirrorUpper(out, dx);
}

function crossChunk(x: usize, y: usize, n: i32, dx: i32, dy: i32, out: usize, symmetric: bool): void {
  const sx = <usize>dx << 2;
  const sy = <usize>dy << 2;
  const dx4 = dx & ~3;
  const dy8 = dy & ~7;
  for (let i = 0; i < dx4; i += 4) {
    const jStart = symmetric ? i & ~7 : 0;
    for (let j = jStart; j < dy8; j += 8) {
      let a0 = f32x4.splat(0), b0 = f32x4.splat(0);
      let a1 = f32x4.splat(0), b1 = f32x4.splat(0);
      let a2 = f32x4.splat(0), b2 = f32x4.splat(0);
      let a3 = f32x4.splat(0), b3 = f32x4.splat(0);
      let px = x + (<usize>i << 2);
      let py = y + (<usize>j << 2);
      for (let r = 0; r < n; r++) {
        const y0 = v128.load(py);
        const y1 = v128.load(py, 16);
        let s = v128.load32_splat(px);
        a0 = f32x4.add(a0, f32x4.mul(s, y0));
        b0 = f32x4.add(b0, f32x4.mul(s, y1));
        s = v128.load32_splat(px, 4);
        a1 = f32x4.add(a1, f32x4.mul(s, y0));
        b1 = f32x4.add(b1, f32x4.mul(s, y1));
        s = v128.load32_splat(px, 8);
        a2 = f32x4.add(a2, f32x4.mul(s, y0));
        b2 = f32x4.add(b2, f32x4.mul(s, y1));
        s = v128.load32_splat(px, 12);
        a3 = f32x4.add(a3, f32x4.mul(s, y0));
        b3 = f32x4.add(b3, f32x4.mul(s, y1));
        px += sx;
        py += sy;
      }
      let o = out + ((<usize>i * <usize>dy + <usize>j) << 2);
      v128.store(o, f32x4.add(v128.load(o), a0));
      v128.store(o, f32x4.add(v128.load(o, 16), b0), 16);
      o += sy;
      v128.store(o, f32x4.add(v128.load(o), a1));
      v128.store(o, f32x4.add(v128.load(o, 16), b1), 16);
      o += sy;
      v128.store(o, f32x4.add(v128.load(o), a2));
      v128.store(o, f32x4.add(v128.load(o, 16), b2), 16);
      o += sy;
      v128.store(o, f32x4.add(v128.load(o), a3));
      v128.store(o, f32x4.add(v128.load(o, 16), b3), 16);
    }
  }
  // Leftover X columns (< 4): one row of vector tiles each.
  for (let i = dx4; i < dx; i++) {
    const jStart = symmetric ? i & ~7 : 0;
    for (let j = jStart; j < dy8; j += 8) {
      let a = f32x4.splat(0), b = f32x4.splat(0);
      let px = x + (<usize>i << 2);
      let py = y + (<usize>j << 2);
      for (let r = 0; r < n; r++) {
        const s = v128.load32_splat(px);
        a = f32x4.add(a, f32x4.mul(s, v128.load(py)));
        b = f32x4.add(b, f32x4.mul(s, v128.load(py, 16)));
        px += sx;
        py += sy;
      }
      const o = out + ((<usize>i * <usize>dy + <usize>j) << 2);
      v128.store(o, f32x4.add(v128.load(o), a));
      v128.store(o, f32x4.add(v128.load(o, 16), b), 16);
    }
  }
  // Leftover Y columns (< 8): scalar dot products down the chunk.
  for (let i = 0; i < dx; i++) {
    for (let j = max(dy8, symmetric ? i : 0); j < dy; j++) {
      let acc: f32 = 0;
      let px = x + (<usize>i << 2);
      let py = y + (<usize>j << 2);
      for (let r = 0; r < n; r++) {
        acc += load<f32>(px) * load<f32>(py);
        px += sx;
        py += sy;
      }
      const o = out + ((<usize>i * <usize>dy + <usize>j) << 2);
      store<f32>(o, load<f32>(o) + acc);
    }
  }
}

const BLOCK: i32 = 16;

/** Copies the upper triangle (j > i) of a d×d matrix onto the lower one, in cache-sized blocks. */
export function mirrorUpper(m: usize, d: i32): void {
  for (let i0 = 0; i0 < d; i0 += BLOCK) {
    for (let j0 = 0; j0 <= i0; j0 += BLOCK) {
      const iEnd = min(i0 + BLOCK, d);
      for (let i = i0; i < iEnd; i++) {
        const jEnd = min(j0 + BLOCK, i);
        for (let j = j0; j < jEnd; j++) {
          store<f32>(m + ((<usize>i * <usize>d + <usize>j) << 2), load<f32>(m + ((<usize>j * <usize>d + <usize>i) << 2)));
        }
      }
    }
  }
}

/** dst[cols×rows] = srcᵀ for a row-major src[rows×cols], in cache-sized blocks. */
export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  for (let r0 = 0; r0 < rows; r0 += BLOCK) {
    const rEnd = min(r0 + BLOCK, rows);
    for (let c0 = 0; c0 < cols; c0 += BLOCK) {
      const cEnd = min(c0 + BLOCK, cols);
      for (let r = r0; r < rEnd; r++) {
        const row = src + ((<usize>r * <usize>cols) << 2);
        for (let c = c0; c < cEnd; c++) {
          store<f32>(dst + ((<usize>c * <usize>rows + <usize>r) << 2), load<f32>(row + (<usize>c << 2)));
        }
      }
    }
  }
}

@inline export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Σ_t a[t]·b[t] over `k` values, vector lanes then the tail. */
export function dot(a: usize, b: usize, k: i32): f32 {
  let acc = f32x4.splat(0);
  let t = 0;
  for (; t + 4 <= k; t += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(a + (<usize>t << 2)), v128.load(b + (<usize>t << 2))));
  let s = hsum(acc);
  for (; t < k; t++) s += load<f32>(a + (<usize>t << 2)) * load<f32>(b + (<usize>t << 2));
  return s;
}

/**
 * Adds a 4×2 tile of dot products (k values each) into out at o0 (rows sn bytes apart): A's rows
 * a0, a0 + sk, … against B's rows b0 and b1. Eight f32x4 sums, then the tail past the last 4.
 */
@inline export function dotTile4x2(a0: usize, sk: usize, b0: usize, b1: usize, k: i32, o0: usize, sn: usize): void {
  const a1 = a0 + sk, a2 = a1 + sk, a3 = a2 + sk;
  const k4 = k & ~3;
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
  let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
  for (let t = 0; t < k4; t += 4) {
    const o = <usize>t << 2;
    const y0 = v128.load(b0 + o), y1 = v128.load(b1 + o);
    let x = v128.load(a0 + o);
    s00 = f32x4.add(s00, f32x4.mul(x, y0));
    s01 = f32x4.add(s01, f32x4.mul(x, y1));
    x = v128.load(a1 + o);
    s10 = f32x4.add(s10, f32x4.mul(x, y0));
    s11 = f32x4.add(s11, f32x4.mul(x, y1));
    x = v128.load(a2 + o);
    s20 = f32x4.add(s20, f32x4.mul(x, y0));
    s21 = f32x4.add(s21, f32x4.mul(x, y1));
    x = v128.load(a3 + o);
    s30 = f32x4.add(s30, f32x4.mul(x, y0));
    s31 = f32x4.add(s31, f32x4.mul(x, y1));
  }
  let r00 = hsum(s00), r01 = hsum(s01), r10 = hsum(s10), r11 = hsum(s11);
  let r20 = hsum(s20), r21 = hsum(s21), r30 = hsum(s30), r31 = hsum(s31);
  for (let t = k4; t < k; t++) {
    const o = <usize>t << 2;
    const y0 = load<f32>(b0 + o), y1 = load<f32>(b1 + o);
    const x0 = load<f32>(a0 + o), x1 = load<f32>(a1 + o), x2 = load<f32>(a2 + o), x3 = load<f32>(a3 + o);
    r00 += x0 * y0; r01 += x0 * y1;
    r10 += x1 * y0; r11 += x1 * y1;
    r20 += x2 * y0; r21 += x2 * y1;
    r30 += x3 * y0; r31 += x3 * y1;
  }
  store<f32>(o0, load<f32>(o0) + r00);
  store<f32>(o0 + 4, load<f32>(o0 + 4) + r01);
  store<f32>(o0 + sn, load<f32>(o0 + sn) + r10);
  store<f32>(o0 + sn + 4, load<f32>(o0 + sn + 4) + r11);
  store<f32>(o0 + 2 * sn, load<f32>(o0 + 2 * sn) + r20);
  store<f32>(o0 + 2 * sn + 4, load<f32>(o0 + 2 * sn + 4) + r21);
  store<f32>(o0 + 3 * sn, load<f32>(o0 + 3 * sn) + r30);
  store<f32>(o0 + 3 * sn + 4, load<f32>(o0 + 3 * sn + 4) + r31);
}

/**
 * out[m×n] += A·Bᵀ for row-major A [m, k] and B [n, k]: every entry a dot product of two contiguous
 * rows, so neither operand needs a transposed copy. A 4×2 tile of rows keeps eight f32x4 sums.
 */
export function dotAccumulate(a: usize, b: usize, m: i32, n: i32, k: i32, out: usize): void {
  const sk = <usize>k << 2;
  const sn = <usize>n << 2;
  const m4 = m & ~3;
  const n2 = n & ~1;
  for (let i = 0; i < m4; i += 4)
    for (let j = 0; j < n2; j += 2) {
      const b0 = b + <usize>j * sk;
      dotTile4x2(a + <usize>i * sk, sk, b0, b0 + sk, k, out + ((<usize>i * <usize>n + <usize>j) << 2), sn);
    }
  // Leftover rows of A (< 4) and of B (< 2): one dot product each.
  for (let i = 0; i < m; i++) {
    for (let j = i < m4 ? n2 : 0; j < n; j++) {
      const o = out + ((<usize>i * <usize>n + <usize>j) << 2);
      store<f32>(o, load<f32>(o) + dot(a + <usize>i * sk, b + <usize>j * sk, k));
    }
  }
}
