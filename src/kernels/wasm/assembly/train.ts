// Training kernels: convolution as im2col + GEMM (forward, data gradient, weight gradient; stride 1
// on padded planes instead, see implicit.ts), GEMM, per-channel sums and optimizer updates. Every GEMM runs on crossAccumulate's 4×8 register tile
// (out += Xᵀ·Y), so operands are laid out — transposed into scratch where needed — as X [k, m]
// and Y [k, n].
import { crossAccumulate, transpose } from './gram';
import { BATCH, D_H, D_W, GROUPS, IN_C, IN_H, IN_W, K_H, K_W, OUT_C, OUT_H, OUT_W, P_L, P_T, S_H, S_W, copyFloats, geo, setGeo, validFrom, validTo, zero } from './geometry';
import { implicitBytes, implicitFilter, implicitForward, implicitForwardFits, stride1 } from './implicit';

/** out[m×n] (+)= op(A)·op(B); scratchA holds m·k floats, scratchB k·n when a transpose is needed. */
export function gemm(a: usize, b: usize, out: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool, accumulate: bool, scratchA: usize, scratchB: usize): void {
  if (!accumulate) zero(out, m * n);
  let x = a;
  if (!transA) {
    transpose(a, m, k, scratchA);
    x = scratchA;
  }
  let y = b;
  if (transB) {
    transpose(b, n, k, scratchB);
    y = scratchB;
  }
  crossAccumulate(x, y, k, m, n, out, false);
}

/** Rows of one image's and group's im2col matrix: [Cin/g·kh·kw, outH·outW]. */
function im2col(g: usize, x: usize, image: i32, group: i32, col: usize): void {
  const inC = geo(g, IN_C), inH = geo(g, IN_H), inW = geo(g, IN_W);
  const outH = geo(g, OUT_H), outW = geo(g, OUT_W), kh = geo(g, K_H), kw = geo(g, K_W);
  const sh = geo(g, S_H), sw = geo(g, S_W), pt = geo(g, P_T), pl = geo(g, P_L), dh = geo(g, D_H), dw = geo(g, D_W);
  const cg = inC / geo(g, GROUPS);
  const p = outH * outW;
  let row = 0;
  for (let c = 0; c < cg; c++) {
    const xo = x + ((<usize>(image * inC + group * cg + c) * <usize>(inH * inW)) << 2);
    for (let ki = 0; ki < kh; ki++) {
      for (let kj = 0; kj < kw; kj++) {
        const co = col + ((<usize>row * <usize>p) << 2);
        for (let oh = 0; oh < outH; oh++) {
          const ih = oh * sh - pt + ki * dh;
          const ro = co + (<usize>(oh * outW) << 2);
          if (ih < 0 || ih >= inH) {
            zero(ro, outW);
            continue;
          }
          const xr = xo + (<usize>(ih * inW) << 2);
          const base = kj * dw - pl;
          // Columns [from, to) read inside the row; the padding either side is zeros.
          const from = validFrom(base, sw, outW);
          const to = max(from, validTo(base, sw, inW, outW));
          zero(ro, from);
          zero(ro + (<usize>to << 2), outW - to);
          if (sw == 1) {
            copyFloats(ro + (<usize>from << 2), xr + (<usize>(from + base) << 2), to - from);
            continue;
          }
          for (let ow = from; ow < to; ow++) store<f32>(ro + (<usize>ow << 2), load<f32>(xr + (<usize>(ow * sw + base) << 2)));
        }
        row++;
      }
    }
  }
}

