/**
 * The graph IR: values, nodes and initializers with producers and consumers; edits that keep the
 * graph valid; shape and dtype inference with symbolic dims; the cost model; model summaries.
 */
export type { Dim, GraphNode, NodeId, NodeSpec, TensorType, ValueSource, ValueUse } from './types';
export { Graph } from './graph';
export { GraphError, InputSizeError, InvalidModelError } from './errors';
export { importModel } from './import';
export { exportModel, graphToModel, typeProtoOf } from './export';
export { validateGraph } from './validate';
export { SymbolTable, type DimOp } from './symbols';
export { inferShapes, declaredType, type ShapeInference, type InferOptions } from './infer/infer-shapes';
export type { ConstValue } from './infer/context';
export { activationSizes, type ActivationSizes } from './activation-sizes';
export {
  costModel,
  countParameters,
  isParameter,
  type CostOptions,
  type ModelCost,
  type NodeCost,
} from './cost';
export {
  compactShape,
  imageAxes,
  imageInputShapes,
  parseImageSize,
  inputBindings,
  preferredImageSize,
  shapeForImageSize,
  symbolicInputs,
  type InputShapes,
  type SymbolicInput,
} from './input-size';
export { findShapeConflict, type ShapeConflict } from './shape-conflict';
export { summarizeModel, type ModelSummary, type SummaryOptions, type TensorInfo } from './summary';
export { attrFloat, attrFloats, attrInt, attrInts, attrString, attrTensor } from './attributes';
export { isFloatType, isIntegerType } from './dtype';
export { initializerBehind } from './initializer-behind';
