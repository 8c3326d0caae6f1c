/**
 * Ops that only move values: Flatten, Reshape, Squeeze, Unsqueeze (same data, new shape), Transpose,
 * Concat, Split and Slice (index maps whose backward scatters the gradient back).
 */
import { attrInt, attrInts } from '../../graph';
import { TrainError } from '../errors';
import { normalizeAxis, sizeOf, stridesOf, type Value } from '../tensor';
import type { OpImpl, OpInputs } from './types';

/** An op whose output is its input's data under a new shape. */
function reshaping(constSlots: number[], shapeOf: (inputs: OpInputs, opset: number) => number[]): OpImpl {
  return {
    constSlots,
    forward(ctx, inputs) {
      const x = inputs.values[0] as Value;
      const shape = shapeOf(inputs, ctx.opset);
      if (sizeOf(shape) !== x.data.length)
        throw new TrainError(
          `${inputs.node.opType} '${inputs.node.name}': ${JSON.stringify(x.shape)} cannot become ${JSON.stringify(shape)}.`,
        );
      return { outputs: [{ data: x.data, shape }] };
    },
    backward: (_ctx, _inputs, _fwd, [dy], needs) => [needs[0] ? dy : undefined],
  };
}

const flatten = reshaping([], ({ node, values }) => {
  const shape = (values[0] as Value).shape;
  const axis = normalizeAxis(attrInt(node, 'axis', 1), shape.length);
  return [sizeOf(shape.slice(0, axis)), sizeOf(shape.slice(axis))];
});

const reshape = reshaping([1], ({ node, values, consts }) => {
  const shape = (values[0] as Value).shape;
  const target = consts[1];
  if (!target) throw new TrainError(`Reshape '${node.name}': its shape is not known before running.`);
  const allowZero = attrInt(node, 'allowzero', 0) === 1;
  const out = target.map((d, i) => (d === 0 && !allowZero ? shape[i] : d));
  const known = out.reduce((p, d) => (d === -1 ? p : p * d), 1);
  return out.map((d) => (d === -1 ? sizeOf(shape) / known : d));
});

function axesOf({ node, consts }: OpInputs, opset: number, fromInputAt: number): number[] | undefined {
  return opset >= fromInputAt ? consts[1] : attrInts(node, 'axes');
}

const squeeze = reshaping([1], (inputs, opset) => {
  const shape = (inputs.values[0] as Value).shape;
  const axes = axesOf(inputs, opset, 13)?.map((a) => normalizeAxis(a, shape.length));
  return shape.filter((d, i) => (axes ? !axes.includes(i) : d !== 1));
});

const unsqueeze = reshaping([1], (inputs, opset) => {
  const shape = (inputs.values[0] as Value).shape;
  const axes = axesOf(inputs, opset, 13) ?? [];
  const rank = shape.length + axes.length;
  const norm = axes.map((a) => normalizeAxis(a, rank));
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) out.push(norm.includes(i) ? 1 : shape[j++]);
  return out;
});

/** For each output element, the input element it copies (a pure gather). */
type Gather = { shape: number[]; index: Int32Array };

function gathering(constSlots: number[], plan: (inputs: OpInputs, opset: number) => Gather): OpImpl {
  return {
    constSlots,
    forward(ctx, inputs) {
      const x = inputs.values[0] as Value;
      const { shape, index } = plan(inputs, ctx.opset);
      const out = ctx.alloc(index.length);
      for (let i = 0; i < index.length; i++) out[i] = x.data[index[i]];
      return { outputs: [{ data: out, shape }], saved: index };
    },
    backward(ctx, inputs, fwd, [dy], needs) {
      if (!dy || !needs[0]) return [];
      const index = fwd.saved as Int32Array;
      const dx = ctx.alloc((inputs.values[0] as Value).data.length);
      for (let i = 0; i < index.length; i++) dx[index[i]] += dy[i];
      return [dx];
    },
  };
}

/** Index map of a strided view: out[i…] = in[Σ (start_d + i_d·step_d)·stride_d]. */
function stridedIndex(
  inShape: number[],
  outShape: number[],
  starts: number[],
  steps: number[],
  perm?: number[],
): Int32Array {
  const strides = stridesOf(inShape);
  const r = outShape.length;
  // Output dim d reads input dim perm[d] (identity without a permutation).
  const src = perm ?? outShape.map((_, d) => d);
  const index = new Int32Array(sizeOf(outShape));
  const counter = new Array<number>(r).fill(0);
  let base = 0;
  for (let d = 0; d < r; d++) base += starts[src[d]] * strides[src[d]];
  let at = base;
  for (let e = 0; e < index.length; e++) {
    index[e] = at;
    for (let d = r - 1; d >= 0; d--) {
      const step = steps[src[d]] * strides[src[d]];
      counter[d]++;
      at += step;
      if (counter[d] < outShape[d]) break;
      at -= step * outShape[d];
      counter[d] = 0;
    }
  }
  return index;
}

const transpose = gathering([], ({ node, values }) => {
  const shape = (values[0] as Value).shape;
  const perm = attrInts(node, 'perm') ?? shape.map((_, i) => shape.length - 1 - i);
  const out = perm.map((p) => shape[p]);
  return {
    shape: out,
    index: stridedIndex(
      shape,
      out,
      shape.map(() => 0),
      shape.map(() => 1),
      perm,
    ),
  };
});

