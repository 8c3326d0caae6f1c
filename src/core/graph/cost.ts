/**
 * Cost model: parameters, multiply-accumulates and other element operations per node and per model,
 * counted at batch 1 the way model zoos report them (FLOPs = 2 × MACs).
 */
import { byteLengthOf, elementCount } from '../onnx';
import { attrInts } from './attributes';
import { isFloatType } from './dtype';
import type { Graph } from './graph';
import { inferShapes, type ShapeInference } from './infer/infer-shapes';
import type { Dim, GraphNode, NodeId } from './types';

export interface NodeCost {
  node: NodeId;
  /** Multiply-accumulates (Conv, ConvTranspose, Gemm, MatMul and their quantized forms); 0 for others. */
  macs: number;
  /** Element operations of other ops (one per output element; pooling counts its window). */
  otherOps: number;
  /** False when a size this cost depends on is unknown (a spatial dim nobody bound): then it counts 0. */
  resolved: boolean;
}

export interface ModelCost {
  /** Elements of weights and biases (float, or integer behind a DequantizeLinear), each counted once. */
  parameters: number;
  macs: number;
  otherOps: number;
  /** Bytes of all initializers' data. */
  initializerBytes: number;
  nodes: Map<NodeId, NodeCost>;
  /** Nodes whose cost could not be counted (see {@link NodeCost.resolved}). */
  unresolved: NodeId[];
}

export interface CostOptions {
  /** Sizes for symbols; each graph input's symbolic first dim (the batch) is bound to 1 unless given. */
  bindings?: Record<string, number>;
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
  const bindings: Record<string, number> = {};
  for (const vi of graph.inputs) {
    const d = shapes.types.get(vi.name)?.shape?.[0];
    if (typeof d === 'string') bindings[d] = 1;
  }
  Object.assign(bindings, options.bindings);
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
  let macs = 0;
  let otherOps = 0;
  for (const node of graph.nodes()) {
    const c = nodeCost(node, elements, dims);
    const cost: NodeCost = {
      node: node.id,
      macs: c?.macs ?? 0,
      otherOps: c?.otherOps ?? 0,
      resolved: c !== undefined,
    };
    if (!c) unresolved.push(node.id);
    nodes.set(node.id, cost);
    macs += cost.macs;
    otherOps += cost.otherOps;
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

function nodeCost(
  node: GraphNode,
  elements: Sizes,
  dims: DimsOf,
): { macs: number; otherOps: number } | undefined {
  const [x, w] = node.inputs;
  const y = node.outputs[0];
  const macsOnly = (m: number | undefined) => (m === undefined ? undefined : { macs: m, otherOps: 0 });
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
      if (!a || !a.length) return undefined;
      const transA = node.opType === 'Gemm' && node.attributes.some((t) => t.name === 'transA' && t.i === 1n);
      const k = a.length === 1 ? a[0] : transA ? a[a.length - 2] : a[a.length - 1];
      const out = elements(y);
      return macsOnly(out !== undefined && k !== undefined ? out * k : undefined);
    }
  }
  if (FREE.has(node.opType)) return { macs: 0, otherOps: 0 };
  if (READ_ALL.has(node.opType)) {
    const n = elements(x);
    return n === undefined ? undefined : { macs: 0, otherOps: n };
  }
  const out = elements(y);
  if (out === undefined) return undefined;
  if (node.opType === 'MaxPool' || node.opType === 'AveragePool' || node.opType === 'LpPool') {
    return { macs: 0, otherOps: out * (prod(attrInts(node, 'kernel_shape') ?? []) ?? 1) };
  }
  return { macs: 0, otherOps: out };
}

function mulDefined(a: number, b: number | undefined): number | undefined {
  return b === undefined ? undefined : a * b;
}
