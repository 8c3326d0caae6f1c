/**
 * Index arithmetic on initializer data: reading one index of an axis, zeroing or dropping indices
 * along an axis, and the per-block variant grouped convolutions need (each block of rows along
 * axis 0 keeps its own indices along the cut axis).
 */
import type { TensorValues } from '../onnx';

/** Sizes before, along and after `axis`. */
export function axisSplit(dims: readonly number[], axis: number): { outer: number; size: number; inner: number } {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= dims[i];
  for (let i = axis + 1; i < dims.length; i++) inner *= dims[i];
  return { outer, size: dims[axis], inner };
}

/** The values at `index` along `axis`, in row-major order of the other axes, times `scale`, into `out` at `offset`. */
export function gatherIndex(
  data: ArrayLike<number>,
  dims: readonly number[],
  axis: number,
  index: number,
  out: Float32Array,
  offset: number,
  scale = 1,
): number {
  const { outer, size, inner } = axisSplit(dims, axis);
  let k = offset;
  for (let o = 0; o < outer; o++) {
    const base = (o * size + index) * inner;
    for (let i = 0; i < inner; i++) out[k++] = data[base + i] * scale;
  }
  return k;
}

/** Where a cut applies: every row, or (grouped convolutions) only the rows along axis 0 of one block. */
export interface BlockedIndices {
  /** Blocks along axis 0. */
  blocks: number;
  /** Indices along the cut axis, by block. */
  perBlock: ReadonlyMap<number, readonly number[]>;
}

/** Sets the given indices along `axis` to zero, in place. */
export function zeroIndices(data: TensorValues, dims: readonly number[], axis: number, indices: readonly number[]): void {
  const { outer, size, inner } = axisSplit(dims, axis);
  const zero = (data instanceof BigInt64Array || data instanceof BigUint64Array ? 0n : 0) as never;
  for (let o = 0; o < outer; o++)
    for (const idx of indices) {
      const base = (o * size + idx) * inner;
      data.fill(zero, base, base + inner);
    }
}

/** Zeroes, for rows of block k along axis 0, the indices `perBlock[k]` along `axis`. */
export function zeroBlocked(data: TensorValues, dims: readonly number[], axis: number, cut: BlockedIndices): void {
  const rowsPer = dims[0] / cut.blocks;
  const rowDims = dims.slice(1);
  const rowLength = rowDims.reduce((a, b) => a * b, 1);
  for (let r = 0; r < dims[0]; r++) {
    const indices = cut.perBlock.get(Math.floor(r / rowsPer));
    if (!indices?.length) continue;
    zeroIndices(data.subarray(r * rowLength, (r + 1) * rowLength) as TensorValues, rowDims, axis - 1, indices);
  }
}

/** A copy without the indices `drop` along `axis`; returns the data and its new dims. */
export function dropIndices(
  data: TensorValues,
  dims: readonly number[],
  axis: number,
  drop: readonly number[],
): { data: TensorValues; dims: number[] } {
  const { outer, size, inner } = axisSplit(dims, axis);
  const dropped = new Uint8Array(size);
  for (const i of drop) dropped[i] = 1;
  const keep: number[] = [];
  for (let i = 0; i < size; i++) if (!dropped[i]) keep.push(i);
  const out = newLike(data, outer * keep.length * inner);
  let k = 0;
  for (let o = 0; o < outer; o++)
    for (const idx of keep) {
      const base = (o * size + idx) * inner;
      out.set(data.subarray(base, base + inner) as never, k);
      k += inner;
    }
  const newDims = [...dims];
  newDims[axis] = keep.length;
  return { data: out, dims: newDims };
}

/** Drops, for rows of block k along axis 0, the indices `perBlock[k]` along `axis` (each block drops as many). */
export function dropBlocked(
  data: TensorValues,
  dims: readonly number[],
  axis: number,
  cut: BlockedIndices,
): { data: TensorValues; dims: number[] } {
  const rowsPer = dims[0] / cut.blocks;
  const rowDims = dims.slice(1);
  const rowLength = rowDims.reduce((a, b) => a * b, 1);
  const counts = new Set<number>();
  for (let k = 0; k < cut.blocks; k++) counts.add(cut.perBlock.get(k)?.length ?? 0);
  if (counts.size > 1) throw new Error('A grouped convolution must lose as many channels in every conv group.');
  const parts: TensorValues[] = [];
  let newRowDims = rowDims;
  for (let r = 0; r < dims[0]; r++) {
    const row = data.subarray(r * rowLength, (r + 1) * rowLength) as TensorValues;
    const cutRow = dropIndices(row, rowDims, axis - 1, cut.perBlock.get(Math.floor(r / rowsPer)) ?? []);
    parts.push(cutRow.data);
    newRowDims = cutRow.dims;
  }
  const rowOut = newRowDims.reduce((a, b) => a * b, 1);
  const out = newLike(data, dims[0] * rowOut);
  parts.forEach((p, r) => out.set(p as never, r * rowOut));
  return { data: out, dims: [dims[0], ...newRowDims] };
}

function newLike(data: TensorValues, length: number): TensorValues {
  const ctor = data.constructor as new (n: number) => TensorValues;
  return new ctor(length);
}
