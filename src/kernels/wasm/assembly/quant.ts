// Symmetric int8 weight quantisation over a [C, K] row-major view (one row per output channel;
// per-tensor quantisation is the C = 1 case): scale search, rounding (half to even) and dequantisation.

@inline function absMax(row: usize, k: i32): f32 {
  const k8 = k & ~7;
  let m0 = f32x4.splat(0), m1 = f32x4.splat(0);
  for (let i = 0; i < k8; i += 8) {
    const p = row + (<usize>i << 2);
    m0 = f32x4.pmax(m0, f32x4.abs(v128.load(p)));
    m1 = f32x4.pmax(m1, f32x4.abs(v128.load(p, 16)));
  }
  const m = f32x4.pmax(m0, m1);
  let r = max<f32>(max<f32>(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max<f32>(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
  for (let i = k8; i < k; i++) r = max<f32>(r, abs<f32>(load<f32>(row + (<usize>i << 2))));
  return r;
}

/** Squared error Σ (w − clamp(rne(w/s), qmin, qmax)·s)² over one row. */
@inline function roundTripError(row: usize, k: i32, s: f32, qmin: f32, qmax: f32): f64 {
  const k4 = k & ~3;
  const vs = f32x4.splat(s);
  const vmin = f32x4.splat(qmin);
  const vmax = f32x4.splat(qmax);
  let a0 = f32x4.splat(0);
  for (let i = 0; i < k4; i += 4) {
    const w = v128.load(row + (<usize>i << 2));
    const q = f32x4.pmin(f32x4.pmax(f32x4.nearest(f32x4.div(w, vs)), vmin), vmax);
    const e = f32x4.sub(w, f32x4.mul(q, vs));
    a0 = f32x4.add(a0, f32x4.mul(e, e));
  }
  let t: f64 =
    <f64>f32x4.extract_lane(a0, 0) + <f64>f32x4.extract_lane(a0, 1) + <f64>f32x4.extract_lane(a0, 2) + <f64>f32x4.extract_lane(a0, 3);
  for (let i = k4; i < k; i++) {
    const w = load<f32>(row + (<usize>i << 2));
    const e = w - min<f32>(max<f32>(nearest<f32>(w / s), qmin), qmax) * s;
    t += <f64>(e * e);
  }
  return t;
}

/**
 * scales[c] for each row: absmax/qmax when steps ≤ 1; otherwise the clipping ratio
 * r_j = 1 − j·(1 − minRatio)/(steps − 1) minimising the round-trip squared error. All-zero rows get 1.
 */
export function scaleSearch(w: usize, c: i32, k: i32, qmin: f32, qmax: f32, steps: i32, minRatio: f64, scales: usize): void {
  for (let ch = 0; ch < c; ch++) {
    const row = w + ((<usize>ch * <usize>k) << 2);
    const a = absMax(row, k);
    let best: f32 = a > 0 ? a / qmax : 1;
    if (a > 0 && steps > 1) {
      let bestErr = Infinity;
      for (let j = 0; j < steps; j++) {
        const t = <f32>(<f64>a * (1 - (<f64>j * (1 - minRatio)) / <f64>(steps - 1)));
        const s: f32 = t / qmax;
        if (!(s > 0)) continue;
        const e = roundTripError(row, k, s, qmin, qmax);
        if (e < bestErr) {
          bestErr = e;
          best = s;
        }
      }
    }
    store<f32>(scales + (<usize>ch << 2), best);
  }
}

/** q = clamp(rne(w / scale_c), qmin, qmax) as int8, sixteen at a time. */
export function quantize(w: usize, c: i32, k: i32, scales: usize, qmin: i32, qmax: i32, out: usize): void {
  const k16 = k & ~15;
  const vmin = i32x4.splat(qmin);
  const vmax = i32x4.splat(qmax);
  for (let ch = 0; ch < c; ch++) {
    const row = w + ((<usize>ch * <usize>k) << 2);
    const orow = out + <usize>ch * <usize>k;
    const s = load<f32>(scales + (<usize>ch << 2));
    const vs = f32x4.splat(s);
    for (let i = 0; i < k16; i += 16) {
      const p = row + (<usize>i << 2);
      const q0 = i32x4.max_s(i32x4.min_s(i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.div(v128.load(p), vs))), vmax), vmin);
      const q1 = i32x4.max_s(i32x4.min_s(i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.div(v128.load(p, 16), vs))), vmax), vmin);
      const q2 = i32x4.max_s(i32x4.min_s(i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.div(v128.load(p, 32), vs))), vmax), vmin);
      const q3 = i32x4.max_s(i32x4.min_s(i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.div(v128.load(p, 48), vs))), vmax), vmin);
      v128.store(orow + <usize>i, i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(q0, q1), i16x8.narrow_i32x4_s(q2, q3)));
    }
    for (let i = k16; i < k; i++) {
      const v = <i32>nearest<f32>(load<f32>(row + (<usize>i << 2)) / s);
      store<i8>(orow + <usize>i, <i8>min<i32>(max<i32>(v, qmin), qmax));
    }
  }
}

/** w = q · scale_c. */
export function dequantize(q: usize, c: i32, k: i32, scales: usize, out: usize): void {
  const k8 = k & ~7;
  for (let ch = 0; ch < c; ch++) {
    const qrow = q + <usize>ch * <usize>k;
    const orow = out + ((<usize>ch * <usize>k) << 2);
    const s = load<f32>(scales + (<usize>ch << 2));
    const vs = f32x4.splat(s);
    for (let i = 0; i < k8; i += 8) {
      const v = i16x8.extend_low_i8x16_s(v128.load64_zero(qrow + <usize>i));
      const lo = f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(v));
      const hi = f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(v));
      const o = orow + (<usize>i << 2);
      v128.store(o, f32x4.mul(lo, vs));
      v128.store(o, f32x4.mul(hi, vs), 16);
    }
    for (let i = k8; i < k; i++) store<f32>(orow + (<usize>i << 2), <f32>load<i8>(qrow + <usize>i) * s);
  }
}
