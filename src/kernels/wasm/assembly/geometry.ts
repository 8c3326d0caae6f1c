// A convolution's geometry block: 16 i32s written by the JS side, in this order.
export const BATCH = 0, IN_C = 1, IN_H = 2, IN_W = 3, OUT_C = 4, OUT_H = 5, OUT_W = 6, K_H = 7, K_W = 8;
export const S_H = 9, S_W = 10, P_T = 11, P_L = 12, D_H = 13, D_W = 14, GROUPS = 15;

@inline export function geo(g: usize, i: i32): i32 {
  return load<i32>(g + (<usize>i << 2));
}

@inline export function setGeo(g: usize, i: i32, v: i32): void {
  store<i32>(g + (<usize>i << 2), v);
}

export function zero(p: usize, n: i32): void {
  memory.fill(p, 0, <usize>n << 2);
}

/** The first output column whose input column ow·stride + base is ≥ 0 (at most outW). */
@inline export function validFrom(base: i32, stride: i32, outW: i32): i32 {
  return base >= 0 ? 0 : min(outW, (stride - 1 - base) / stride);
}

/** One past the last output column whose input column ow·stride + base is < inW (at least 0). */
@inline export function validTo(base: i32, stride: i32, inW: i32, outW: i32): i32 {
  const span = inW - base;
  return span <= 0 ? 0 : min(outW, (span + stride - 1) / stride);
}

/** dst[0..n) = src[0..n) for short, disjoint runs: inline, where memory.copy is a call each. */
@inline export function copyFloats(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}
