// Named tolerances, by what the arithmetic can promise. Reference accumulates in f64; WASM in f32
// with chunked sums; WGSL f32 division and log are only accurate to a few ulp.
import type { BackendName } from '../../src/kernels';

export interface Tolerances {
  /** f32 exact algorithms (sums, dot products): |Δ| ≤ rel · natural scale of the entry. */
  f32: number;
  /** f32 via Gram cancellation (‖a‖² + ‖b‖² − 2a·b). */
  f32Gram: number;
  /** Searches: objective at the chosen point within this relative gap of the reference optimum. */
  search: number;
  /** Per-candidate objective values (errors, divergences) against the reference. */
  objective: number;
  /** Int8 codes: |Δ| in least-significant bits. */
  int8Lsb: number;
  /** Histogram: values that may move to a neighbouring bin (fraction of samples). */
  binMoves: number;
  /** Scales computed from absmax: relative ulps of division. */
  scale: number;
}

const cpu: Tolerances = {
  f32: 1e-5,
  f32Gram: 1e-5,
  search: 1e-5,
  objective: 1e-4,
  int8Lsb: 0,
  binMoves: 0,
  scale: 0,
};

// WGSL: division 2.5 ulp, log 2^-21 absolute; sums in f32 without chunking.
const gpu: Tolerances = {
  f32: 1e-5,
  f32Gram: 1e-4,
  search: 1e-3,
  objective: 1e-3,
  int8Lsb: 1,
  binMoves: 1e-4,
  scale: 1e-6,
};

export function tolerancesFor(backend: BackendName): Tolerances {
  return backend === 'webgpu' ? gpu : cpu;
}
