// Reference training kernels: convolution by im2col + GEMM, GEMM, channel sums and optimizer
// updates, generic over f32 and f64 storage so the same code is the oracle of the other backends
// and the arithmetic of the float64 gradient checks.
import type {
  AdamwUpdateArgs,
  ChannelSumsArgs,
  Conv2dBackwardDataArgs,
  Conv2dBackwardFilterArgs,
  Conv2dForwardArgs,
  Conv2dGeometry,
  Floats,
  GemmArgs,
  SgdUpdateArgs,
} from '../api';

/** A zeroed array of the same element type as `like`. */
function alloc<F extends Floats>(like: F, n: number): F {
  return (like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n)) as F;
}

export function gemm<F extends Floats>({
  a,
  b,
  out,
  m,
  n,
  k,
  transA,
  transB,
  accumulate,
}: GemmArgs<F>): void {
  if (!accumulate) out.fill(0, 0, m * n);
  if (!transB) {
    // i-p-j order: the inner loop streams a row of B into a row of out.
    for (let i = 0; i < m; i++) {
      const o = i * n;
      for (let p = 0; p < k; p++) {
        const av = transA ? a[p * m + i] : a[i * k + p];
        if (av === 0) continue;
        const bo = p * n;
        for (let j = 0; j < n; j++) out[o + j] += av * b[bo + j];
      }
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      const bo = j * k;
      if (transA) for (let p = 0; p < k; p++) s += a[p * m + i] * b[bo + p];
      else {
        const ao = i * k;
        for (let p = 0; p < k; p++) s += a[ao + p] * b[bo + p];
      }
      out[i * n + j] += s;
    }
  }
}

/** Rows of the im2col matrix of one image and group: K = (Cin/g)·kh·kw, columns P = outH·outW. */
function im2col<F extends Floats>(g: Conv2dGeometry, x: F, image: number, group: number, col: F): void {
  const cg = g.inChannels / g.groups;
  const plane = g.inHeight * g.inWidth;
  const p = g.outHeight * g.outWidth;
  let row = 0;
  for (let c = 0; c < cg; c++) {
    const xo = (image * g.inChannels + group * cg + c) * plane;
    for (let ki = 0; ki < g.kernelHeight; ki++)
      for (let kj = 0; kj < g.kernelWidth; kj++, row++) {
        const co = row * p;
        for (let oh = 0; oh < g.outHeight; oh++) {
          const ih = oh * g.strideH - g.padTop + ki * g.dilationH;
          const ro = co + oh * g.outWidth;
          if (ih < 0 || ih >= g.inHeight) {
            col.fill(0, ro, ro + g.outWidth);
            continue;
          }
          const xr = xo + ih * g.inWidth;
          for (let ow = 0; ow < g.outWidth; ow++) {
            const iw = ow * g.strideW - g.padLeft + kj * g.dilationW;
            col[ro + ow] = iw >= 0 && iw < g.inWidth ? x[xr + iw] : 0;
          }
        }
      }
  }
}

/** Adds the im2col-shaped `col` back onto the input positions it was read from. */
function col2im<F extends Floats>(g: Conv2dGeometry, col: F, image: number, group: number, dx: F): void {
  const cg = g.inChannels / g.groups;
  const plane = g.inHeight * g.inWidth;
  const p = g.outHeight * g.outWidth;
  let row = 0;
  for (let c = 0; c < cg; c++) {
    const xo = (image * g.inChannels + group * cg + c) * plane;
    for (let ki = 0; ki < g.kernelHeight; ki++)
      for (let kj = 0; kj < g.kernelWidth; kj++, row++) {
        const co = row * p;
        for (let oh = 0; oh < g.outHeight; oh++) {
          const ih = oh * g.strideH - g.padTop + ki * g.dilationH;
          if (ih < 0 || ih >= g.inHeight) continue;
          const xr = xo + ih * g.inWidth;
          const ro = co + oh * g.outWidth;
          for (let ow = 0; ow < g.outWidth; ow++) {
            const iw = ow * g.strideW - g.padLeft + kj * g.dilationW;
            if (iw >= 0 && iw < g.inWidth) dx[xr + iw] += col[ro + ow];
          }
        }
      }
  }
}

