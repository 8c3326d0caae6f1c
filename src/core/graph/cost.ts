/**
 * Cost model: parameters, multiply-accumulates and other element operations per node and per model,
 * counted at batch 1 the way model zoos report them (FLOPs = 2 × MACs). A cost that depends on a
 * size nobody bound (PaddleOCR det's symbolic height and width) is null, never 0 or a figure computed
 * with the unknown dims taken as 1: bind the input size (`inputShapes`) to count it.
 */
import { byteLengthOf, elementCount } from '../onnx';
import { attrInts } from './attributes';
import { isFloatType } from './dtype';
import type { Graph } from './graph';
import { inferShapes, type ShapeInference } from './infer/infer-shapes';
import { inputBindings, type InputShapes } from './input-size';
import type { Dim, GraphNode, NodeId } from './types';

export interface NodeCost {
  node: NodeId;
  /**
   * Multiply-accumulates (Conv, ConvTranspose, Gemm, MatMul and their quantized forms; 0 for others),
   * or null when they depend on a size nobody bound (a symbolic height or width): unknown, not 0.
   */
  macs: number | null;
  /** Element operations of other ops (one per output element; pooling counts its window); null when unknown. */
  otherOps: number | null;
  /** False when a size this cost depends on is unknown: then `macs` or `otherOps` is null. */
  resolved: boolean;
}

export interface ModelCost {
  /** Elements of weights and biases (float, or integer behind a DequantizeLinear), each counted once. */
  parameters: number;
  /** Total MACs, or null when any node's MACs are unknown (never a partial sum). */
  macs: number | null;
  /** Total other element operations, or null when any node's are unknown. */
  otherOps: number | null;
  /** Bytes of all initializers' data. */
  initializerBytes: number;
  nodes: Map<NodeId, NodeCost>;
  /** Nodes whose cost could not be counted (see {@link NodeCost.resolved}). */
  unresolved: NodeId[];
}

export interface CostOptions {
  /** Sizes for symbols; each graph input's symbolic first dim (the batch) is bound to 1 unless given. */
  bindings?: Record<string, number>;
  /** Concrete shapes fed to the graph's inputs: their symbols take these sizes (see {@link inputBindings}). */
  inputShapes?: InputShapes;
}

/** Ops that only move, view or describe data: no arithmetic counted. */
// prettier-ignore
const FREE = new Set([
  'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Identity', 'Dropout', 'Shape', 'Size', 'Constant', 'ConstantOfShape',
  'Cast', 'CastLike', 'Transpose', 'Concat', 'Split', 'Slice', 'Gather', 'GatherElements', 'GatherND', 'Pad', 'Expand',
  'Tile', 'Range', 'DepthToSpace', 'SpaceToDepth', 'NonZero', 'EyeLike', 'OneHot',
]);
/** Ops that read their whole input to produce a smaller output. */
// prettier-ignore
const READ_ALL = new Set([
  'GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool', 'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceSum', 'ReduceProd',
  'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare', 'ArgMax', 'ArgMin', 'TopK',
]);

/** Input slots holding quantized data (weights, int32 biases), by op. */
const QUANTIZED_DATA: Record<string, readonly number[]> = {
  DequantizeLinear: [0],
  QLinearConv: [3, 8],
  QLinearMatMul: [0, 3],
  ConvInteger: [0, 1],
  MatMulInteger: [0, 1],
};
/** Input slots holding scales and zero points, by op: quantization metadata, not weights. */
const QUANTIZATION_PARAMS: Record<string, readonly number[]> = {
  QuantizeLinear: [1, 2],
  DequantizeLinear: [1, 2],
  QLinearConv: [1, 2, 4, 5, 6, 7],
  QLinearMatMul: [1, 2, 4, 5, 6, 7],
  ConvInteger: [2, 3],
  MatMulInteger: [2, 3],
};

/**
 * Whether initializer `name` is a parameter (a weight or bias) of the model: a floating-point
 * initializer, or an integer one read as quantized data (the int8 weights and int32 biases behind a
 * DequantizeLinear, the weight of a QLinearConv). Scales and zero points of quantization are not, and
 * neither are scalars folded from `Constant` nodes (Clip bounds, the 6 of a HardSwish): operator
 * arguments, which exporters do not count when the same network stores them as initializers.
 */
export function isParameter(graph: Graph, name: string): boolean {
  const t = graph.initializers.get(name);
  if (!t) return false;
  const uses = graph.uses(name).map((u) => ({ op: graph.node(u.node).opType, slot: u.index }));
  if (!isFloatType(t.dataType)) return uses.some((u) => QUANTIZED_DATA[u.op]?.includes(u.slot));
  if (graph.foldedConstants.has(name) && elementCount(t) <= 1) return false;
  return !uses.length || uses.some((u) => !QUANTIZATION_PARAMS[u.op]?.includes(u.slot));
}

