/**
 * Constant propagation of small tensors, so that the Shape → Gather → Concat → Reshape chains
 * exporters emit resolve to a target shape. Values may hold symbols (the dims of a symbolic shape);
 * integer arithmetic on them derives new symbols, so `[batch, C·H·W]` stays exact.
 */
import { tensorData } from '../../onnx';
import { DataType, type Tensor } from '../../onnx/types';
import { attrInt, attrInts, attrTensor } from '../attributes';
import { isFloatType, isIntegerType } from '../dtype';
import type { SymbolTable } from '../symbols';
import type { Dim, TensorType } from '../types';
import { axisOf, numbersOf, type ConstValue, type InferContext } from './context';
import { axesOf } from './reshape';

/** Largest tensor (elements) whose contents are tracked. */
export const MAX_CONST_ELEMENTS = 1024;

type Rule = (ctx: InferContext, out: (TensorType | undefined)[]) => (ConstValue | undefined)[] | undefined;

/** Contents of a small numeric initializer; undefined for strings, 16-bit floats and big tensors. */
export function constOfTensor(t: Tensor): ConstValue | undefined {
  const dims = t.dims.map(Number);
  if (dims.reduce((a, b) => a * b, 1) > MAX_CONST_ELEMENTS) return undefined;
  if (
    t.dataType !== DataType.BOOL &&
    !isIntegerType(t.dataType) &&
    t.dataType !== DataType.FLOAT &&
    t.dataType !== DataType.DOUBLE
  )
    return undefined;
  if (
    t.dataType === DataType.INT4 ||
    t.dataType === DataType.UINT4 ||
    t.dataType === DataType.INT2 ||
    t.dataType === DataType.UINT2
  )
    return undefined;
  const raw = tensorData(t);
  const data: number[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) data[i] = Number(raw[i]);
  return { dtype: t.dataType, dims, data };
}

const numericDims = (t: TensorType | undefined): number[] | undefined =>
  t?.shape && t.shape.every((d): d is number => typeof d === 'number') ? t.shape : undefined;

const count = (dims: number[]) => dims.reduce((a, b) => a * b, 1);

/** For each element of `out`, the flat index of the element of `dims` it broadcasts from. */
function broadcastFrom(out: number[], dims: number[]): Int32Array {
  const n = count(out);
  const map = new Int32Array(n);
  const offset = out.length - dims.length;
  for (let i = 0; i < n; i++) {
    let rem = i;
    let idx = 0;
    let stride = 1;
    for (let k = out.length - 1; k >= 0; k--) {
      const coord = rem % out[k];
      rem = Math.floor(rem / out[k]);
      const dk = k - offset;
      if (dk < 0) continue;
      if (dims[dk] !== 1) idx += coord * stride;
      stride *= dims[dk];
    }
    map[i] = idx;
  }
  return map;
}

/** One elementwise step on dims; undefined when a symbolic operand leaves it unknown. */
function binary(op: string, a: Dim, b: Dim, int: boolean, s: SymbolTable): Dim | undefined {
  if (typeof a === 'number' && typeof b === 'number') {
    switch (op) {
      case 'Add':
        return a + b;
      case 'Sub':
        return a - b;
      case 'Mul':
        return a * b;
      case 'Div':
        return int ? Math.trunc(a / b) : a / b;
      case 'Mod':
        return a - b * Math.floor(a / b);
      case 'Pow':
        return a ** b;
      case 'Max':
        return Math.max(a, b);
      case 'Min':
        return Math.min(a, b);
      case 'Equal':
        return a === b ? 1 : 0;
      case 'Less':
        return a < b ? 1 : 0;
      case 'Greater':
        return a > b ? 1 : 0;
      case 'LessOrEqual':
        return a <= b ? 1 : 0;
      case 'GreaterOrEqual':
        return a >= b ? 1 : 0;
      case 'And':
        return a && b ? 1 : 0;
      case 'Or':
        return a || b ? 1 : 0;
      case 'Xor':
        return !a !== !b ? 1 : 0;
    }
    return undefined;
  }
  // A symbol is a size: a non-negative integer.
  switch (op) {
    case 'Add':
      return s.derive('add', a, b);
    case 'Sub':
      return s.derive('sub', a, b);
    case 'Mul':
      return typeof a === 'number' && !Number.isInteger(a)
        ? undefined
        : typeof b === 'number' && !Number.isInteger(b)
          ? undefined
          : s.derive('mul', a, b);
    case 'Div':
      return int ? s.derive('floordiv', a, b) : undefined;
    case 'Max':
      return s.derive('max', a, b);
    case 'Min':
      return s.derive('min', a, b);
    case 'Equal':
      return a === b
        ? 1
        : (typeof a === 'number' && a < 0) || (typeof b === 'number' && b < 0)
          ? 0
          : undefined;
  }
  return undefined;
}

