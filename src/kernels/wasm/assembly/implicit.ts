// Convolution without an im2col matrix. An image's input channels are copied once into
// zero-padded planes, split by stride phase: plane (c, a, b) holds padded input rows y·sh + a and
// columns x·sw + b, hq × wq of them (hq = outH + ⌊(kh−1)·dh / sh⌋, wq likewise). Im2col row
// (c, i, j) is then plane (c, i·dh mod sh, j·dw mod sw) itself from offset ⌊i·dh / sh⌋·wq +
// ⌊j·dw / sw⌋, read over outH·wq columns — output (oh, ow) at column oh·wq + ow; the columns with
// ow ≥ outW are garbage, dropped from the output (forward) or met by zeros (filter gradient).
// Building im2col cost as much as the GEMM on narrow pruned layers. Rows of Y sit at offsets, not a
// stride, so the GEMM tiles here take a table of row offsets; register tiles as in gram.ts (4×8
// for Xᵀ·Y, 4×2 dot products for A·Bᵀ).
import { dot, dotTile4x2 } from './gram';
import { BATCH, D_H, D_W, GROUPS, IN_C, IN_H, IN_W, K_H, K_W, OUT_C, OUT_H, OUT_W, P_L, P_T, S_H, S_W, copyFloats, geo, validFrom, validTo, zero } from './geometry';

@inline export function stride1(g: usize): bool {
  return geo(g, S_H) == 1 && geo(g, S_W) == 1;
}

/** The forward wants whole 4-row tiles: below 4 output channels per group, padding wastes too much. */
@inline export function implicitForwardFits(g: usize): bool {
  return geo(g, OUT_C) / geo(g, GROUPS) >= 4;
}

@inline function roundUp(n: i32, m: i32): i32 {
  return (n + m - 1) / m * m;
}

@inline function planeHeight(g: usize): i32 {
  return geo(g, OUT_H) + (geo(g, K_H) - 1) * geo(g, D_H) / geo(g, S_H);
}
@inline function planeWidth(g: usize): i32 {
  return geo(g, OUT_W) + (geo(g, K_W) - 1) * geo(g, D_W) / geo(g, S_W);
}
/** Floats of one input channel's planes, all phases. */
@inline function channelFloats(g: usize): i32 {
  return geo(g, S_H) * geo(g, S_W) * planeHeight(g) * planeWidth(g);
}
/** GEMM columns: outH·wq rounded up to whole 8-column tiles. */
@inline function columns(g: usize): i32 {
  return roundUp(geo(g, OUT_H) * planeWidth(g), 8);
}

/** Bytes of `work` the implicit forward or filter gradient of geometry g needs. */
export function implicitBytes(g: usize): i32 {
  const groups = geo(g, GROUPS);
  const cg = geo(g, IN_C) / groups, og = geo(g, OUT_C) / groups;
  const k = cg * geo(g, K_H) * geo(g, K_W);
  const n8 = columns(g);
  const og4 = roundUp(og, 4);
  const floats = cg * channelFloats(g) + n8 + k + groups * k * og4 + og4 * n8;
  return (floats << 2) + 64;
}

/** Layout of `work`: planes [cg·channelFloats + n8], offsets [K i32], then the caller's buffers. */
@inline function offsetsAt(g: usize, work: usize): usize {
  const cg = geo(g, IN_C) / geo(g, GROUPS);
  return work + (<usize>(cg * channelFloats(g) + columns(g)) << 2);
}

/** Byte offset of im2col row (c, i, j) in the planes, for every row. */
function rowOffsets(g: usize, offs: usize): void {
  const cg = geo(g, IN_C) / geo(g, GROUPS), kh = geo(g, K_H), kw = geo(g, K_W);
  const hq = planeHeight(g), wq = planeWidth(g), dh = geo(g, D_H), dw = geo(g, D_W);
  const sh = geo(g, S_H), sw = geo(g, S_W);
  let r = 0;
  for (let c = 0; c < cg; c++)
    for (let i = 0; i < kh; i++)
      for (let j = 0; j < kw; j++, r++) {
        const plane = (c * sh + (i * dh) % sh) * sw + (j * dw) % sw;
        store<i32>(offs + (<usize>r << 2), (plane * hq * wq + ((i * dh) / sh) * wq + (j * dw) / sw) << 2);
      }
}

/** Zeros the planes and the tail past them: the padding, which padPlanes never writes. */
function zeroPlanes(g: usize, planes: usize): void {
  zero(planes, (geo(g, IN_C) / geo(g, GROUPS)) * channelFloats(g) + columns(g));
}