/** Slice (opset ≥ 10: starts, ends, axes, steps as inputs; before: attributes). */
const slice = gathering([1, 2, 3, 4], ({ node, values, consts }, opset) => {
  const shape = (values[0] as Value).shape;
  const r = shape.length;
  const starts = (opset >= 10 ? consts[1] : attrInts(node, 'starts')) ?? [];
  const ends = (opset >= 10 ? consts[2] : attrInts(node, 'ends')) ?? [];
  const axes = ((opset >= 10 ? consts[3] : attrInts(node, 'axes')) ?? starts.map((_, i) => i)).map((a) =>
    normalizeAxis(a, r),
  );
  const stepsIn = (opset >= 10 ? consts[4] : undefined) ?? starts.map(() => 1);
  const begin = shape.map(() => 0);
  const steps = shape.map(() => 1);
  const out = [...shape];
  axes.forEach((a, i) => {
    const dim = shape[a];
    const step = stepsIn[i];
    if (step === 0) throw new TrainError(`Slice '${node.name}': a step of 0.`);
    const clampTo = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v < 0 ? v + dim : v));
    const s = step > 0 ? clampTo(starts[i], 0, dim) : clampTo(starts[i], 0, dim - 1);
    const e = step > 0 ? clampTo(ends[i], 0, dim) : clampTo(ends[i], -1, dim - 1);
    begin[a] = s;
    steps[a] = step;
    out[a] = Math.max(0, Math.ceil((e - s) / step));
  });
  return { shape: out, index: stridedIndex(shape, out, begin, steps) };
});

const concat: OpImpl = {
  forward(ctx, { node, values }) {
    const parts = values.filter((v): v is Value => v !== undefined);
    const rank = parts[0].shape.length;
    const axis = normalizeAxis(attrInt(node, 'axis', 0), rank);
    const shape = [...parts[0].shape];
    shape[axis] = parts.reduce((s, p) => s + p.shape[axis], 0);
    const outer = sizeOf(shape.slice(0, axis));
    const inner = sizeOf(shape.slice(axis + 1));
    const out = ctx.alloc(sizeOf(shape));
    let offset = 0;
    for (const p of parts) {
      const run = p.shape[axis] * inner;
      for (let o = 0; o < outer; o++)
        out.set(p.data.subarray(o * run, (o + 1) * run), o * shape[axis] * inner + offset);
      offset += run;
    }
    return { outputs: [{ data: out, shape }] };
  },
  backward(ctx, { node, values }, fwd, [dy], needs) {
    if (!dy) return [];
    const shape = fwd.outputs[0].shape;
    const axis = normalizeAxis(attrInt(node, 'axis', 0), shape.length);
    const outer = sizeOf(shape.slice(0, axis));
    const inner = sizeOf(shape.slice(axis + 1));
    let offset = 0;
    return values.map((p, slot) => {
      if (!p) return undefined;
      const run = p.shape[axis] * inner;
      const at = offset;
      offset += run;
      if (!needs[slot]) return undefined;
      const g = ctx.alloc(p.data.length);
      for (let o = 0; o < outer; o++)
        g.set(dy.subarray(o * shape[axis] * inner + at, o * shape[axis] * inner + at + run), o * run);
      return g;
    });
  },
};

function splitSizes({ node, values, consts }: OpInputs, opset: number): { axis: number; sizes: number[] } {
  const shape = (values[0] as Value).shape;
  const axis = normalizeAxis(attrInt(node, 'axis', 0), shape.length);
  const given = opset >= 13 ? consts[1] : attrInts(node, 'split');
  if (given) return { axis, sizes: given };
  const parts = attrInt(node, 'num_outputs') ?? node.outputs.length;
  const each = Math.ceil(shape[axis] / parts);
  const sizes = Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(each, shape[axis] - i * each)));
  return { axis, sizes };
}

const split: OpImpl = {
  constSlots: [1],
  forward(ctx, inputs) {
    const x = inputs.values[0] as Value;
    const { axis, sizes } = splitSizes(inputs, ctx.opset);
    const outer = sizeOf(x.shape.slice(0, axis));
    const inner = sizeOf(x.shape.slice(axis + 1));
    let offset = 0;
    const outputs = sizes.map((size) => {
      const shape = [...x.shape];
      shape[axis] = size;
      const out = ctx.alloc(sizeOf(shape));
      const run = size * inner;
      for (let o = 0; o < outer; o++)
        out.set(
          x.data.subarray(o * x.shape[axis] * inner + offset, o * x.shape[axis] * inner + offset + run),
          o * run,
        );
      offset += run;
      return { data: out, shape };
    });
    return { outputs };
  },
  backward(ctx, inputs, _fwd, dys, needs) {
    if (!needs[0]) return [];
    const x = inputs.values[0] as Value;
    const { axis, sizes } = splitSizes(inputs, ctx.opset);
    const outer = sizeOf(x.shape.slice(0, axis));
    const inner = sizeOf(x.shape.slice(axis + 1));
    const dx = ctx.alloc(x.data.length);
    let offset = 0;
    sizes.forEach((size, k) => {
      const run = size * inner;
      const g = dys[k];
      if (g)
        for (let o = 0; o < outer; o++)
          dx.set(g.subarray(o * run, (o + 1) * run), o * x.shape[axis] * inner + offset);
      offset += run;
    });
    return [dx];
  },
};

export const layoutOps: Record<string, OpImpl> = {
  Flatten: flatten,
  Reshape: reshape,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Transpose: transpose,
  Slice: slice,
  Concat: concat,
  Split: split,
};