/** Parameters: elements of the initializers {@link isParameter} accepts, each counted once. */
export function countParameters(graph: Graph): number {
  let n = 0;
  for (const name of graph.initializers.keys())
    if (isParameter(graph, name)) n += elementCount(graph.initializers.get(name)!);
  return n;
}

/** Per-node and total costs; `shapes` defaults to a fresh {@link inferShapes}. */
export function costModel(
  graph: Graph,
  shapes: ShapeInference = inferShapes(graph),
  options: CostOptions = {},
): ModelCost {
  const bindings = { ...inputBindings(graph, shapes, options.inputShapes), ...options.bindings };
  const size = (d: Dim | undefined) => (d === undefined ? undefined : shapes.symbols.evaluate(d, bindings));
  const elements = (name: string | undefined): number | undefined => {
    const s = name ? shapes.types.get(name)?.shape : undefined;
    if (!s) return undefined;
    let n = 1;
    for (const d of s) {
      const v = size(d);
      if (v === undefined) return undefined;
      n *= v;
    }
    return n;
  };
  const dims = (name: string | undefined): (number | undefined)[] | undefined =>
    name ? shapes.types.get(name)?.shape?.map(size) : undefined;

  const nodes = new Map<NodeId, NodeCost>();
  const unresolved: NodeId[] = [];
  let macs: number | null = 0;
  let otherOps: number | null = 0;
  for (const node of graph.nodes()) {
    const c = nodeCost(node, elements, dims);
    const cost: NodeCost = { node: node.id, ...c, resolved: c.macs !== null && c.otherOps !== null };
    if (!cost.resolved) unresolved.push(node.id);
    nodes.set(node.id, cost);
    macs = macs === null || c.macs === null ? null : macs + c.macs;
    otherOps = otherOps === null || c.otherOps === null ? null : otherOps + c.otherOps;
  }
  let initializerBytes = 0;
  for (const t of graph.initializers.values())
    initializerBytes += t.rawData ? t.rawData.byteLength : byteLengthOf(t.dataType, elementCount(t));
  return { parameters: countParameters(graph), macs, otherOps, initializerBytes, nodes, unresolved };
}

type Sizes = (name: string | undefined) => number | undefined;
type DimsOf = (name: string | undefined) => (number | undefined)[] | undefined;

const prod = (xs: (number | undefined)[]): number | undefined => {
  let n = 1;
  for (const x of xs) {
    if (x === undefined) return undefined;
    n *= x;
  }
  return n;
};

type Counted = { macs: number | null; otherOps: number | null };

function nodeCost(node: GraphNode, elements: Sizes, dims: DimsOf): Counted {
  const [x, w] = node.inputs;
  const y = node.outputs[0];
  const macsOnly = (m: number | undefined): Counted => ({ macs: m ?? null, otherOps: 0 });
  const opsOnly = (n: number | undefined): Counted => ({ macs: 0, otherOps: n ?? null });
  if (node.domain !== '' && node.domain !== 'ai.onnx') return { macs: 0, otherOps: 0 };
  switch (node.opType) {
    case 'Conv':
    case 'ConvInteger': {
      // N·Cout·Hout·Wout · (Cin/group)·kH·kW: output elements × weight elements per output channel.
      const wd = dims(w);
      const out = elements(y);
      return macsOnly(wd && out !== undefined ? mulDefined(out, prod(wd.slice(1))) : undefined);
    }
    case 'QLinearConv': {
      const wd = dims(node.inputs[3]);
      const out = elements(y);
      return macsOnly(wd && out !== undefined ? mulDefined(out, prod(wd.slice(1))) : undefined);
    }
    case 'ConvTranspose': {
      // Every input element is scattered through (Cout/group)·kH·kW weights.
      const wd = dims(w);
      const inp = elements(x);
      return macsOnly(wd && inp !== undefined ? mulDefined(inp, prod(wd.slice(1))) : undefined);
    }
    case 'Gemm':
    case 'MatMul':
    case 'MatMulInteger':
    case 'QLinearMatMul': {
      // Output elements × K, K the shared (contracted) dim of A.
      const a = dims(x);
      if (!a || !a.length) return macsOnly(undefined);
      const transA = node.opType === 'Gemm' && node.attributes.some((t) => t.name === 'transA' && t.i === 1n);
      const k = a.length === 1 ? a[0] : transA ? a[a.length - 2] : a[a.length - 1];
      const out = elements(y);
      return macsOnly(out !== undefined && k !== undefined ? out * k : undefined);
    }
  }
  if (FREE.has(node.opType)) return { macs: 0, otherOps: 0 };
  if (READ_ALL.has(node.opType)) return opsOnly(elements(x));
  const out = elements(y);
  if (out !== undefined && ['MaxPool', 'AveragePool', 'LpPool'].includes(node.opType))
    return opsOnly(out * (prod(attrInts(node, 'kernel_shape') ?? []) ?? 1));
  return opsOnly(out);
}

function mulDefined(a: number, b: number | undefined): number | undefined {
  return b === undefined ? undefined : a * b;
}