/** Copies one image's and group's input channels into the inside of planes zeroed by zeroPlanes. */
function padPlanes(g: usize, x: usize, image: i32, group: i32, planes: usize): void {
  const inC = geo(g, IN_C), inH = geo(g, IN_H), inW = geo(g, IN_W), pt = geo(g, P_T), pl = geo(g, P_L);
  const sh = geo(g, S_H), sw = geo(g, S_W);
  const cg = inC / geo(g, GROUPS);
  const hq = planeHeight(g), wq = planeWidth(g);
  let row = planes;
  for (let c = 0; c < cg; c++) {
    const src = x + ((<usize>(image * inC + group * cg + c) * <usize>(inH * inW)) << 2);
    for (let a = 0; a < sh; a++) {
      for (let b = 0; b < sw; b++) {
        // Plane columns [from, to) hold input columns x·sw + b − pl; the rest is padding.
        const base = b - pl;
        const from = validFrom(base, sw, wq);
        const to = max(from, validTo(base, sw, inW, wq));
        for (let y = 0; y < hq; y++, row += <usize>wq << 2) {
          const iy = y * sh + a - pt;
          if (iy < 0 || iy >= inH) continue;
          const xr = src + (<usize>(iy * inW + base) << 2);
          if (sw == 1) copyFloats(row + (<usize>from << 2), xr + (<usize>from << 2), to - from);
          else for (let q = from; q < to; q++) store<f32>(row + (<usize>q << 2), load<f32>(xr + (<usize>(q * sw) << 2)));
        }
      }
    }
  }
}

/** Bytes of X one block of output rows may read: the block stays in L1 while Y's strips pass. */
const X_BLOCK_BYTES: i32 = 16384;

/**
 * out[m4×n8] = Xᵀ·Y for X [k, m4] row-major and Y's row r starting at y + offs[r] (bytes);
 * m4 a multiple of 4, n8 of 8. Rows go in blocks whose share of X fits L1; within a block each
 * 8-column strip of Y stays in L1 while the block's tiles pass.
 */
export function crossRows(x: usize, y: usize, offs: usize, k: i32, m4: i32, n8: i32, out: usize): void {
  const sx = <usize>m4 << 2;
  const so = <usize>n8 << 2;
  const block = max(4, (X_BLOCK_BYTES / (k << 4)) << 2);
  for (let i0 = 0; i0 < m4; i0 += block) {
  const i1 = min(m4, i0 + block);
  for (let j = 0; j < n8; j += 8) {
    const yj = y + (<usize>j << 2);
    for (let i = i0; i < i1; i += 4) {
      let a0 = f32x4.splat(0), b0 = f32x4.splat(0);
      let a1 = f32x4.splat(0), b1 = f32x4.splat(0);
      let a2 = f32x4.splat(0), b2 = f32x4.splat(0);
      let a3 = f32x4.splat(0), b3 = f32x4.splat(0);
      let px = x + (<usize>i << 2);
      for (let r = 0; r < k; r++) {
        const py = yj + <usize>load<i32>(offs + (<usize>r << 2));
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
      }
      let o = out + ((<usize>i * <usize>n8 + <usize>j) << 2);
      v128.store(o, a0);
      v128.store(o, b0, 16);
      o += so;
      v128.store(o, a1);
      v128.store(o, b1, 16);
      o += so;
      v128.store(o, a2);
      v128.store(o, b2, 16);
      o += so;
      v128.store(o, a3);
      v128.store(o, b3, 16);
    }
  }
  }
}

/**
 * out[m×n] += A·Bᵀ for A [m, k] row-major and B's row j starting at b + offs[j] (bytes), k a
 * multiple of 4: every entry a dot product of two contiguous rows (gram.ts's 4×2 tiles).
 */
export function dotRows(a: usize, b: usize, offs: usize, m: i32, n: i32, k: i32, out: usize): void {
  const sk = <usize>k << 2;
  const sn = <usize>n << 2;
  const m4 = m & ~3;
  const n2 = n & ~1;
  for (let i = 0; i < m4; i += 4)
    for (let j = 0; j < n2; j += 2) {
      const b0 = b + <usize>load<i32>(offs + (<usize>j << 2));
      const b1 = b + <usize>load<i32>(offs + (<usize>j << 2), 4);
      dotTile4x2(a + <usize>i * sk, sk, b0, b1, k, out + ((<usize>i * <usize>n + <usize>j) << 2), sn);
    }
  // Leftover rows of A (< 4) and of B (< 2): one dot product each.
  for (let i = 0; i < m; i++) {
    for (let j = i < m4 ? n2 : 0; j < n; j++) {
      const o = out + ((<usize>i * <usize>n + <usize>j) << 2);
      store<f32>(o, load<f32>(o) + dot(a + <usize>i * sk, b + <usize>load<i32>(offs + (<usize>j << 2)), k));
    }
  }
}

