// BatchNormalization by batch statistics over data [outer, channels, inner], forward and backward.
// Each channel is `outer` rows of `inner` contiguous values: a row sums in f32x4 lanes, rows add up
// in f64 (a channel holds batch·H·W values, too many for one f32 sum).

@inline function rowOffset(base: usize, n: i32, channels: i32, c: i32, inner: i32): usize {
  return base + ((<usize>((n * channels + c) * inner)) << 2);
}

@inline function lanes(v: v128): f64 {
  return <f64>(f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + <f64>(f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Σ row[i] − shift. */
function rowSum(row: usize, inner: i32, shift: f32): f64 {
  const vs = f32x4.splat(shift);
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= inner; i += 4) acc = f32x4.add(acc, f32x4.sub(v128.load(row + (<usize>i << 2)), vs));
  let s = lanes(acc);
  for (; i < inner; i++) s += <f64>(load<f32>(row + (<usize>i << 2)) - shift);
  return s;
}

/** Σ (row[i] − m)². */
function rowSquares(row: usize, inner: i32, m: f32): f64 {
  const vm = f32x4.splat(m);
  let acc = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= inner; i += 4) {
    const d = f32x4.sub(v128.load(row + (<usize>i << 2)), vm);
    acc = f32x4.add(acc, f32x4.mul(d, d));
  }
  let s = lanes(acc);
  for (; i < inner; i++) {
    const d = load<f32>(row + (<usize>i << 2)) - m;
    s += <f64>(d * d);
  }
  return s;
}

/** out = k·x + b over one row. */
function rowAffine(src: usize, dst: usize, inner: i32, k: f32, b: f32): void {
  const vk = f32x4.splat(k), vb = f32x4.splat(b);
  let i = 0;
  for (; i + 4 <= inner; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.add(f32x4.mul(vk, v128.load(src + o)), vb));
  }
  for (; i < inner; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, k * load<f32>(src + o) + b);
  }
}

export function batchNormForward(x: usize, scale: usize, bias: usize, out: usize, mean: usize, variance: usize, invStd: usize, outer: i32, channels: i32, inner: i32, eps: f64): void {
  const count = <f64>outer * <f64>inner;
  for (let c = 0; c < channels; c++) {
    let s: f64 = 0;
    for (let n = 0; n < outer; n++) s += rowSum(rowOffset(x, n, channels, c, inner), inner, 0);
    const m = s / count;
    const mf = <f32>m;
    // Deviations from the f32 mean, corrected by their own mean (m − mf is below an f32 ulp of m).
    let q: f64 = 0;
    for (let n = 0; n < outer; n++) q += rowSquares(rowOffset(x, n, channels, c, inner), inner, mf);
    const shift = m - <f64>mf;
    const v = Math.max(0, q / count - shift * shift);
    const inv = 1 / Math.sqrt(v + eps);
    store<f32>(mean + (<usize>c << 2), mf);
    store<f32>(variance + (<usize>c << 2), <f32>v);
    store<f32>(invStd + (<usize>c << 2), <f32>inv);
    const k = <f64>load<f32>(scale + (<usize>c << 2)) * inv;
    const b = <f64>load<f32>(bias + (<usize>c << 2)) - k * m;
    for (let n = 0; n < outer; n++) {
      const o = (n * channels + c) * inner;
      rowAffine(x + (<usize>o << 2), out + (<usize>o << 2), inner, <f32>k, <f32>b);
    }
  }
}

/** Σ dy and Σ dy·(x − m) over one row, into the two f64 cells at `sums`. */
function rowGradSums(x: usize, dy: usize, inner: i32, m: f32, sums: usize): void {
  const vm = f32x4.splat(m);
  let ag = f32x4.splat(0), agx = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= inner; i += 4) {
    const o = <usize>i << 2;
    const g = v128.load(dy + o);
    ag = f32x4.add(ag, g);
    agx = f32x4.add(agx, f32x4.mul(g, f32x4.sub(v128.load(x + o), vm)));
  }
  let sg = lanes(ag), sgx = lanes(agx);
  for (; i < inner; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(dy + o);
    sg += <f64>g;
    sgx += <f64>(g * (load<f32>(x + o) - m));
  }
  store<f64>(sums, load<f64>(sums) + sg);
  store<f64>(sums + 8, load<f64>(sums + 8) + sgx);
}

/** dx = a·dy + b·(x − m) + c over one row. */
function rowGradInput(x: usize, dy: usize, dx: usize, inner: i32, m: f32, a: f32, b: f32, c: f32): void {
  const vm = f32x4.splat(m), va = f32x4.splat(a), vb = f32x4.splat(b), vc = f32x4.splat(c);
  let i = 0;
  for (; i + 4 <= inner; i += 4) {
    const o = <usize>i << 2;
    const d = f32x4.sub(v128.load(x + o), vm);
    v128.store(dx + o, f32x4.add(f32x4.add(f32x4.mul(va, v128.load(dy + o)), f32x4.mul(vb, d)), vc));
  }
  for (; i < inner; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, a * load<f32>(dy + o) + b * (load<f32>(x + o) - m) + c);
  }
}

/** Gradients through the batch statistics (see api.ts); `dx` 0 skips the input gradient. `sums`: 16 bytes of scratch. */
export function batchNormBackward(x: usize, dy: usize, scale: usize, mean: usize, invStd: usize, dx: usize, dScale: usize, dBias: usize, outer: i32, channels: i32, inner: i32, sums: usize): void {
  const count = <f64>outer * <f64>inner;
  for (let c = 0; c < channels; c++) {
    const m = load<f32>(mean + (<usize>c << 2));
    const inv = <f64>load<f32>(invStd + (<usize>c << 2));
    store<f64>(sums, 0);
    store<f64>(sums + 8, 0);
    for (let n = 0; n < outer; n++) {
      const o = (n * channels + c) * inner;
      rowGradSums(x + (<usize>o << 2), dy + (<usize>o << 2), inner, m, sums);
    }
    const sg = load<f64>(sums);
    const sgx = load<f64>(sums + 8) * inv;
    store<f32>(dScale + (<usize>c << 2), <f32>sgx);
    store<f32>(dBias + (<usize>c << 2), <f32>sg);
    if (dx == 0) continue;
    // dx = k·(M·dy − Σdy − (x − m)·inv·Σdy·x̂), k = scale·inv/M.
    const k = (<f64>load<f32>(scale + (<usize>c << 2)) * inv) / count;
    const a = <f32>(k * count), b = <f32>(-k * inv * sgx), cc = <f32>(-k * sg);
    for (let n = 0; n < outer; n++) {
      const o = (n * channels + c) * inner;
      rowGradInput(x + (<usize>o << 2), dy + (<usize>o << 2), dx + (<usize>o << 2), inner, m, a, b, cc);
    }
  }
}
