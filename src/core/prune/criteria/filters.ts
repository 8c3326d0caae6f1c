/**
 * The filter matrix of one member: for each group channel, the member's values at the indices the
 * channel owns, as one row (a producer's output filter, a consumer's input slice), optionally scaled
 * per index.
 */
import type { GroupMember } from '../../analysis';
import { attrFloat, type Graph } from '../../graph';
import { DataType, tensorData } from '../../onnx';
import { memberReaders } from '../members';
import { axisSplit, gatherIndex } from '../tensor-slice';

export interface FilterMatrix {
  /** [channels, size], row c = channel c (zeros for channels the member does not hold). */
  data: Float32Array;
  channels: number;
  size: number;
}

/** Float32 weights of a parameter member, or undefined for other dtypes / missing initializers. */
export function floatWeights(graph: Graph, name: string): { data: Float32Array; dims: number[] } | undefined {
  const t = graph.initializers.get(name);
  if (!t || t.dataType !== DataType.FLOAT) return undefined;
  return { data: tensorData(t) as Float32Array, dims: t.dims.map(Number) };
}

/** Rows of the member per group channel; `scale[index]` multiplies the values at that index. */
export function filterMatrix(
  graph: Graph,
  member: GroupMember,
  channels: number,
  scale?: Float32Array,
): FilterMatrix | undefined {
  const w = floatWeights(graph, member.name);
  if (!w || w.dims.length < 2) return undefined;
  const perIndex = w.dims.reduce((a, b) => a * b, 1) / w.dims[member.axis];
  const owned = new Map<number, number[]>();
  for (const run of member.runs)
    for (let c = 0; c < run.length; c++) {
      const list = owned.get(run.groupStart + c) ?? [];
      for (let b = 0; b < run.block; b++) list.push(run.targetStart + c * run.block + b);
      owned.set(run.groupStart + c, list);
    }
  let width = 0;
  for (const list of owned.values()) width = Math.max(width, list.length);
  const size = width * perIndex;
  const data = new Float32Array(channels * size);
  for (const [c, list] of owned) {
    let k = c * size;
    for (const idx of list) k = gatherIndex(w.data, w.dims, member.axis, idx, data, k, scale ? scale[idx] : 1);
  }
  return { data, channels, size };
}

/**
 * |γ|/√(σ²+ε) of the BatchNormalization that alone reads a producer's output, per output channel:
 * the filter's effective scale once the BatchNorm is folded, so fused and unfused exports score alike.
 */
export function batchNormScale(graph: Graph, member: GroupMember): Float32Array | undefined {
  for (const { node } of memberReaders(graph, member)) {
    const readers = graph.consumers(node.outputs[0]);
    const bn = readers.length === 1 && readers[0].opType === 'BatchNormalization' ? readers[0] : undefined;
    if (!bn) continue;
    const gamma = floatWeights(graph, bn.inputs[1]);
    const variance = floatWeights(graph, bn.inputs[4]);
    if (!gamma || !variance) continue;
    const eps = attrFloat(bn, 'epsilon', 1e-5);
    const out = new Float32Array(gamma.data.length);
    for (let i = 0; i < out.length; i++) out[i] = Math.abs(gamma.data[i]) / Math.sqrt(variance.data[i] + eps);
    return out;
  }
  return undefined;
}

/**
 * Squared norms of the weight's slices along `axis`; with `rowBlock`, only rows (axis 0) of that
 * block of `blocks` count (a grouped convolution's conv group).
 */
export function sliceNormsSquared(
  data: Float32Array,
  dims: readonly number[],
  axis: number,
  rowBlock?: { block: number; blocks: number },
): Float64Array {
  const { outer, size, inner } = axisSplit(dims, axis);
  const out = new Float64Array(size);
  const rows = dims[0];
  const perOuterRow = outer / rows;
  const [lo, hi] = rowBlock
    ? [(rowBlock.block * rows) / rowBlock.blocks, ((rowBlock.block + 1) * rows) / rowBlock.blocks]
    : [0, rows];
  for (let o = 0; o < outer; o++) {
    const row = axis === 0 ? 0 : Math.floor(o / perOuterRow);
    if (axis !== 0 && (row < lo || row >= hi)) continue;
    for (let i = 0; i < size; i++) {
      const base = (o * size + i) * inner;
      let s = 0;
      for (let k = 0; k < inner; k++) s += data[base + k] * data[base + k];
      out[i] += s;
    }
  }
  return out;
}