/** out = conv(x, w) (no bias); see implicitBytes for `work`. */
export function implicitForward(g: usize, x: usize, w: usize, out: usize, work: usize): void {
  const groups = geo(g, GROUPS), outC = geo(g, OUT_C), batch = geo(g, BATCH);
  const og = outC / groups;
  const k = (geo(g, IN_C) / groups) * geo(g, K_H) * geo(g, K_W);
  const outH = geo(g, OUT_H), outW = geo(g, OUT_W), p = outH * outW;
  const wq = planeWidth(g), n8 = columns(g), og4 = roundUp(og, 4);
  const offs = offsetsAt(g, work);
  const wT = offs + (<usize>k << 2);
  const tile = wT + (<usize>(groups * k * og4) << 2);
  rowOffsets(g, offs);
  zeroPlanes(g, work);
  // X = W_gᵀ [k, og4], zero columns past og.
  for (let gr = 0; gr < groups; gr++) {
    const t = wT + (<usize>(gr * k * og4) << 2);
    for (let r = 0; r < k; r++)
      for (let o = 0; o < og4; o++)
        store<f32>(t + (<usize>(r * og4 + o) << 2), o < og ? load<f32>(w + (<usize>((gr * og + o) * k + r) << 2)) : 0);
  }
  for (let n = 0; n < batch; n++) {
    for (let gr = 0; gr < groups; gr++) {
      padPlanes(g, x, n, gr, work);
      crossRows(wT + (<usize>(gr * k * og4) << 2), work, offs, k, og4, n8, tile);
      for (let o = 0; o < og; o++) {
        const dst = out + (<usize>((n * outC + gr * og + o) * p) << 2);
        const src = tile + (<usize>(o * n8) << 2);
        for (let oh = 0; oh < outH; oh++) copyFloats(dst + (<usize>(oh * outW) << 2), src + (<usize>(oh * wq) << 2), outW);
      }
    }
  }
}

/**
 * dW = Σ_n dy_n · im2col(x_n)ᵀ; see implicitBytes for `work`. With ≥ 4 output channels per group,
 * dy may get zero rows up to a multiple of 4, so the real rows run in dotRows' 4-row tiles.
 */
export function implicitFilter(g: usize, x: usize, dy: usize, dw: usize, work: usize): void {
  const groups = geo(g, GROUPS), outC = geo(g, OUT_C), batch = geo(g, BATCH);
  const og = outC / groups;
  // One leftover row runs about as fast alone as padded (measured); two or three do not.
  const og4 = og >= 4 && (og & 3) >= 2 ? roundUp(og, 4) : og;
  const k = (geo(g, IN_C) / groups) * geo(g, K_H) * geo(g, K_W);
  const outH = geo(g, OUT_H), outW = geo(g, OUT_W), p = outH * outW;
  const wq = planeWidth(g), n8 = columns(g);
  const offs = offsetsAt(g, work);
  // dW with og4 rows per group, then dy laid out on the planes' columns (zeros in the garbage ones).
  const acc = offs + (<usize>k << 2);
  const dyp = acc + (<usize>(groups * og4 * k) << 2);
  rowOffsets(g, offs);
  zeroPlanes(g, work);
  zero(acc, groups * og4 * k);
  zero(dyp, og4 * n8);
  for (let n = 0; n < batch; n++) {
    for (let gr = 0; gr < groups; gr++) {
      padPlanes(g, x, n, gr, work);
      for (let o = 0; o < og; o++) {
        const src = dy + (<usize>((n * outC + gr * og + o) * p) << 2);
        const dst = dyp + (<usize>(o * n8) << 2);
        for (let oh = 0; oh < outH; oh++) copyFloats(dst + (<usize>(oh * wq) << 2), src + (<usize>(oh * outW) << 2), outW);
      }
      dotRows(dyp, work, offs, og4, k, n8, acc + (<usize>(gr * og4 * k) << 2));
    }
  }
  for (let gr = 0; gr < groups; gr++)
    for (let o = 0; o < og; o++)
      copyFloats(dw + (<usize>((gr * og + o) * k) << 2), acc + (<usize>((gr * og4 + o) * k) << 2), k);
}
