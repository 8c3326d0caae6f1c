/**
 * What a perturbation changed: for each float tensor, the indices along each axis at which some
 * element moved by more than the tolerance.
 */
import type * as ort from 'onnxruntime-node';

/** Per axis, the sorted indices that changed. */
export type ChangedIndices = number[][];

/**
 * Relative tolerance: a value moved when `|Δ| > TOLERANCE · max|x|` over both runs of the tensor.
 * Scale-relative rather than `1e-4·(1 + max|x|)`: random-weight exports (torchvision) carry
 * activations around 1e-4 deep in the network, which an absolute floor would call unchanged.
 * Values no perturbation reaches are bit-identical between the runs (same inputs, same kernels).
 */
export const TOLERANCE = 1e-4;

/**
 * The indices along each axis of `base` where `perturbed` differs beyond tolerance, or undefined
 * when nothing did (or the tensor is not float32 of rank ≥ 1, which the oracle does not check).
 */
export function changedIndices(base: ort.Tensor, perturbed: ort.Tensor): ChangedIndices | undefined {
  if (base.type !== 'float32' || base.dims.length === 0) return undefined;
  const a = base.data as Float32Array;
  const b = perturbed.data as Float32Array;
  const dims = base.dims.map(Number);
  if (b.length !== a.length) return dims.map((d) => Array.from({ length: d }, (_, i) => i));
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    if (Math.abs(a[i]) > max && Number.isFinite(a[i])) max = Math.abs(a[i]);
    if (Math.abs(b[i]) > max && Number.isFinite(b[i])) max = Math.abs(b[i]);
  }
  const tol = TOLERANCE * max;
  const strides = dims.map((_, k) => dims.slice(k + 1).reduce((p, q) => p * q, 1));
  const flags = dims.map((d) => new Uint8Array(d));
  let any = false;
  for (let i = 0; i < a.length; i++) {
    const same = a[i] === b[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i]));
    if (same || Math.abs(a[i] - b[i]) <= tol) continue;
    any = true;
    for (let k = 0; k < dims.length; k++) flags[k][Math.floor(i / strides[k]) % dims[k]] = 1;
  }
  if (!any) return undefined;
  return flags.map((f) => {
    const out: number[] = [];
    for (let i = 0; i < f.length; i++) if (f[i]) out.push(i);
    return out;
  });
}

/** `0-3,7,9-11`: a compact form of sorted indices, cut after `limit` pieces. */
export function compactIndices(indices: readonly number[], limit = 8): string {
  if (indices.length === 0) return '∅';
  const parts: string[] = [];
  let start = indices[0];
  let prev = start;
  for (let i = 1; i <= indices.length; i++) {
    const v = indices[i];
    if (v === prev + 1) {
      prev = v;
      continue;
    }
    parts.push(start === prev ? `${start}` : `${start}-${prev}`);
    start = prev = v;
  }
  return parts.length > limit
    ? `${parts.slice(0, limit).join(',')},…(${parts.length} runs)`
    : parts.join(',');
}
