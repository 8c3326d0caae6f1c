/** Scale and zero point from a range: the affine map real = scale·(q − zero_point). */
import type { ActivationType } from '../types';

export interface QParams {
  readonly scale: number;
  readonly zeroPoint: number;
}

/**
 * uint8 asymmetric: the range is widened to include 0 (so 0 is exact, as padding needs),
 * scale = (max − min)/255, zero_point = round(−min/scale). int8 symmetric: scale = max|x|/127, zero
 * point 0. A degenerate range gets scale 1. Scales are float32, as stored.
 */
export function activationParams(range: { min: number; max: number }, type: ActivationType): QParams {
  if (type === 'int8') {
    const a = Math.max(Math.abs(range.min), Math.abs(range.max));
    return { scale: a > 0 ? Math.fround(a / 127) : 1, zeroPoint: 0 };
  }
  const lo = Math.min(0, range.min);
  const hi = Math.max(0, range.max);
  if (!(hi > lo)) return { scale: 1, zeroPoint: 0 };
  const scale = Math.fround((hi - lo) / 255);
  const zeroPoint = Math.min(255, Math.max(0, Math.round(-lo / scale)));
  return { scale, zeroPoint };
}
