/**
 * Constants that count channels along a pruned axis and that the analysis does not list as members:
 * Split sizes and Slice bounds. Each is recomputed from the indices its input and outputs lose.
 */
import { DataType, makeTensor, tensorData } from '../../onnx';
import { attrInt, attrInts, makeAttributeInts, type Graph, type GraphNode, type ShapeInference } from './graph-edit';

type TensorCuts = ReadonlyMap<string, { axis: number; indices: Set<number> }>;

/** Rewrites Split sizes and Slice bounds along pruned channel axes; returns how many nodes changed. */
export function fixChannelSlices(graph: Graph, shapes: ShapeInference, tensors: TensorCuts): number {
  let changed = 0;
  const opset = defaultOpset(graph);
  for (const node of graph.nodes()) {
    const cut = tensors.get(node.inputs[0]);
    if (!cut || !cut.indices.size) continue;
    const rank = shapes.types.get(node.inputs[0])?.shape?.length;
    if (rank === undefined) continue;
    if (node.opType === 'Split') changed += fixSplit(graph, shapes, tensors, node, cut.axis, rank, opset);
    else if (node.opType === 'Slice') changed += fixSlice(graph, shapes, tensors, node, cut, rank, opset);
  }
  return changed;
}

function defaultOpset(graph: Graph): number {
  const v = graph.model?.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version;
  return v === undefined ? 13 : Number(v);
}

const norm = (a: number, rank: number) => (a < 0 ? a + rank : a);

function dim(shapes: ShapeInference, value: string, axis: number): number | undefined {
  const d = shapes.types.get(value)?.shape?.[axis];
  return typeof d === 'number' ? d : undefined;
}

function fixSplit(
  graph: Graph,
  shapes: ShapeInference,
  tensors: TensorCuts,
  node: GraphNode,
  channelAxis: number,
  rank: number,
  opset: number,
): number {
  if (norm(attrInt(node, 'axis', 0), rank) !== channelAxis) return 0;
  const sizes: number[] = [];
  for (const y of node.outputs) {
    const old = dim(shapes, y, channelAxis);
    if (old === undefined) throw new Error(`Split '${node.name}' has an output of unknown size.`);
    sizes.push(old - (tensors.get(y)?.indices.size ?? 0));
  }
  if (opset < 13) {
    graph.setAttribute(node.id, 'split', makeAttributeInts('split', sizes));
    return 1;
  }
  const name = graph.uniqueName(`${node.name || 'split'}_pruned_sizes`);
  graph.addInitializer(makeTensor(name, DataType.INT64, [sizes.length], BigInt64Array.from(sizes.map(BigInt))));
  graph.setNodeInput(node.id, 1, name);
  graph.setAttribute(node.id, 'num_outputs', undefined);
  return 1;
}

function fixSlice(
  graph: Graph,
  shapes: ShapeInference,
  tensors: TensorCuts,
  node: GraphNode,
  cut: { axis: number; indices: Set<number> },
  rank: number,
  opset: number,
): number {
  const legacy = opset < 10;
  const read = (slot: number, attr: string): number[] | undefined => {
    if (legacy) return attrInts(node, attr);
    const t = node.inputs[slot] ? graph.initializers.get(node.inputs[slot]) : undefined;
    return t ? Array.from(tensorData(t) as ArrayLike<number | bigint>, Number) : undefined;
  };
  const starts = read(1, 'starts');
  const ends = read(2, 'ends');
  if (!starts || !ends) throw new Error(`Slice '${node.name}' along pruned channels has computed bounds.`);
  const axes = read(3, 'axes') ?? starts.map((_, i) => i);
  const k = axes.map((a) => norm(a, rank)).indexOf(cut.axis);
  if (k < 0) return 0;
  const extent = dim(shapes, node.inputs[0], cut.axis);
  const out = dim(shapes, node.outputs[0], cut.axis);
  if (extent === undefined || out === undefined) throw new Error(`Slice '${node.name}' has unknown sizes.`);
  const start = Math.max(0, Math.min(extent, starts[k] < 0 ? starts[k] + extent : starts[k]));
  let before = 0;
  for (const i of cut.indices) if (i < start) before++;
  const newStart = start - before;
  const newEnd = newStart + out - (tensors.get(node.outputs[0])?.indices.size ?? 0);
  starts[k] = newStart;
  ends[k] = newEnd;
  if (legacy) {
    graph.setAttribute(node.id, 'starts', makeAttributeInts('starts', starts));
    graph.setAttribute(node.id, 'ends', makeAttributeInts('ends', ends));
    return 1;
  }
  for (const [slot, values] of [
    [1, starts],
    [2, ends],
  ] as const) {
    const old = graph.initializers.get(node.inputs[slot])!;
    const name = graph.uniqueName(`${node.inputs[slot]}_pruned`);
    const data =
      old.dataType === DataType.INT32
        ? Int32Array.from(values)
        : BigInt64Array.from(values.map((v) => BigInt(Math.round(v))));
    graph.addInitializer(makeTensor(name, old.dataType, [values.length], data));
    graph.setNodeInput(node.id, slot, name);
  }
  return 1;
}
