// Shape checks shared by every backend, run before any memory is touched.
import { check } from './api';
import type {
  CrossArgs,
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
