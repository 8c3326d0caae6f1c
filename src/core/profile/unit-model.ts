/**
 * One node of a model (with the Relu or Clip the quantizer absorbs into it) as a model of its own, at
 * its real shapes with batch 1: what the profile times. A Conv can be built at another width (output
 * or input channels), with filler weights, for the latency-vs-width curve.
 */
import {
  attrInt,
  importModel,
  initializerBehind,
  type Graph,
  type GraphNode,
  type ShapeInference,
} from '../graph';
import {
  AttributeType,
  DataType,
  emptyGraph,
  emptyModel,
  emptyNode,
  emptyValueInfo,
  makeAttribute,
  makeTensor,
  type Model,
  type Node,
  type Tensor,
} from '../onnx';
import { typeProtoOf } from '../graph';

/** A quantizable node and the activation after it that the quantizer folds into it. */
export interface NodeUnit {
  readonly node: GraphNode;
  readonly absorbed?: GraphNode;
}

/** Conv channel counts to build the unit at instead of the model's own. */
export interface UnitWidth {
  /** Output channels (filters). */
  readonly out?: number;
  /** Input channels. */
  readonly in?: number;
}

const protoNode = (n: GraphNode): Node =>
  emptyNode({
    input: [...n.inputs],
    output: [...n.outputs],
    name: n.name,
    opType: n.opType,
    domain: n.domain,
    attribute: n.attributes,
  });

/** Concrete dims: symbols (the batch, mostly) become 1. */
export const concreteShape = (shapes: ShapeInference, value: string): number[] | undefined =>
  shapes.types.get(value)?.shape?.map((d) => (typeof d === 'number' ? d : 1));

/**
 * The float model of `unit`: its activation inputs become graph inputs, its initializers come along,
 * the last output is the graph output. Undefined when a shape is unknown (the unit cannot be timed).
 */
export function unitModel(
  graph: Graph,
  shapes: ShapeInference,
  unit: NodeUnit,
  width?: UnitWidth,
): Model | undefined {
  const nodes = unit.absorbed ? [unit.node, unit.absorbed] : [unit.node];
  const inner = new Set(nodes.flatMap((n) => n.outputs));
  const reads = [...new Set(nodes.flatMap((n) => n.inputs))].filter((v) => v !== '' && !inner.has(v));
  const initializers: Tensor[] = [];
  const inputs = [];
  for (const v of reads) {
    // A deduplicated export reads some weights through Identity nodes: the unit holds them as its own.
    const behind = initializerBehind(graph, v);
    const t = behind === undefined ? undefined : graph.initializers.get(behind);
    if (t) {
      initializers.push(behind === v ? t : { ...t, name: v });
      continue;
    }
    const dtype = shapes.types.get(v)?.dtype;
    const shape = concreteShape(shapes, v);
    if (dtype === undefined || !shape) return undefined;
    inputs.push(emptyValueInfo({ name: v, type: typeProtoOf({ dtype, shape }) }));
  }
  const out = nodes[nodes.length - 1].outputs[0];
  const outType = shapes.types.get(out);
  const outShape = concreteShape(shapes, out);
  if (!outType || !outShape) return undefined;
  let protoNodes = nodes.map(protoNode);
  let outputShape = outShape;
  if (width) {
    const resized = resizeConv(graph, shapes, unit.node, width);
    if (!resized) return undefined;
    inputs[0] = emptyValueInfo({
      name: unit.node.inputs[0],
      type: typeProtoOf({ dtype: DataType.FLOAT, shape: resized.input }),
    });
    initializers.splice(
      0,
      initializers.length,
      ...resized.initializers,
      ...initializers.filter((t) => !resized.replaces.has(t.name)),
    );
    protoNodes = [{ ...protoNodes[0], attribute: resized.attributes }, ...protoNodes.slice(1)];
    outputShape = [outShape[0], resized.outChannels, ...outShape.slice(2)];
  }
  const opset = graph.model?.opsetImport ?? [{ domain: '', version: 13n }];
  return emptyModel({
    irVersion: graph.model?.irVersion ?? 8n,
    opsetImport: opset,
    graph: emptyGraph({
      name: `unit_${unit.node.name}`,
      node: protoNodes,
      initializer: initializers,
      input: inputs,
      output: [
        emptyValueInfo({ name: out, type: typeProtoOf({ dtype: outType.dtype, shape: outputShape }) }),
      ],
    }),
  });
}

/** `unitModel` as a graph. */
export function unitGraph(
  graph: Graph,
  shapes: ShapeInference,
  unit: NodeUnit,
  width?: UnitWidth,
): Graph | undefined {
  const m = unitModel(graph, shapes, unit, width);
  return m && importModel(m);
}

/**
 * A Conv at other channel counts: input shape, filler weights and bias, and `group` for a depthwise
 * Conv (whose input and output channels move together). Undefined for anything else.
 */
function resizeConv(
  graph: Graph,
  shapes: ShapeInference,
  node: GraphNode,
  width: UnitWidth,
):
  | {
      input: number[];
      initializers: Tensor[];
      replaces: Set<string>;
      attributes: typeof node.attributes;
      outChannels: number;
    }
  | undefined {
  if (node.opType !== 'Conv') return undefined;
  const x = concreteShape(shapes, node.inputs[0]);
  const w = graph.initializers.get(initializerBehind(graph, node.inputs[1]) ?? '');
  if (!x || !w) return undefined;
  const dims = w.dims.map(Number);
  const group = attrInt(node, 'group', 1);
  const depthwise = group > 1 && group === x[1] && group === dims[0];
  let cin = width.in ?? x[1];
  let cout = width.out ?? dims[0];
  if (depthwise) cin = cout = width.out ?? width.in ?? dims[0];
  else if (group > 1) return undefined; // other grouped convs keep their widths
  const g = depthwise ? cin : 1;
  const weightDims = [cout, cin / g, ...dims.slice(2)];
  const initializers = [makeTensor(node.inputs[1], DataType.FLOAT, weightDims, filler(weightDims))];
  const b = node.inputs[2];
  const replaces = new Set([node.inputs[1]]);
  if (b) {
    initializers.push(makeTensor(b, DataType.FLOAT, [cout], filler([cout])));
    replaces.add(b);
  }
  const attributes = node.attributes.map((a) =>
    a.name === 'group' ? makeAttribute('group', g, AttributeType.INT) : a,
  );
  return { input: [x[0], cin, ...x.slice(2)], initializers, replaces, attributes, outChannels: cout };
}

/** Small deterministic values: timing does not depend on them, but denormals or all-zero could. */
function filler(dims: number[]): Float32Array {
  const n = dims.reduce((a, b) => a * b, 1);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (((i * 2654435761) >>> 0) / 2 ** 32 - 0.5) * 0.1;
  return a;
}
