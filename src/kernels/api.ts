/**
 * The kernel interface: every kernel's name, arguments and result, shared by the reference,
 * WASM SIMD and WebGPU backends. Matrices are row-major Float32Arrays; outputs are passed in
 * preallocated where their size is known, so hot callers allocate nothing. Every kernel is
 * async so a GPU backend can implement it; CPU backends resolve at once.
 */

/** Backends, fastest-available first in no particular order: `selectBackend` measures. */
export type BackendName = 'reference' | 'wasm' | 'webgpu';

/** Symmetric int8 range: [-127, 127] keeps the grid symmetric (ORT's default for weights); [-128, 127] uses all codes. */
export type Int8Range = 'narrow' | 'full';

/** `out[f]` = ‖w_f‖₁ or ‖w_f‖₂ for each row f of a [filters, size] view. */
export interface FilterNormsArgs {
  weights: Float32Array;
  filters: number;
  size: number;
  norm: 'l1' | 'l2';
  out: Float32Array;
}

/**
 * FPGM criterion (He et al., "Filter Pruning via Geometric Median", CVPR 2019):
 * `out[a]` = Σ_b ‖w_a − w_b‖₂ on signed weights, via G = W·Wᵀ and ‖a−b‖² = G_aa + G_bb − 2G_ab, clamped ≥ 0.
 */
export interface DistanceSumsArgs {
  weights: Float32Array;
  filters: number;
  size: number;
  out: Float32Array;
}

/** `out[cols×cols] += XᵀX` for X [rows, cols]; `out` must be symmetric on entry (zeros or an earlier Gram). */
export interface GramArgs {
  x: Float32Array;
  rows: number;
  cols: number;
  out: Float32Array;
}

/** `out[xCols×yCols] += XᵀY` for X [rows, xCols] and Y [rows, yCols] (same rows, e.g. samples). */
export interface CrossArgs {
  x: Float32Array;
  y: Float32Array;
  rows: number;
  xCols: number;
  yCols: number;
  out: Float32Array;
}

/**
 * Ridge regression normal equations: `out` = W solving (G + λI)·W = R, G [size, size] symmetric,
 * R and W [size, cols]; Cholesky in f64. Throws when G + λI is not positive definite.
 * A small dense solve whose pivots depend on each other: the WebGPU backend runs it on its CPU
 * backend (listed in its `delegated`), the WASM backend in WASM.
 */
export interface RidgeArgs {
  gram: Float32Array;
  rhs: Float32Array;
  size: number;
  cols: number;
  lambda: number;
  out: Float32Array;
}

/** Running `minmax` = [min, max] over `data` (start from [+Inf, −Inf]); NaNs are ignored. */
export interface MinMaxArgs {
  data: Float32Array;
  minmax: Float32Array;
}

/** Running per-channel min/max of a tensor of `shape` along `axis` (1 for NCHW). */
export interface MinMaxPerChannelArgs {
  data: Float32Array;
  shape: readonly number[];
  axis: number;
  mins: Float32Array;
  maxs: Float32Array;
}

/**
 * `counts[b] += #{v : clamp(floor((v − lo)·(bins/(hi − lo))), 0, bins − 1) = b}`, computed in f32 so
 * every backend bins alike; values outside [lo, hi] land in the edge bins, NaNs are skipped, and
 * `absolute` bins |v| (the symmetric calibrators' histogram on [0, max|x|]).
 */
export interface HistogramArgs {
  data: Float32Array;
  lo: number;
  hi: number;
  absolute: boolean;
  counts: Uint32Array;
}

/**
 * Range holding `percentile`% of the histogram's mass: [lower edge at (100−p)%, upper edge at p%].
 * Every backend finds the same bins (the threshold p/100 · total in f64); the WebGPU backend hands a
 * histogram of 2^32 samples or more, which its u32 prefix sums cannot hold, to its CPU backend.
 */
export interface PercentileArgs {
  counts: Uint32Array;
  lo: number;
  hi: number;
  percentile: number;
}