function sizes(g: Conv2dGeometry) {
  const cg = g.inChannels / g.groups;
  const og = g.outChannels / g.groups;
  const k = cg * g.kernelHeight * g.kernelWidth;
  const p = g.outHeight * g.outWidth;
  return { og, k, p };
}

export function conv2dForward<F extends Floats>(a: Conv2dForwardArgs<F>): void {
  const { og, k, p } = sizes(a);
  const col = alloc(a.x, k * p);
  for (let n = 0; n < a.batch; n++)
    for (let g = 0; g < a.groups; g++) {
      im2col(a, a.x, n, g, col);
      const o = (n * a.outChannels + g * og) * p;
      gemm({
        a: a.weight.subarray(g * og * k, (g + 1) * og * k) as F,
        b: col,
        out: a.out.subarray(o, o + og * p) as F,
        m: og,
        n: p,
        k,
        transA: false,
        transB: false,
        accumulate: false,
      });
    }
  if (a.bias)
    for (let n = 0; n < a.batch; n++)
      for (let c = 0; c < a.outChannels; c++) {
        const o = (n * a.outChannels + c) * p;
        const b = a.bias[c];
        for (let i = 0; i < p; i++) a.out[o + i] += b;
      }
}

export function conv2dBackwardData<F extends Floats>(a: Conv2dBackwardDataArgs<F>): void {
  const { og, k, p } = sizes(a);
  const col = alloc(a.dy, k * p);
  a.dx.fill(0, 0, a.batch * a.inChannels * a.inHeight * a.inWidth);
  for (let n = 0; n < a.batch; n++)
    for (let g = 0; g < a.groups; g++) {
      const o = (n * a.outChannels + g * og) * p;
      gemm({
        a: a.weight.subarray(g * og * k, (g + 1) * og * k) as F,
        b: a.dy.subarray(o, o + og * p) as F,
        out: col,
        m: k,
        n: p,
        k: og,
        transA: true,
        transB: false,
        accumulate: false,
      });
      col2im(a, col, n, g, a.dx);
    }
}

export function conv2dBackwardFilter<F extends Floats>(a: Conv2dBackwardFilterArgs<F>): void {
  const { og, k, p } = sizes(a);
  const col = alloc(a.x, k * p);
  a.dWeight.fill(0, 0, a.outChannels * k);
  for (let n = 0; n < a.batch; n++)
    for (let g = 0; g < a.groups; g++) {
      im2col(a, a.x, n, g, col);
      const o = (n * a.outChannels + g * og) * p;
      gemm({
        a: a.dy.subarray(o, o + og * p) as F,
        b: col,
        out: a.dWeight.subarray(g * og * k, (g + 1) * og * k) as F,
        m: og,
        n: k,
        k: p,
        transA: false,
        transB: true,
        accumulate: true,
      });
    }
}

export function channelSums<F extends Floats>({
  data,
  outer,
  channels,
  inner,
  out,
}: ChannelSumsArgs<F>): void {
  for (let c = 0; c < channels; c++) {
    let s = 0;
    for (let o = 0; o < outer; o++) {
      const base = (o * channels + c) * inner;
      for (let i = 0; i < inner; i++) s += data[base + i];
    }
    out[c] = s;
  }
}

export function sgdUpdate<F extends Floats>(a: SgdUpdateArgs<F>): void {
  const { param, grad, velocity, lr, momentum, weightDecay, nesterov } = a;
  for (let i = 0; i < param.length; i++) {
    const g = grad[i] + weightDecay * param[i];
    const v = momentum * velocity[i] + g;
    velocity[i] = v;
    param[i] -= lr * (nesterov ? g + momentum * v : v);
  }
}

export function adamwUpdate<F extends Floats>(a: AdamwUpdateArgs<F>): void {
  const { param, grad, m, v, lr, beta1, beta2, eps, weightDecay, step } = a;
  const c1 = 1 - beta1 ** step;
  const c2 = 1 - beta2 ** step;
  const decay = 1 - lr * weightDecay;
  for (let i = 0; i < param.length; i++) {
    const g = grad[i];
    const mi = beta1 * m[i] + (1 - beta1) * g;
    const vi = beta2 * v[i] + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] = param[i] * decay - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
  }
}
