/** Dense float tensors of the training engine: row-major data with a shape, f32 or f64. */
import type { Floats } from '../../kernels';

export type { Floats } from '../../kernels';

/** f32 for training; f64 for the gradient checks (finite differences need the headroom). */
export type Precision = 'f32' | 'f64';

export interface Value {
  data: Floats;
  shape: number[];
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function allocFloats(precision: Precision, n: number): Floats {
  return precision === 'f64' ? new Float64Array(n) : new Float32Array(n);
}

/** Row-major strides of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function normalizeAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}
