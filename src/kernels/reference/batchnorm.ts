// Reference BatchNormalization by batch statistics, forward and backward, generic over f32 and f64
// storage: the oracle of the other backends and the arithmetic of the float64 gradient checks. Sums
// run in f64 whatever the storage.
import type { BatchNormBackwardArgs, BatchNormForwardArgs, Floats } from '../api';

export function batchNormForward<F extends Floats>(a: BatchNormForwardArgs<F>): void {
  const { x, outer, channels, inner, out } = a;
  const count = outer * inner;
  for (let c = 0; c < channels; c++) {
    let s = 0;
    for (let n = 0; n < outer; n++) {
      const o = (n * channels + c) * inner;
      for (let i = 0; i < inner; i++) s += x[o + i];
    }
    const m = s / count;
    let q = 0;
    for (let n = 0; n < outer; n++) {
      const o = (n * channels + c) * inner;
      for (let i = 0; i < inner; i++) q += (x[o + i] - m) ** 2;
    }
    a.mean[c] = m;
    a.variance[c] = q / count;
    const inv = 1 / Math.sqrt(q / count + a.eps);
    a.invStd[c] = inv;
    const k = a.scale[c] * inv;
    const b = a.bias[c] - k * m;
    for (let n = 0; n < outer; n++) {
      const o = (n * channels + c) * inner;
      for (let i = 0; i < inner; i++) out[o + i] = k * x[o + i] + b;
    }
  }
}

export function batchNormBackward<F extends Floats>(a: BatchNormBackwardArgs<F>): void {
  const { x, dy, dx, outer, channels, inner } = a;
  const count = outer * inner;
  for (let c = 0; c < channels; c++) {
    const m = a.mean[c];
    const inv = a.invStd[c];
    let sg = 0;
    let sgx = 0;
    for (let n = 0; n < outer; n++) {
      const o = (n * channels + c) * inner;
      for (let i = 0; i < inner; i++) {
        sg += dy[o + i];
        sgx += dy[o + i] * (x[o + i] - m) * inv;
      }
    }
    a.dScale[c] = sgx;
    a.dBias[c] = sg;
    if (!dx) continue;
    const k = (a.scale[c] * inv) / count;
    for (let n = 0; n < outer; n++) {
      const o = (n * channels + c) * inner;
      for (let i = 0; i < inner; i++) dx[o + i] = k * (count * dy[o + i] - sg - (x[o + i] - m) * inv * sgx);
    }
  }
}