/**
 * Entropy (KL) calibration, TensorRT style (Migacz, "8-bit Inference with TensorRT", GTC 2017):
 * over a histogram of |x| on [0, hi], for each kept-bin count i ∈ [start, bins] clip the tail into
 * bin i−1 (P), re-quantise the first i bins to `levels` levels spread back over the non-empty bins
 * (Q), and pick the i minimising KL(P‖Q). Q = 0 where P > 0 counts as Q = 1e-12.
 * Threshold = i·hi/bins. `divergences` (length bins − start + 1) receives every KL when given.
 */
export interface EntropyArgs {
  counts: Uint32Array;
  hi: number;
  levels: number;
  start: number;
  divergences?: Float64Array;
}

/**
 * MSE-optimal symmetric range: thresholds t_k = a·(k+1)/candidates, a = max(|lo|, |hi|); error of
 * quantising each bin centre with scale t_k/qmax (round half to even, clamp ±qmax), weighted by count.
 * `errors` (length candidates) receives every error when given.
 */
export interface MseRangeArgs {
  counts: Uint32Array;
  lo: number;
  hi: number;
  qmax: number;
  candidates: number;
  errors?: Float64Array;
}

/**
 * Symmetric int8 scales per row of a [channels, size] view (per-tensor: channels = 1):
 * `steps` ≤ 1 → absmax/qmax; otherwise the clipping ratio r_j = 1 − j·(1 − minRatio)/(steps − 1)
 * minimising Σ(w − dequant(quant(w)))². All-zero rows get scale 1.
 */
export interface ScaleSearchArgs {
  weights: Float32Array;
  channels: number;
  size: number;
  range: Int8Range;
  steps: number;
  minRatio: number;
  scales: Float32Array;
}

/** `out` = clamp(round_half_even(w / scale_c), qmin, 127) for each row c. */
export interface QuantizeArgs {
  weights: Float32Array;
  channels: number;
  size: number;
  scales: Float32Array;
  range: Int8Range;
  out: Int8Array;
}

/** `out` = q · scale_c for each row c. */
export interface DequantizeArgs {
  q: Int8Array;
  channels: number;
  size: number;
  scales: Float32Array;
  out: Float32Array;
}

/** Float storage the training kernels accept: f32 everywhere, f64 on the reference (gradient checks). */
export type Floats = Float32Array | Float64Array;

/**
 * Geometry of a 2-D convolution over NCHW tensors (1-D convolutions use height 1). Weights are
 * [outChannels, inChannels/groups, kernelHeight, kernelWidth]; padding below/right is implied by
 * the output size.
 */
export interface Conv2dGeometry {
  batch: number;
  inChannels: number;
  inHeight: number;
  inWidth: number;
  outChannels: number;
  outHeight: number;
  outWidth: number;
  kernelHeight: number;
  kernelWidth: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
  dilationH: number;
  dilationW: number;
  groups: number;
}

/**
 * `out` = conv(x, weight) + bias, overwritten: per image and group, im2col then
 * out_g [Cout/g, P] = W_g [Cout/g, K] · col [K, P] with K = Cin/g·kh·kw, P = outH·outW.
 */
export interface Conv2dForwardArgs<F extends Floats = Float32Array> extends Conv2dGeometry {
  x: F;
  weight: F;
  bias?: F;
  out: F;
}

/** Gradient of the input, overwritten: dcol = W_gᵀ · dy_g, then col2im summing overlaps. */
export interface Conv2dBackwardDataArgs<F extends Floats = Float32Array> extends Conv2dGeometry {
  dy: F;
  weight: F;
  dx: F;
}

/** Gradient of the weight, overwritten: dW_g = Σ_images dy_g · colᵀ. */
export interface Conv2dBackwardFilterArgs<F extends Floats = Float32Array> extends Conv2dGeometry {
  x: F;
  dy: F;
  dWeight: F;
}

/**
 * Rows of a 2-D convolution's im2col matrix at chosen output positions, over chosen input channels —
 * the patches least-squares recovery fits against. Row r is for `positions[r]` = image·outH·outW +
 * oh·outW + ow and holds, from `out[r·rowStride]`, channels.length·kh·kw values:
 *   out[r·rowStride + (c·kh + i)·kw + j] = x[image, channels[c], oh·sh − padTop + i·dh, ow·sw − padLeft + j·dw]
 * (0 in the padding). Columns past them are left as they are (a bias column of ones, say).
 */
