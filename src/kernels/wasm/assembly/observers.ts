// Activation observers: running min/max (per tensor, per channel) and fixed-range histograms.
// NaN never wins a comparison here (pmin/pmax keep the running value), so NaNs are ignored.

/** mm[0] = min(mm[0], data), mm[1] = max(mm[1], data). */
export function minMax(data: usize, n: i32, mm: usize): void {
  let lo = f32x4.splat(load<f32>(mm));
  let hi = f32x4.splat(load<f32>(mm, 4));
  let lo2 = lo, hi2 = hi;
  const n8 = n & ~7;
  for (let i = 0; i < n8; i += 8) {
    const p = data + (<usize>i << 2);
    const v = v128.load(p);
    const w = v128.load(p, 16);
    lo = f32x4.pmin(lo, v);
    hi = f32x4.pmax(hi, v);
    lo2 = f32x4.pmin(lo2, w);
    hi2 = f32x4.pmax(hi2, w);
  }
  lo = f32x4.pmin(lo, lo2);
  hi = f32x4.pmax(hi, hi2);
  let mn = load<f32>(mm), mx = load<f32>(mm, 4);
  mn = min4(mn, f32x4.extract_lane(lo, 0), f32x4.extract_lane(lo, 1), f32x4.extract_lane(lo, 2), f32x4.extract_lane(lo, 3));
  mx = -min4(-mx, -f32x4.extract_lane(hi, 0), -f32x4.extract_lane(hi, 1), -f32x4.extract_lane(hi, 2), -f32x4.extract_lane(hi, 3));
  for (let i = n8; i < n; i++) {
    const v = load<f32>(data + (<usize>i << 2));
    if (v < mn) mn = v;
    if (v > mx) mx = v;
  }
  store<f32>(mm, mn);
  store<f32>(mm, mx, 4);
}

/** Running min/max per channel of a tensor viewed as [outer, channels, inner]. */
export function minMaxPerChannel(data: usize, outer: i32, channels: i32, inner: i32, mins: usize, maxs: usize): void {
  if (inner >= 8) {
    for (let o = 0; o < outer; o++) {
      for (let c = 0; c < channels; c++) {
        const mm = mins + (<usize>c << 2);
        // Reuse minMax on the contiguous inner run, via a two-slot staging pair.
        store<f32>(scratch, load<f32>(mm));
        store<f32>(scratch, load<f32>(maxs + (<usize>c << 2)), 4);
        minMax(data + ((<usize>(o * channels + c) * <usize>inner) << 2), inner, scratch);
        store<f32>(mm, load<f32>(scratch));
        store<f32>(maxs + (<usize>c << 2), load<f32>(scratch, 4));
      }
    }
    return;
  }
  // Small inner extent (channels-last or [N, C]): vectorise across channels instead.
  const c4 = channels & ~3;
  for (let o = 0; o < outer; o++) {
    for (let s = 0; s < inner; s++) {
      const base = data + ((<usize>o * <usize>channels * <usize>inner + <usize>s) << 2);
      if (inner == 1) {
        for (let c = 0; c < c4; c += 4) {
          const v = v128.load(base + (<usize>c << 2));
          const pm = mins + (<usize>c << 2);
          const px = maxs + (<usize>c << 2);
          v128.store(pm, f32x4.pmin(v128.load(pm), v));
          v128.store(px, f32x4.pmax(v128.load(px), v));
        }
      }
      for (let c = inner == 1 ? c4 : 0; c < channels; c++) {
        const v = load<f32>(base + ((<usize>c * <usize>inner) << 2));
        const pm = mins + (<usize>c << 2);
        const px = maxs + (<usize>c << 2);
        if (v < load<f32>(pm)) store<f32>(pm, v);
        if (v > load<f32>(px)) store<f32>(px, v);
      }
    }
  }
}

/** Smallest of m and the lanes; a NaN lane never wins (lanes only replace m when smaller). */
@inline function min4(m: f32, a: f32, b: f32, c: f32, d: f32): f32 {
  if (a < m) m = a;
  if (b < m) m = b;
  if (c < m) m = c;
  if (d < m) m = d;
  return m;
}

const scratch: usize = memory.data(8, 16);

/**
 * counts[b] += #{v : b = clamp(floor((v − lo)·(bins/(hi − lo))), 0, bins − 1)}, in f32 arithmetic
 * so every backend bins identically; |v| is binned when `absolute`. Out-of-range values land in
 * the edge bins; NaNs are skipped.
 */
export function histogram(data: usize, n: i32, lo: f32, hi: f32, bins: i32, counts: usize, absolute: bool): void {
  const scale: f32 = <f32>bins / (hi - lo);
  const vlo = f32x4.splat(lo);
  const vscale = f32x4.splat(scale);
  const top = i32x4.splat(bins - 1);
  const zero = i32x4.splat(0);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    let v = v128.load(data + (<usize>i << 2));
    if (absolute) v = f32x4.abs(v);
    const t = f32x4.floor(f32x4.mul(f32x4.sub(v, vlo), vscale));
    const idx = i32x4.max_s(i32x4.min_s(i32x4.trunc_sat_f32x4_s(t), top), zero);
    const ok = i32x4.bitmask(f32x4.eq(v, v));
    if (ok & 1) bump(counts, i32x4.extract_lane(idx, 0));
    if (ok & 2) bump(counts, i32x4.extract_lane(idx, 1));
    if (ok & 4) bump(counts, i32x4.extract_lane(idx, 2));
    if (ok & 8) bump(counts, i32x4.extract_lane(idx, 3));
  }
  for (let i = n4; i < n; i++) {
    let v = load<f32>(data + (<usize>i << 2));
    if (absolute) v = abs<f32>(v);
    if (v != v) continue;
    const t = floor<f32>((v - lo) * scale);
    const b = t >= <f32>(bins - 1) ? bins - 1 : t <= 0 ? 0 : <i32>t;
    bump(counts, b);
  }
}

@inline function bump(counts: usize, b: i32): void {
  const p = counts + (<usize>b << 2);
  store<u32>(p, load<u32>(p) + 1);
}
