// Piecewise-linear activations and their gradients (see api.ts's Activation): kind 0 relu,
// 1 leakyRelu (slope `a` below 0), 2 clip to [a, b]. Lane masks choose, so no branch per value.

export function activationForward(kind: i32, x: usize, out: usize, n: i32, a: f32, b: f32): void {
  const zero = f32x4.splat(0), va = f32x4.splat(a), vb = f32x4.splat(b);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    let y: v128;
    if (kind == 0) y = v128.and(v, f32x4.gt(v, zero));
    else if (kind == 1) y = v128.bitselect(v, f32x4.mul(va, v), f32x4.ge(v, zero));
    else y = f32x4.pmin(vb, f32x4.pmax(va, v));
    v128.store(out + o, y);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    let y: f32;
    if (kind == 0) y = v > 0 ? v : 0;
    else if (kind == 1) y = v >= 0 ? v : a * v;
    else y = v < a ? a : v > b ? b : v;
    store<f32>(out + o, y);
  }
}

export function activationBackward(kind: i32, x: usize, dy: usize, dx: usize, n: i32, a: f32, b: f32): void {
  const zero = f32x4.splat(0), va = f32x4.splat(a), vb = f32x4.splat(b);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    const g = v128.load(dy + o);
    let d: v128;
    if (kind == 0) d = v128.and(g, f32x4.gt(v, zero));
    else if (kind == 1) d = v128.bitselect(g, f32x4.mul(va, g), f32x4.ge(v, zero));
    else d = v128.and(g, v128.and(f32x4.ge(v, va), f32x4.le(v, vb)));
    v128.store(dx + o, d);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    const g = load<f32>(dy + o);
    let d: f32;
    if (kind == 0) d = v > 0 ? g : 0;
    else if (kind == 1) d = v >= 0 ? g : a * g;
    else d = v >= a && v <= b ? g : 0;
    store<f32>(dx + o, d);
  }
}