export interface PatchRowsArgs extends Pick<
  Conv2dGeometry,
  | 'inChannels'
  | 'inHeight'
  | 'inWidth'
  | 'outHeight'
  | 'outWidth'
  | 'kernelHeight'
  | 'kernelWidth'
  | 'strideH'
  | 'strideW'
  | 'padTop'
  | 'padLeft'
  | 'dilationH'
  | 'dilationW'
> {
  /** NCHW input, at least max(image)+1 images. */
  x: Float32Array;
  /** Absolute input channel indices, each < inChannels. */
  channels: Int32Array;
  positions: Int32Array;
  out: Float32Array;
  /** Floats per output row, ≥ channels.length·kh·kw. */
  rowStride: number;
}

/** `out[m×n]` (+)= op(A)·op(B) with op(A) [m, k], op(B) [k, n]; row-major; `accumulate` adds to out. */
export interface GemmArgs<F extends Floats = Float32Array> {
  a: F;
  b: F;
  out: F;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  accumulate: boolean;
}

/** `out[c]` = Σ over outer and inner of data viewed as [outer, channels, inner] (bias gradients). */
export interface ChannelSumsArgs<F extends Floats = Float32Array> {
  data: F;
  outer: number;
  channels: number;
  inner: number;
  out: F;
}

/**
 * SGD with momentum and decoupled-from-nothing (L2) weight decay, PyTorch's formulation:
 * g' = g + λ·p; v = μ·v + g'; p −= lr·(nesterov ? g' + μ·v : v).
 */
export interface SgdUpdateArgs<F extends Floats = Float32Array> {
  param: F;
  grad: F;
  velocity: F;
  lr: number;
  momentum: number;
  weightDecay: number;
  nesterov: boolean;
}

/**
 * AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR 2019):
 * p −= lr·λ·p; m = β₁m + (1−β₁)g; v = β₂v + (1−β₂)g²;
 * p −= lr · (m / (1−β₁ᵗ)) / (sqrt(v / (1−β₂ᵗ)) + ε), t = `step` ≥ 1.
 */
export interface AdamwUpdateArgs<F extends Floats = Float32Array> {
  param: F;
  grad: F;
  m: F;
  v: F;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  step: number;
}

/**
 * BatchNormalization by the batch's own statistics (PyTorch's `train()`) over data viewed as
 * [outer, channels, inner]: per channel the mean and biased variance of its outer·inner values
 * (two passes), invStd = 1/√(variance + eps), out = scale·(x − mean)·invStd + bias. `mean`,
 * `variance` and `invStd` receive the statistics (the backward pass and re-estimation need them).
 */
export interface BatchNormForwardArgs<F extends Floats = Float32Array> {
  x: F;
  scale: F;
  bias: F;
  outer: number;
  channels: number;
  inner: number;
  eps: number;
  out: F;
  mean: F;
  variance: F;
  invStd: F;
}

/**
 * Its gradient, with x̂ = (x − mean)·invStd and M = outer·inner values per channel (Ioffe & Szegedy
 * 2015): dScale = Σ dy·x̂, dBias = Σ dy, and when `dx` is given dx = scale·invStd/M·(M·dy − dBias −
 * x̂·dScale), overwritten.
 */
export interface BatchNormBackwardArgs<F extends Floats = Float32Array> {
  x: F;
  dy: F;
  scale: F;
  mean: F;
  invStd: F;
  outer: number;
  channels: number;
  inner: number;
  dx?: F;
  dScale: F;
  dBias: F;
}

/**
 * A piecewise-linear activation: 'relu' max(x, 0); 'leakyRelu' x ≥ 0 ? x : alpha·x; 'clip'
 * min(max(x, min), max). Gradients are PyTorch's one-sided values at the kinks: 0 for relu at 0,
 * 1 for leakyRelu at 0, pass-through on [min, max] inclusive for clip.
 */
export interface Activation {
  kind: 'relu' | 'leakyRelu' | 'clip';
  alpha?: number;
  min?: number;
  max?: number;
}

/** `out[i]` = f(x[i]) for the first x.length values. */
export interface ActivationForwardArgs<F extends Floats = Float32Array> {
  activation: Activation;
  x: F;
  out: F;
}

