/** Elementwise ops (numpy broadcasting), activations and other shape-preserving ops. */
import { DataType } from '../../onnx/types';
import { attrInt } from '../attributes';
import { broadcast, one, type InferRule } from './context';

/** Output = broadcast of all inputs; dtype of input `from`, or `fixed`. */
const broadcasting =
  (fixed?: DataType, from = 0): InferRule =>
  (ctx) => {
    const n = ctx.node.inputs.length;
    const shapes = [];
    for (let i = 0; i < n; i++) if (ctx.has(i)) shapes.push(ctx.shape(i));
    return one(fixed ?? ctx.dtype(from), broadcast(shapes, ctx.symbols));
  };

/** Output 0 has input 0's type. */
const same: InferRule = (ctx) => [
  ctx.type(0) && { dtype: ctx.type(0)!.dtype, shape: ctx.shape(0) && [...ctx.shape(0)!] },
];

// prettier-ignore
const BROADCAST_ARITH = ['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mean', 'Mod', 'BitShift', 'PRelu', 'BitwiseAnd', 'BitwiseOr', 'BitwiseXor'];
const BROADCAST_BOOL = ['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Xor'];
// prettier-ignore
const UNARY = [
  'Relu', 'LeakyRelu', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Elu', 'Selu', 'Celu', 'Softplus', 'Softsign', 'Gelu',
  'Erf', 'Sqrt', 'Exp', 'Log', 'Abs', 'Neg', 'Reciprocal', 'Floor', 'Ceil', 'Round', 'Sign', 'Sin', 'Cos', 'Tan', 'Asin',
  'Acos', 'Atan', 'Sinh', 'Cosh', 'Asinh', 'Acosh', 'Atanh', 'Mish', 'ThresholdedRelu', 'Shrink', 'Clip', 'Identity',
  'Softmax', 'LogSoftmax', 'Hardmax', 'InstanceNormalization', 'LRN', 'MeanVarianceNormalization', 'CumSum', 'Trilu',
  'BitwiseNot', 'ScatterND', 'ScatterElements', 'Scatter', 'ReverseSequence', 'Bernoulli',
];

export const elementwiseRules: Record<string, InferRule> = {
  Where: broadcasting(undefined, 1),
  Not: (ctx) => one(DataType.BOOL, ctx.shape(0)),
  IsNaN: (ctx) => one(DataType.BOOL, ctx.shape(0)),
  IsInf: (ctx) => one(DataType.BOOL, ctx.shape(0)),
  Cast: (ctx) => one(attrInt(ctx.node, 'to', DataType.UNDEFINED), ctx.shape(0)),
  CastLike: (ctx) => one(ctx.dtype(1), ctx.shape(0)),
  /** Output, then the boolean mask (Dropout-12+) or float mask (older). */
  Dropout: (ctx) => [
    ...same(ctx),
    ctx.type(0) && { dtype: ctx.opset >= 10 ? DataType.BOOL : ctx.type(0)!.dtype, shape: ctx.shape(0) },
  ],
  /** Y, then (training mode) running mean and var of shape [C]. */
  BatchNormalization: (ctx) => {
    const x = ctx.shape(0);
    const c = x && x.length > 1 ? [x[1]] : undefined;
    return [
      ...same(ctx),
      ...[1, 2, 3, 4].map(() => ctx.type(1) && { dtype: ctx.type(1)!.dtype, shape: c && [...c] }),
    ];
  },
  /** Y, then Mean and InvStdDev: X's shape with the normalised axes set to 1. */
  LayerNormalization: (ctx) => {
    const x = ctx.shape(0);
    const axis = attrInt(ctx.node, 'axis', -1);
    const reduced = x?.map((d, i) => (i >= (axis < 0 ? axis + x.length : axis) ? 1 : d));
    return [
      ...same(ctx),
      { dtype: DataType.FLOAT, shape: reduced },
      { dtype: DataType.FLOAT, shape: reduced && [...reduced] },
    ];
  },
  /** Output type: y_zero_point's, else `output_dtype` (opset 21), else uint8. */
  QuantizeLinear: (ctx) =>
    one(ctx.dtype(2) ?? (attrInt(ctx.node, 'output_dtype', 0) || DataType.UINT8), ctx.shape(0)),
  /** Output type: the scale's (opset 19+ allows float16/bfloat16), float32 before. */
  DequantizeLinear: (ctx) =>
    one(ctx.opset >= 19 ? (ctx.dtype(1) ?? DataType.FLOAT) : DataType.FLOAT, ctx.shape(0)),
  DynamicQuantizeLinear: (ctx) => [
    { dtype: DataType.UINT8, shape: ctx.shape(0) },
    { dtype: DataType.FLOAT, shape: [] },
    { dtype: DataType.UINT8, shape: [] },
  ],
};
for (const op of BROADCAST_ARITH) elementwiseRules[op] = broadcasting();
for (const op of BROADCAST_BOOL) elementwiseRules[op] = broadcasting(DataType.BOOL);
for (const op of UNARY) elementwiseRules[op] = same;