/** Adds an im2col-shaped matrix back onto the input positions it was read from. */
function col2im(g: usize, col: usize, image: i32, group: i32, dx: usize): void {
  const inC = geo(g, IN_C), inH = geo(g, IN_H), inW = geo(g, IN_W);
  const outH = geo(g, OUT_H), outW = geo(g, OUT_W), kh = geo(g, K_H), kw = geo(g, K_W);
  const sh = geo(g, S_H), sw = geo(g, S_W), pt = geo(g, P_T), pl = geo(g, P_L), dh = geo(g, D_H), dw = geo(g, D_W);
  const cg = inC / geo(g, GROUPS);
  const p = outH * outW;
  let row = 0;
  for (let c = 0; c < cg; c++) {
    const xo = dx + ((<usize>(image * inC + group * cg + c) * <usize>(inH * inW)) << 2);
    for (let ki = 0; ki < kh; ki++) {
      for (let kj = 0; kj < kw; kj++) {
        const co = col + ((<usize>row * <usize>p) << 2);
        for (let oh = 0; oh < outH; oh++) {
          const ih = oh * sh - pt + ki * dh;
          if (ih < 0 || ih >= inH) continue;
          const xr = xo + (<usize>(ih * inW) << 2);
          const ro = co + (<usize>(oh * outW) << 2);
          const base = kj * dw - pl;
          const to = validTo(base, sw, inW, outW);
          for (let ow = validFrom(base, sw, outW); ow < to; ow++) {
            const at = xr + (<usize>(ow * sw + base) << 2);
            store<f32>(at, load<f32>(at) + load<f32>(ro + (<usize>ow << 2)));
          }
        }
        row++;
      }
    }
  }
}

const flipped = memory.data(64);

/** Bytes of `work` that conv2dForward (pass 0), conv2dBackwardData (1) or conv2dBackwardFilter (2) needs for g. */
export function conv2dScratch(g: usize, pass: i32): i32 {
  if (pass == 0) return implicitForwardFits(g) ? implicitBytes(g) : 0;
  if (pass == 2) return implicitBytes(g);
  if (!stride1(g)) return 0;
  flippedGeometry(g, flipped);
  return implicitForwardFits(flipped) ? implicitBytes(flipped) : 0;
}

/**
 * out = conv(x, w) + bias; scratch: col [K·P], wT [K·Cout/g], work [conv2dScratch(g, 0) bytes]
 * (stride 1 with ≥ 4 output channels per group runs on padded planes, see implicitForward).
 */
export function conv2dForward(g: usize, x: usize, w: usize, bias: usize, out: usize, col: usize, wT: usize, work: usize): void {
  const groups = geo(g, GROUPS), outC = geo(g, OUT_C);
  const og = outC / groups;
  const k = (geo(g, IN_C) / groups) * geo(g, K_H) * geo(g, K_W);
  const p = geo(g, OUT_H) * geo(g, OUT_W);
  const batch = geo(g, BATCH);
  if (implicitForwardFits(g)) {
    implicitForward(g, x, w, out, work);
    addBias(g, bias, out);
    return;
  }
  for (let gr = 0; gr < groups; gr++) {
    // Xᵀ = W_g: transpose once per group, reuse for every image.
    transpose(w + ((<usize>(gr * og * k)) << 2), og, k, wT + ((<usize>(gr * og * k)) << 2));
  }
  zero(out, batch * outC * p);
  for (let n = 0; n < batch; n++) {
    for (let gr = 0; gr < groups; gr++) {
      im2col(g, x, n, gr, col);
      const o = out + ((<usize>((n * outC + gr * og) * p)) << 2);
      crossAccumulate(wT + ((<usize>(gr * og * k)) << 2), col, k, og, p, o, false);
    }
  }
  addBias(g, bias, out);
}

function addBias(g: usize, bias: usize, out: usize): void {
  const outC = geo(g, OUT_C), p = geo(g, OUT_H) * geo(g, OUT_W), batch = geo(g, BATCH);
  if (bias != 0) {
    for (let n = 0; n < batch; n++) {
      for (let c = 0; c < outC; c++) {
        const b = f32x4.splat(load<f32>(bias + (<usize>c << 2)));
        const o = out + ((<usize>((n * outC + c) * p)) << 2);
        let i = 0;
        for (; i + 4 <= p; i += 4) v128.store(o + (<usize>i << 2), f32x4.add(v128.load(o + (<usize>i << 2)), b));
        for (; i < p; i++) store<f32>(o + (<usize>i << 2), load<f32>(o + (<usize>i << 2)) + f32x4.extract_lane(b, 0));
      }
    }
  }
}