/** `dx[i]` = dy[i]·f′(x[i]) for the first x.length values. */
export interface ActivationBackwardArgs<F extends Floats = Float32Array> {
  activation: Activation;
  x: F;
  dy: F;
  dx: F;
}

/** A chosen calibration range. */
export interface Range {
  min: number;
  max: number;
}

/** Every kernel, by name: the one table each backend fills in. */
export interface Kernels {
  filterNorms(args: FilterNormsArgs): Promise<void>;
  distanceSums(args: DistanceSumsArgs): Promise<void>;
  gramAccumulate(args: GramArgs): Promise<void>;
  crossAccumulate(args: CrossArgs): Promise<void>;
  ridgeSolve(args: RidgeArgs): Promise<void>;
  minMax(args: MinMaxArgs): Promise<void>;
  minMaxPerChannel(args: MinMaxPerChannelArgs): Promise<void>;
  histogram(args: HistogramArgs): Promise<void>;
  percentileRange(args: PercentileArgs): Promise<Range>;
  entropyRange(args: EntropyArgs): Promise<Range>;
  mseRange(args: MseRangeArgs): Promise<Range>;
  scaleSearch(args: ScaleSearchArgs): Promise<void>;
  quantizeInt8(args: QuantizeArgs): Promise<void>;
  dequantizeInt8(args: DequantizeArgs): Promise<void>;
  conv2dForward(args: Conv2dForwardArgs): Promise<void>;
  conv2dBackwardData(args: Conv2dBackwardDataArgs): Promise<void>;
  conv2dBackwardFilter(args: Conv2dBackwardFilterArgs): Promise<void>;
  gemm(args: GemmArgs): Promise<void>;
  patchRows(args: PatchRowsArgs): Promise<void>;
  channelSums(args: ChannelSumsArgs): Promise<void>;
  sgdUpdate(args: SgdUpdateArgs): Promise<void>;
  adamwUpdate(args: AdamwUpdateArgs): Promise<void>;
  batchNormForward(args: BatchNormForwardArgs): Promise<void>;
  batchNormBackward(args: BatchNormBackwardArgs): Promise<void>;
  activationForward(args: ActivationForwardArgs): Promise<void>;
  activationBackward(args: ActivationBackwardArgs): Promise<void>;
}

export type KernelName = keyof Kernels;

/** The kernels training runs (convolution and its gradients, GEMM, reductions, optimizer steps). */
export type TrainKernelName =
  | 'conv2dForward'
  | 'conv2dBackwardData'
  | 'conv2dBackwardFilter'
  | 'gemm'
  | 'channelSums'
  | 'sgdUpdate'
  | 'adamwUpdate'
  | 'batchNormForward'
  | 'batchNormBackward'
  | 'activationForward'
  | 'activationBackward';

/** Every kernel name, in one list (tests and benches iterate it). */
export const kernelNames: readonly KernelName[] = [
  'filterNorms',
  'distanceSums',
  'gramAccumulate',
  'crossAccumulate',
  'ridgeSolve',
  'minMax',
  'minMaxPerChannel',
  'histogram',
  'percentileRange',
  'entropyRange',
  'mseRange',
  'scaleSearch',
  'quantizeInt8',
  'dequantizeInt8',
  'conv2dForward',
  'conv2dBackwardData',
  'conv2dBackwardFilter',
  'gemm',
  'patchRows',
  'channelSums',
  'sgdUpdate',
  'adamwUpdate',
  'batchNormForward',
  'batchNormBackward',
  'activationForward',
  'activationBackward',
];

/** A backend: its name, the kernels it runs, and where a kernel is borrowed from another backend, why. */
export interface KernelBackend extends Kernels {
  readonly name: BackendName;
  /** Kernels this backend hands to a CPU backend, with the reason (e.g. sequential, O(bins)). */
  readonly delegated: Readonly<Partial<Record<KernelName, string>>>;
  dispose(): void;
}

/** Lowest int8 code for a range. */
export function int8Min(range: Int8Range): number {
  return range === 'full' ? -128 : -127;
}

/** Throws unless `cond`; kernels validate shapes before touching memory. */
export function check(cond: boolean, message: string): asserts cond {
  if (!cond) throw new RangeError(message);
}