function unary(op: string, a: Dim): Dim | undefined {
  if (typeof a !== 'number')
    return op === 'Abs' || op === 'Floor' || op === 'Ceil' || op === 'Round' ? a : undefined;
  switch (op) {
    case 'Neg':
      return -a;
    case 'Abs':
      return Math.abs(a);
    case 'Floor':
      return Math.floor(a);
    case 'Ceil':
      return Math.ceil(a);
    case 'Round':
      return roundHalfEven(a);
    case 'Sqrt':
      return Math.sqrt(a);
    case 'Reciprocal':
      return 1 / a;
    case 'Not':
      return a ? 0 : 1;
    case 'Relu':
      return Math.max(a, 0);
  }
  return undefined;
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const castTo = (v: Dim, to: DataType): Dim => {
  if (typeof v !== 'number') return v;
  if (to === DataType.BOOL) return v ? 1 : 0;
  if (isFloatType(to)) return to === DataType.FLOAT ? Math.fround(v) : v;
  return Math.trunc(v);
};

/** The output's contents are the input's, in the output's (numeric) shape. */
const passThrough: Rule = (ctx, out) => {
  const v = ctx.value(0);
  const dims = numericDims(out[0]);
  return v && dims ? [{ dtype: v.dtype, dims, data: v.data }] : undefined;
};

const elementwise: Rule = (ctx, out) => {
  const dims = numericDims(out[0]);
  const n = ctx.node.inputs.length;
  // Malformed arity (an op swapped in by hand): nothing to evaluate, the model will fail elsewhere.
  if (n === 0 || (ctx.node.opType === 'Where' && n !== 3)) return undefined;
  const vals: ConstValue[] = [];
  for (let i = 0; i < n; i++) {
    const v = ctx.value(i);
    if (!v) return undefined;
    vals.push(v);
  }
  if (!dims || !out[0] || count(dims) > MAX_CONST_ELEMENTS) return undefined;
  const maps = vals.map((v) => broadcastFrom(dims, v.dims));
  const op = ctx.node.opType;
  const int = isIntegerType(vals[0].dtype);
  const data: Dim[] = [];
  for (let i = 0; i < count(dims); i++) {
    let r: Dim | undefined;
    if (op === 'Where') {
      const c = vals[0].data[maps[0][i]];
      r = typeof c === 'number' ? (c ? vals[1].data[maps[1][i]] : vals[2].data[maps[2][i]]) : undefined;
    } else if (n === 1) r = unary(op, vals[0].data[maps[0][i]]);
    else {
      r = vals[0].data[maps[0][i]];
      for (let k = 1; k < n && r !== undefined; k++)
        r = binary(op === 'Sum' ? 'Add' : op, r, vals[k].data[maps[k][i]], int, ctx.symbols);
    }
    if (r === undefined) return undefined;
    data.push(r);
  }
  return [{ dtype: out[0].dtype, dims, data }];
};

const rules: Record<string, Rule> = {
  Identity: passThrough,
  Reshape: passThrough,
  Flatten: passThrough,
  Squeeze: passThrough,
  Unsqueeze: passThrough,
  Shape: (ctx) => {
    const x = ctx.shape(0);
    if (!x) return undefined;
    const r = x.length;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
    const data = x.slice(clamp(attrInt(ctx.node, 'start', 0)), clamp(attrInt(ctx.node, 'end', r)));
    return [{ dtype: DataType.INT64, dims: [data.length], data }];
  },
  Size: (ctx) => {
    const x = ctx.shape(0);
    if (!x) return undefined;
    let p: Dim = 1;
    for (const d of x) p = ctx.symbols.derive('mul', p, d);
    return [{ dtype: DataType.INT64, dims: [], data: [p] }];
  },
  Cast: (ctx) => {
    const v = ctx.value(0);
    const to = attrInt(ctx.node, 'to', DataType.UNDEFINED);
    return v && [{ dtype: to, dims: v.dims, data: v.data.map((d) => castTo(d, to)) }];
  },
  Concat: (ctx, out) => {
    const dims = numericDims(out[0]);
    if (!dims || dims.length !== 1) return undefined;
    const data: Dim[] = [];
    for (let i = 0; i < ctx.node.inputs.length; i++) {
      const v = ctx.value(i);
      if (!v) return undefined;
      data.push(...v.data);
    }
    return [{ dtype: out[0]!.dtype, dims, data }];
  },
  Gather: (ctx, out) => {
    const x = ctx.value(0);
    const idx = numbersOf(ctx.value(1));
    const dims = numericDims(out[0]);
    if (!x || !idx || !dims) return undefined;
    const axis = axisOf(attrInt(ctx.node, 'axis', 0), x.dims.length);
    const outer = count(x.dims.slice(0, axis));
    const len = x.dims[axis];
    const inner = count(x.dims.slice(axis + 1));
    const data: Dim[] = [];
    for (let o = 0; o < outer; o++)
      for (const j of idx)
        for (let k = 0; k < inner; k++) data.push(x.data[(o * len + (j < 0 ? j + len : j)) * inner + k]);
    return [{ dtype: x.dtype, dims, data }];
  },
  Slice: (ctx, out) => {
    const x = ctx.value(0);
    const dims = numericDims(out[0]);
    if (!x || !dims || x.dims.length !== 1) return undefined;
    const attrForm = ctx.opset < 10;
    const start = attrForm ? attrInts(ctx.node, 'starts')?.[0] : numbersOf(ctx.value(1))?.[0];
    const step = attrForm ? 1 : ctx.has(4) ? numbersOf(ctx.value(4))?.[0] : 1;
    if (start === undefined || step === undefined) return undefined;
    const len = x.dims[0];
    let s = start < 0 ? start + len : start;
    s = step > 0 ? Math.min(Math.max(s, 0), len) : Math.min(Math.max(s, 0), len - 1);
    const data: Dim[] = [];
    for (let i = 0; i < dims[0]; i++) data.push(x.data[s + i * step]);
    return [{ dtype: x.dtype, dims, data }];
  },
  Split: (ctx, out) => {
    const x = ctx.value(0);
    if (!x || x.dims.length !== 1) return undefined;
    let at = 0;
    return out.map((t) => {
      const dims = numericDims(t);
      if (!dims) return undefined;
      const data = x.data.slice(at, at + dims[0]);
      at += dims[0];
      return { dtype: x.dtype, dims, data };
    });
  },
  Range: (ctx, out) => {
    const [s, l, d] = [0, 1, 2].map((i) => numbersOf(ctx.value(i))?.[0]);
    const dims = numericDims(out[0]);
    if (s === undefined || l === undefined || d === undefined || !dims || dims[0] > MAX_CONST_ELEMENTS)
      return undefined;
    return [{ dtype: out[0]!.dtype, dims, data: Array.from({ length: dims[0] }, (_, i) => s + i * d) }];
  },
  ConstantOfShape: (ctx, out) => {
    const dims = numericDims(out[0]);
    if (!dims || count(dims) > MAX_CONST_ELEMENTS) return undefined;
    const t = attrTensor(ctx.node, 'value');
    const fill = t ? (constOfTensor(t)?.data[0] ?? 0) : 0;
    return [{ dtype: out[0]!.dtype, dims, data: new Array(count(dims)).fill(fill) }];
  },
  Expand: (ctx, out) => {
    const x = ctx.value(0);
    const dims = numericDims(out[0]);
    if (!x || !dims || count(dims) > MAX_CONST_ELEMENTS) return undefined;
    const map = broadcastFrom(dims, x.dims);
    return [{ dtype: x.dtype, dims, data: Array.from(map, (i) => x.data[i]) }];
  },
  ReduceProd: (ctx, out) => reduceAll(ctx, out, (a, b) => ctx.symbols.derive('mul', a, b)),
  ReduceSum: (ctx, out) => reduceAll(ctx, out, (a, b) => ctx.symbols.derive('add', a, b)),
  ReduceMax: (ctx, out) => reduceAll(ctx, out, (a, b) => ctx.symbols.derive('max', a, b)),
  ReduceMin: (ctx, out) => reduceAll(ctx, out, (a, b) => ctx.symbols.derive('min', a, b)),
};

/** A reduction of a 1-D value over its only axis. */
function reduceAll(
  ctx: InferContext,
  out: (TensorType | undefined)[],
  f: (a: Dim, b: Dim) => Dim,
): (ConstValue | undefined)[] | undefined {
  const x = ctx.value(0);
  const dims = numericDims(out[0]);
  if (!x || !dims || x.dims.length !== 1 || count(dims) !== 1) return undefined;
  const axes = axesOf(ctx, ctx.node.opType === 'ReduceSum' ? 13 : 18);
  if (axes && axes.length && !(axes.length === 1 && axisOf(axes[0], 1) === 0)) return undefined;
  if (!x.data.length) return undefined;
  return [{ dtype: x.dtype, dims, data: [x.data.reduce(f)] }];
}

// prettier-ignore
const ELEMENTWISE = ['Add', 'Sub', 'Mul', 'Div', 'Mod', 'Pow', 'Max', 'Min', 'Sum', 'Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Xor', 'Where', 'Not', 'Neg', 'Abs', 'Floor', 'Ceil', 'Round', 'Sqrt', 'Reciprocal', 'Relu'];
for (const op of ELEMENTWISE) rules[op] = elementwise;

/** The contents of a node's outputs when its inputs' contents are known and small. */
export function evaluateConstants(
  ctx: InferContext,
  out: (TensorType | undefined)[],
): (ConstValue | undefined)[] | undefined {
  const rule = rules[ctx.node.opType];
  return rule ? rule(ctx, out) : undefined;
}
