// Scalar helpers shared by the reference kernels.

export const f32 = Math.fround;

/** Round half to even (IEEE roundTiesToEven, as WASM `nearest` and ONNX QuantizeLinear). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** A Float64Array of at least n entries, reused across calls (grown, never shrunk). */
let scratch = new Float64Array(0);
export function scratch64(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(n);
  return scratch;
}
