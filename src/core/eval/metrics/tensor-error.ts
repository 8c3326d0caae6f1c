import type { TensorData } from '../types';
import { sqnrDb } from './fidelity';

/** Error of one tensor of a test model against the same-named tensor of a reference. */
export interface TensorErrorRow {
  readonly name: string;
  readonly sqnrDb: number;
  readonly maxAbsError: number;
  readonly elements: number;
}

/**
 * Per-tensor SQNR between two models sharing tensor names (e.g. a model and its pruned or quantized
 * form, both with intermediates exposed as outputs). Only names present in both, with equal element
 * counts, are compared; rows keep the order of first sight.
 */
export class TensorErrorAccumulator {
  private readonly stats = new Map<
    string,
    { signal: number; noise: number; maxAbs: number; elements: number }
  >();

  add(reference: Readonly<Record<string, TensorData>>, test: Readonly<Record<string, TensorData>>): void {
    for (const name of Object.keys(reference)) {
      const a = reference[name].data;
      const b = test[name]?.data;
      if (b === undefined || a.length !== b.length || typeof a[0] === 'bigint') continue;
      let s = this.stats.get(name);
      if (s === undefined) {
        s = { signal: 0, noise: 0, maxAbs: 0, elements: 0 };
        this.stats.set(name, s);
      }
      const x = a as ArrayLike<number>;
      const y = b as ArrayLike<number>;
      for (let i = 0; i < x.length; i++) {
        const d = x[i] - y[i];
        s.signal += x[i] * x[i];
        s.noise += d * d;
        const ad = Math.abs(d);
        if (ad > s.maxAbs) s.maxAbs = ad;
      }
      s.elements += x.length;
    }
  }

  result(): TensorErrorRow[] {
    return [...this.stats].map(([name, s]) => ({
      name,
      sqnrDb: sqnrDb(s.signal, s.noise),
      maxAbsError: s.maxAbs,
      elements: s.elements,
    }));
  }
}
