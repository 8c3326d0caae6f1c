// Reference symmetric int8 weight quantisation (scale search, rounding, dequantisation), in f32
// arithmetic step by step so results match WASM/WGSL bit for bit away from ties.
import { int8Min } from '../api';
import type { DequantizeArgs, QuantizeArgs, ScaleSearchArgs } from '../api';
import { f32, roundHalfEven } from './numeric';

const QMAX = 127;

/** Σ (w − clamp(rne(w/s), qmin, 127)·s)² over one row. */
export function roundTripError(w: Float32Array, base: number, size: number, s: number, qmin: number): number {
  let err = 0;
  for (let i = 0; i < size; i++) {
    const v = w[base + i];
    const q = Math.min(Math.max(roundHalfEven(f32(v / s)), qmin), QMAX);
    const e = f32(v - f32(q * s));
    err += e * e;
  }
  return err;
}

export function scaleSearch({
  weights,
  channels,
  size,
  range,
  steps,
  minRatio,
  scales,
}: ScaleSearchArgs): void {
  const qmin = int8Min(range);
  for (let c = 0; c < channels; c++) {
    const base = c * size;
    let a = 0;
    for (let i = 0; i < size; i++) a = Math.max(a, Math.abs(weights[base + i]));
    let best = a > 0 ? f32(a / QMAX) : 1;
    if (a > 0 && steps > 1) {
      let bestErr = Infinity;
      for (let j = 0; j < steps; j++) {
        const s = f32(f32(a * (1 - (j * (1 - minRatio)) / (steps - 1))) / QMAX);
        if (!(s > 0)) continue;
        const err = roundTripError(weights, base, size, s, qmin);
        if (err < bestErr) {
          bestErr = err;
          best = s;
        }
      }
    }
    scales[c] = best;
  }
}

export function quantizeInt8({ weights, channels, size, scales, range, out }: QuantizeArgs): void {
  const qmin = int8Min(range);
  for (let c = 0; c < channels; c++) {
    const s = scales[c];
    const base = c * size;
    for (let i = 0; i < size; i++) {
      out[base + i] = Math.min(Math.max(roundHalfEven(f32(weights[base + i] / s)), qmin), QMAX);
    }
  }
}

export function dequantizeInt8({ q, channels, size, scales, out }: DequantizeArgs): void {
  for (let c = 0; c < channels; c++) {
    const s = scales[c];
    const base = c * size;
    for (let i = 0; i < size; i++) out[base + i] = q[base + i] * s;
  }
}
