/** Multidirectional (numpy) broadcasting: the output shape, index maps, and gradient reduction. */
import { TrainError } from '../errors';
import { sizeOf, stridesOf, type Floats } from '../tensor';
import type { OpContext } from './types';

export function broadcastShape(a: readonly number[], b: readonly number[], what: string): number[] {
  const r = Math.max(a.length, b.length);
  const out = new Array<number>(r);
  for (let i = 0; i < r; i++) {
    const da = a[a.length - r + i] ?? 1;
    const db = b[b.length - r + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1)
      throw new TrainError(`${what}: shapes ${JSON.stringify(a)} and ${JSON.stringify(b)} do not broadcast.`);
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** For each element of `out`, the index of the element of an input of shape `shape` it reads. */
export function broadcastIndex(out: readonly number[], shape: readonly number[]): Int32Array {
  const n = sizeOf(out);
  const r = out.length;
  const inStrides = stridesOf(shape);
  // Stride 0 along broadcast dims (and the missing leading ones).
  const s = new Array<number>(r);
  for (let i = 0; i < r; i++) {
    const j = i - (r - shape.length);
    s[i] = j >= 0 && shape[j] !== 1 ? inStrides[j] : 0;
  }
  const index = new Int32Array(n);
  const counter = new Array<number>(r).fill(0);
  let at = 0;
  for (let e = 0; e < n; e++) {
    index[e] = at;
    for (let d = r - 1; d >= 0; d--) {
      counter[d]++;
      at += s[d];
      if (counter[d] < out[d]) break;
      at -= s[d] * out[d];
      counter[d] = 0;
    }
  }
  return index;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Sums a gradient of shape `from` down to the broadcast input shape `to`; `g` itself where the
 * shapes agree (the engine never writes into a gradient it was handed).
 */
export function reduceToShape(
  ctx: OpContext,
  g: Floats,
  from: readonly number[],
  to: readonly number[],
): Floats {
  if (sameShape(from, to)) return g;
  const out = ctx.alloc(sizeOf(to));
  const index = broadcastIndex(from, to);
  for (let e = 0; e < index.length; e++) out[index[e]] += g[e];
  return out;
}
