/**
 * How onnxruntime's CPU QDQ selectors group ops (onnxruntime/core/optimizer/qdq_transformer/
 * selectors_actions): the planner and the fusability check both read these tables.
 */

/** Ops with a weight: DQ(x), DQ(w), optional DQ(bias int32), Q(y). */
export const WEIGHTED = new Set(['Conv', 'Gemm', 'MatMul']);
/** Ops whose weight is stored int8 but that onnxruntime's CPU runs in float (no QDQ selector). */
export const WEIGHT_ONLY = new Set(['ConvTranspose']);
/** Two DQ inputs, one Q output: QLinearAdd, QLinearMul. */
export const BINARY = new Set(['Add', 'Mul']);
/** All inputs DQ, one Q output: QLinearConcat. */
export const VARIADIC = new Set(['Concat']);
/** One DQ input, one Q output: QLinear* contrib ops. */
export const UNARY = new Set(['AveragePool', 'GlobalAveragePool', 'LeakyRelu', 'Sigmoid', 'Softmax']);
/** One DQ in, one Q out with the same scale and zero point: the Q/DQ are dropped, the op runs on integers. */
export const PASSTHROUGH = new Set([
  'MaxPool',
  'Reshape',
  'Flatten',
  'Transpose',
  'Squeeze',
  'Unsqueeze',
  'Slice',
  'Gather',
  'Expand',
  'Tile',
  'Resize',
]);
/** Activations that a Q with the right range makes redundant (removed into the producer's unit). */
export const ABSORBABLE = new Set(['Relu', 'Clip']);

/** Op types quantized by default. Softmax stays float: its output is usually the model's answer. */
export const DEFAULT_OP_TYPES: readonly string[] = [
  ...WEIGHTED,
  ...WEIGHT_ONLY,
  ...BINARY,
  ...VARIADIC,
  'AveragePool',
  'GlobalAveragePool',
  'LeakyRelu',
  'Sigmoid',
  ...PASSTHROUGH,
];

/** Integer op onnxruntime substitutes for a fused unit. */
export function fusedName(opType: string, hasOutputQ: boolean): string {
  switch (opType) {
    case 'Conv':
      return 'QLinearConv';
    case 'MatMul':
      return hasOutputQ ? 'QLinearMatMul' : 'MatMulIntegerToFloat';
    case 'Gemm':
      return 'QGemm';
    default:
      return PASSTHROUGH.has(opType) ? opType : `QLinear${opType}`;
  }
}