/**
 * dx. With stride 1 it is a forward convolution of dy by the flipped kernel with input and output
 * channels swapped (padding d·(k − 1) − pad, output the input's size): a long reduction into a small
 * output, where W_gᵀ·dy_g then col2im reduces over few channels into a large one. Otherwise
 * col2im(W_gᵀ · dy_g). Scratch: col [max(K·P, K'·P')], g2 [16 i32], wf and wT [weight size].
 */
export function conv2dBackwardData(g: usize, dy: usize, w: usize, dx: usize, col: usize, g2: usize, wf: usize, wT: usize, work: usize): void {
  if (geo(g, S_H) == 1 && geo(g, S_W) == 1) {
    flippedGeometry(g, g2);
    flipKernel(g, w, wf);
    conv2dForward(g2, dy, wf, 0, dx, col, wT, work);
    return;
  }
  const groups = geo(g, GROUPS), outC = geo(g, OUT_C);
  const og = outC / groups;
  const k = (geo(g, IN_C) / groups) * geo(g, K_H) * geo(g, K_W);
  const p = geo(g, OUT_H) * geo(g, OUT_W);
  const batch = geo(g, BATCH);
  zero(dx, batch * geo(g, IN_C) * geo(g, IN_H) * geo(g, IN_W));
  for (let n = 0; n < batch; n++) {
    for (let gr = 0; gr < groups; gr++) {
      zero(col, k * p);
      // X = W_g [og, k] (rows og), Y = dy_g [og, p]: out [k, p] += W_gᵀ·dy_g.
      crossAccumulate(w + ((<usize>(gr * og * k)) << 2), dy + ((<usize>((n * outC + gr * og) * p)) << 2), og, k, p, col, false);
      col2im(g, col, n, gr, dx);
    }
  }
}

/** The stride-1 data gradient's convolution: from dy [outC, outH, outW] to dx [inC, inH, inW]. */
function flippedGeometry(g: usize, g2: usize): void {
  const kh = geo(g, K_H), kw = geo(g, K_W), dh = geo(g, D_H), dw = geo(g, D_W);
  setGeo(g2, BATCH, geo(g, BATCH));
  setGeo(g2, IN_C, geo(g, OUT_C));
  setGeo(g2, IN_H, geo(g, OUT_H));
  setGeo(g2, IN_W, geo(g, OUT_W));
  setGeo(g2, OUT_C, geo(g, IN_C));
  setGeo(g2, OUT_H, geo(g, IN_H));
  setGeo(g2, OUT_W, geo(g, IN_W));
  setGeo(g2, K_H, kh);
  setGeo(g2, K_W, kw);
  setGeo(g2, S_H, 1);
  setGeo(g2, S_W, 1);
  setGeo(g2, P_T, dh * (kh - 1) - geo(g, P_T));
  setGeo(g2, P_L, dw * (kw - 1) - geo(g, P_L));
  setGeo(g2, D_H, dh);
  setGeo(g2, D_W, dw);
  setGeo(g2, GROUPS, geo(g, GROUPS));
}

/** wf[gr·cg + ci, co, i, j] = w[gr·og + co, ci, kh−1−i, kw−1−j]: per group, channels swapped, kernel turned 180°. */
function flipKernel(g: usize, w: usize, wf: usize): void {
  const groups = geo(g, GROUPS), kh = geo(g, K_H), kw = geo(g, K_W);
  const og = geo(g, OUT_C) / groups, cg = geo(g, IN_C) / groups;
  const kk = kh * kw;
  for (let gr = 0; gr < groups; gr++)
    for (let co = 0; co < og; co++)
      for (let ci = 0; ci < cg; ci++) {
        const src = w + (<usize>(((gr * og + co) * cg + ci) * kk) << 2);
        const dst = wf + (<usize>(((gr * cg + ci) * og + co) * kk) << 2);
        for (let t = 0; t < kk; t++) store<f32>(dst + (<usize>(kk - 1 - t) << 2), load<f32>(src + (<usize>t << 2)));
      }
}

