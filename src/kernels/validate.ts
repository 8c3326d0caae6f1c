// Shape checks shared by every backend, run before any memory is touched.
import { check } from './api';
import type {
  CrossArgs,
  PatchRowsArgs,
  DequantizeArgs,
  DistanceSumsArgs,
  FilterNormsArgs,
  GramArgs,
  HistogramArgs,
  MinMaxPerChannelArgs,
  MseRangeArgs,
  QuantizeArgs,
  RidgeArgs,
  ScaleSearchArgs,
  EntropyArgs,
  ActivationBackwardArgs,
  ActivationForwardArgs,
  AdamwUpdateArgs,
  BatchNormBackwardArgs,
  BatchNormForwardArgs,
  ChannelSumsArgs,
  Conv2dBackwardDataArgs,
  Conv2dBackwardFilterArgs,
  Conv2dForwardArgs,
  Conv2dGeometry,
  GemmArgs,
  SgdUpdateArgs,
} from './api';

const whole = (n: number): boolean => Number.isInteger(n) && n >= 0;

export function filterMatrix(a: FilterNormsArgs | DistanceSumsArgs): void {
  check(whole(a.filters) && whole(a.size), 'filters and size must be non-negative integers');
  check(a.weights.length >= a.filters * a.size, `weights hold ${a.weights.length} < ${a.filters}×${a.size}`);
  check(a.out.length >= a.filters, `out needs ${a.filters} entries`);
}

export function gram(a: GramArgs): void {
  check(whole(a.rows) && whole(a.cols), 'rows and cols must be non-negative integers');
  check(a.x.length >= a.rows * a.cols, `x holds ${a.x.length} < ${a.rows}×${a.cols}`);
  check(a.out.length >= a.cols * a.cols, `out needs ${a.cols}×${a.cols}`);
}

export function cross(a: CrossArgs): void {
  check(whole(a.rows) && whole(a.xCols) && whole(a.yCols), 'rows and columns must be non-negative integers');
  check(a.x.length >= a.rows * a.xCols, `x holds ${a.x.length} < ${a.rows}×${a.xCols}`);
  check(a.y.length >= a.rows * a.yCols, `y holds ${a.y.length} < ${a.rows}×${a.yCols}`);
  check(a.out.length >= a.xCols * a.yCols, `out needs ${a.xCols}×${a.yCols}`);
}

export function ridge(a: RidgeArgs): void {
  check(whole(a.size) && whole(a.cols), 'size and cols must be non-negative integers');
  check(a.gram.length >= a.size * a.size, `gram needs ${a.size}×${a.size}`);
  check(
    a.rhs.length >= a.size * a.cols && a.out.length >= a.size * a.cols,
    `rhs and out need ${a.size}×${a.cols}`,
  );
  check(a.lambda >= 0, 'lambda must be ≥ 0');
}

/** [outer, channels, inner] view of `shape` around `axis`. */
export function channelView(a: MinMaxPerChannelArgs): [number, number, number] {
  check(
    Number.isInteger(a.axis) && a.axis >= 0 && a.axis < a.shape.length,
    `axis ${a.axis} outside rank ${a.shape.length}`,
  );
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < a.axis; i++) outer *= a.shape[i];
  for (let i = a.axis + 1; i < a.shape.length; i++) inner *= a.shape[i];
  const channels = a.shape[a.axis];
  check(a.data.length >= outer * channels * inner, 'data smaller than its shape');
  check(a.mins.length >= channels && a.maxs.length >= channels, `mins/maxs need ${channels} entries`);
  return [outer, channels, inner];
}

export function histogram(a: HistogramArgs): void {
  check(a.counts.length > 0, 'counts must have at least one bin');
  check(a.hi > a.lo, 'hi must exceed lo');
}

export function entropy(a: EntropyArgs): void {
  const bins = a.counts.length;
  check(a.levels >= 1 && a.start >= a.levels && a.start <= bins, 'need levels ≤ start ≤ bins');
  check(a.hi > 0, 'hi must be positive');
  check(!a.divergences || a.divergences.length >= bins - a.start + 1, 'divergences too short');
}

