// Reference piecewise-linear activations and their gradients, generic over f32 and f64 storage.
import type { Activation, ActivationBackwardArgs, ActivationForwardArgs, Floats } from '../api';

/** f and f′ of `a` (see Activation for the values at the kinks). */
export function activationOf(a: Activation): { f(x: number): number; df(x: number): number } {
  if (a.kind === 'relu') return { f: (x) => (x > 0 ? x : 0), df: (x) => (x > 0 ? 1 : 0) };
  if (a.kind === 'leakyRelu') {
    const alpha = a.alpha ?? 0.01;
    return { f: (x) => (x >= 0 ? x : alpha * x), df: (x) => (x >= 0 ? 1 : alpha) };
  }
  const lo = a.min ?? -Infinity;
  const hi = a.max ?? Infinity;
  return { f: (x) => Math.min(hi, Math.max(lo, x)), df: (x) => (x >= lo && x <= hi ? 1 : 0) };
}

export function activationForward<F extends Floats>({ activation, x, out }: ActivationForwardArgs<F>): void {
  const { f } = activationOf(activation);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
}

export function activationBackward<F extends Floats>({
  activation,
  x,
  dy,
  dx,
}: ActivationBackwardArgs<F>): void {
  const { df } = activationOf(activation);
  for (let i = 0; i < x.length; i++) dx[i] = dy[i] * df(x[i]);
}
