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