export function mse(a: MseRangeArgs): void {
  check(a.counts.length > 0 && a.hi > a.lo, 'need bins and hi > lo');
  check(a.candidates >= 1 && a.qmax >= 1, 'need candidates ≥ 1 and qmax ≥ 1');
  check(!a.errors || a.errors.length >= a.candidates, 'errors too short');
}

export function scaleSearch(a: ScaleSearchArgs): void {
  check(a.weights.length >= a.channels * a.size, 'weights smaller than channels×size');
  check(a.scales.length >= a.channels, `scales need ${a.channels} entries`);
  check(a.steps <= 1 || (a.minRatio > 0 && a.minRatio <= 1), 'minRatio must lie in (0, 1]');
}

export function quantize(a: QuantizeArgs): void {
  check(
    a.weights.length >= a.channels * a.size && a.out.length >= a.channels * a.size,
    'weights/out smaller than channels×size',
  );
  check(a.scales.length >= a.channels, `scales need ${a.channels} entries`);
}

export function dequantize(a: DequantizeArgs): void {
  check(
    a.q.length >= a.channels * a.size && a.out.length >= a.channels * a.size,
    'q/out smaller than channels×size',
  );
  check(a.scales.length >= a.channels, `scales need ${a.channels} entries`);
}

// ---- training kernels ------------------------------------------------------------------------

export function convGeometry(g: Conv2dGeometry): void {
  const dims = [g.batch, g.inChannels, g.inHeight, g.inWidth, g.outChannels, g.outHeight, g.outWidth];
  check(dims.every(whole), 'convolution sizes must be non-negative integers');
  check(
    [g.kernelHeight, g.kernelWidth, g.strideH, g.strideW, g.dilationH, g.dilationW, g.groups].every(
      (v) => Number.isInteger(v) && v >= 1,
    ),
    'kernel, stride, dilation and groups must be positive integers',
  );
  check(
    g.inChannels % g.groups === 0 && g.outChannels % g.groups === 0,
    `groups ${g.groups} must divide ${g.inChannels} input and ${g.outChannels} output channels`,
  );
}

const inputSize = (g: Conv2dGeometry) => g.batch * g.inChannels * g.inHeight * g.inWidth;
const outputSize = (g: Conv2dGeometry) => g.batch * g.outChannels * g.outHeight * g.outWidth;
const weightSize = (g: Conv2dGeometry) =>
  ((g.outChannels * g.inChannels) / g.groups) * g.kernelHeight * g.kernelWidth;

export function convForward(a: Conv2dForwardArgs): void {
  convGeometry(a);
  check(a.x.length >= inputSize(a), `x holds ${a.x.length} < ${inputSize(a)}`);
  check(a.weight.length >= weightSize(a), `weight holds ${a.weight.length} < ${weightSize(a)}`);
  check(!a.bias || a.bias.length >= a.outChannels, `bias needs ${a.outChannels} entries`);
  check(a.out.length >= outputSize(a), `out needs ${outputSize(a)} entries`);
}

export function convBackwardData(a: Conv2dBackwardDataArgs): void {
  convGeometry(a);
  check(a.dy.length >= outputSize(a), `dy holds ${a.dy.length} < ${outputSize(a)}`);
  check(a.weight.length >= weightSize(a), `weight holds ${a.weight.length} < ${weightSize(a)}`);
  check(a.dx.length >= inputSize(a), `dx needs ${inputSize(a)} entries`);
}

export function convBackwardFilter(a: Conv2dBackwardFilterArgs): void {
  convGeometry(a);
  check(a.x.length >= inputSize(a), `x holds ${a.x.length} < ${inputSize(a)}`);
  check(a.dy.length >= outputSize(a), `dy holds ${a.dy.length} < ${outputSize(a)}`);
  check(a.dWeight.length >= weightSize(a), `dWeight needs ${weightSize(a)} entries`);
}

