/** Scale and zero point from a range: the affine map real = scale·(q − zero_point). */
import { QuantError } from '../errors';
import type { ActivationType, LearnedParams, QuantPlan, Ranges } from '../types';

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

/**
 * Scale and zero point of every planned activation: from its calibrated range cut to its clip, or
 * `learned` ones; a pass-through output gets its input's very object (so they share initializers).
 */
export function planActivationParams(
  plan: QuantPlan,
  ranges: Ranges,
  learned?: LearnedParams,
): Map<string, QParams> {
  const params = new Map<string, QParams>();
  const resolve = (name: string, depth = 0): QParams => {
    const known = params.get(name);
    if (known) return known;
    const q = plan.activations[name];
    if (!q) throw new QuantError(`Tensor '${name}' is not in the plan.`);
    let p: QParams;
    const given = learned?.activations[name];
    if (q.shareWith !== undefined) {
      if (depth > 1000) throw new QuantError(`Circular parameter sharing at '${name}'.`);
      p = resolve(q.shareWith, depth + 1);
    } else if (given) p = { scale: given.scale, zeroPoint: given.zeroPoint };
    else {
      const r = ranges[name];
      if (!r) throw new QuantError(`No calibrated range for tensor '${name}'.`);
      const lo = q.clip ? Math.max(r.min, q.clip[0]) : r.min;
      const hi = q.clip ? Math.min(r.max, q.clip[1]) : r.max;
      p = activationParams({ min: lo, max: Math.max(lo, hi) }, plan.scheme.activations);
    }
    params.set(name, p);
    return p;
  };
  for (const name of Object.keys(plan.activations)) resolve(name);
  return params;
}