/** dW_g = Σ_n dy_g · im2col(x_n)ᵀ on padded planes (see implicit.ts); work [conv2dScratch(g, 2) bytes]. */
export function conv2dBackwardFilter(g: usize, x: usize, dy: usize, dw: usize, work: usize): void {
  implicitFilter(g, x, dy, dw, work);
}

/** out[c] = Σ over outer and inner of data [outer, channels, inner]. */
export function channelSums(data: usize, outer: i32, channels: i32, inner: i32, out: usize): void {
  for (let c = 0; c < channels; c++) {
    let acc = f32x4.splat(0);
    let tail: f32 = 0;
    for (let o = 0; o < outer; o++) {
      const base = data + ((<usize>((o * channels + c) * inner)) << 2);
      let i = 0;
      for (; i + 4 <= inner; i += 4) acc = f32x4.add(acc, v128.load(base + (<usize>i << 2)));
      for (; i < inner; i++) tail += load<f32>(base + (<usize>i << 2));
    }
    const s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    store<f32>(out + (<usize>c << 2), s + tail);
  }
}

/** SGD with momentum and L2 weight decay (PyTorch's formulation; see api.ts). */
export function sgdUpdate(p: usize, grad: usize, vel: usize, n: i32, lr: f32, momentum: f32, decay: f32, nesterov: bool): void {
  const vlr = f32x4.splat(lr), vm = f32x4.splat(momentum), vd = f32x4.splat(decay);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const w = v128.load(p + o);
    const gw = f32x4.add(v128.load(grad + o), f32x4.mul(vd, w));
    const v = f32x4.add(f32x4.mul(vm, v128.load(vel + o)), gw);
    v128.store(vel + o, v);
    const step = nesterov ? f32x4.add(gw, f32x4.mul(vm, v)) : v;
    v128.store(p + o, f32x4.sub(w, f32x4.mul(vlr, step)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const w = load<f32>(p + o);
    const gw = load<f32>(grad + o) + decay * w;
    const v = momentum * load<f32>(vel + o) + gw;
    store<f32>(vel + o, v);
    store<f32>(p + o, w - lr * (nesterov ? gw + momentum * v : v));
  }
}

/** AdamW (decoupled weight decay; see api.ts). c1 = 1 − β₁ᵗ, c2 = 1 − β₂ᵗ. */
export function adamwUpdate(p: usize, grad: usize, m: usize, v: usize, n: i32, lr: f32, beta1: f32, beta2: f32, eps: f32, decay: f32, c1: f32, c2: f32): void {
  const keep = f32x4.splat(<f32>1 - lr * decay);
  const b1 = f32x4.splat(beta1), b2 = f32x4.splat(beta2);
  const a1 = f32x4.splat(<f32>1 - beta1), a2 = f32x4.splat(<f32>1 - beta2);
  const vc1 = f32x4.splat(c1), vc2 = f32x4.splat(c2), veps = f32x4.splat(eps), vlr = f32x4.splat(lr);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const g = v128.load(grad + o);
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(a1, g));
    const vi = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(a2, f32x4.mul(g, g)));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const den = f32x4.add(f32x4.sqrt(f32x4.div(vi, vc2)), veps);
    const step = f32x4.div(f32x4.mul(vlr, f32x4.div(mi, vc1)), den);
    v128.store(p + o, f32x4.sub(f32x4.mul(v128.load(p + o), keep), step));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(grad + o);
    const mi = beta1 * load<f32>(m + o) + (<f32>1 - beta1) * g;
    const vi = beta2 * load<f32>(v + o) + (<f32>1 - beta2) * g * g;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(p + o, load<f32>(p + o) * (<f32>1 - lr * decay) - (lr * (mi / c1)) / (sqrt<f32>(vi / c2) + eps));
  }
}