export function gemm(a: GemmArgs): void {
  check(whole(a.m) && whole(a.n) && whole(a.k), 'm, n and k must be non-negative integers');
  check(a.a.length >= a.m * a.k, `a holds ${a.a.length} < ${a.m}×${a.k}`);
  check(a.b.length >= a.k * a.n, `b holds ${a.b.length} < ${a.k}×${a.n}`);
  check(a.out.length >= a.m * a.n, `out needs ${a.m}×${a.n}`);
}

export function channelSums(a: ChannelSumsArgs): void {
  check(whole(a.outer) && whole(a.channels) && whole(a.inner), 'sizes must be non-negative integers');
  check(a.data.length >= a.outer * a.channels * a.inner, 'data smaller than outer×channels×inner');
  check(a.out.length >= a.channels, `out needs ${a.channels} entries`);
}

export function sgd(a: SgdUpdateArgs): void {
  check(
    a.grad.length >= a.param.length && a.velocity.length >= a.param.length,
    'grad and velocity must cover param',
  );
}

export function adamw(a: AdamwUpdateArgs): void {
  check(
    a.grad.length >= a.param.length && a.m.length >= a.param.length && a.v.length >= a.param.length,
    'grad, m and v must cover param',
  );
  check(Number.isInteger(a.step) && a.step >= 1, 'step counts from 1');
}

function channelLayout(a: { outer: number; channels: number; inner: number }): number {
  check(whole(a.outer) && whole(a.channels) && whole(a.inner), 'sizes must be non-negative integers');
  return a.outer * a.channels * a.inner;
}

export function batchNormForward(a: BatchNormForwardArgs): void {
  const n = channelLayout(a);
  check(a.x.length >= n && a.out.length >= n, 'x and out must hold outer×channels×inner');
  for (const [name, t] of Object.entries({
    scale: a.scale,
    bias: a.bias,
    mean: a.mean,
    variance: a.variance,
    invStd: a.invStd,
  }))
    check(t.length >= a.channels, `${name} needs ${a.channels} entries`);
  check(a.eps >= 0, 'eps must be ≥ 0');
}

export function batchNormBackward(a: BatchNormBackwardArgs): void {
  const n = channelLayout(a);
  check(a.x.length >= n && a.dy.length >= n, 'x and dy must hold outer×channels×inner');
  check(!a.dx || a.dx.length >= n, 'dx must hold outer×channels×inner');
  for (const [name, t] of Object.entries({
    scale: a.scale,
    mean: a.mean,
    invStd: a.invStd,
    dScale: a.dScale,
    dBias: a.dBias,
  }))
    check(t.length >= a.channels, `${name} needs ${a.channels} entries`);
}

export function activationForward(a: ActivationForwardArgs): void {
  check(a.out.length >= a.x.length, `out needs ${a.x.length} entries`);
}

export function activationBackward(a: ActivationBackwardArgs): void {
  check(a.dy.length >= a.x.length && a.dx.length >= a.x.length, `dy and dx need ${a.x.length} entries`);
}

export function patchRows(a: PatchRowsArgs): void {
  const width = a.channels.length * a.kernelHeight * a.kernelWidth;
  check(a.rowStride >= width, `rowStride ${a.rowStride} < ${width} values per patch`);
  check(a.out.length >= a.positions.length * a.rowStride, `out needs ${a.positions.length}×${a.rowStride}`);
  const plane = a.inHeight * a.inWidth;
  const perImage = a.outHeight * a.outWidth;
  let images = 0;
  for (const p of a.positions) {
    check(p >= 0, `position ${p} is negative`);
    images = Math.max(images, Math.floor(p / perImage) + 1);
  }
  for (const c of a.channels)
    check(c >= 0 && c < a.inChannels, `channel ${c} is outside 0…${a.inChannels - 1}`);
  check(a.x.length >= images * a.inChannels * plane, `x holds ${a.x.length} < ${images} images`);
}
