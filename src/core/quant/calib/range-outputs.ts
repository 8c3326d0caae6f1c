/**
 * Min/max observers need two numbers per tensor and batch, not the tensor: the runtime computes them
 * (ReduceMin/ReduceMax over all axes, added as extra outputs), so calibration copies a few bytes per
 * tensor instead of every activation, and the runtime may reuse activation memory as in plain inference.
 */
import { emptyNode, emptyValueInfo, encodeModel, makeAttribute, AttributeType, type Model, type Node } from '../../onnx';

export interface RangeOutputs {
  readonly bytes: Uint8Array;
  /** Per tensor, the names of its min and max outputs. */
  readonly outputs: ReadonlyMap<string, readonly [string, string]>;
}

/** `model` re-encoded with a scalar min and max output for each of `names`. */
export function withRangeOutputs(model: Model, names: readonly string[]): RangeOutputs {
  const graph = model.graph;
  if (!graph) throw new Error('The model has no graph.');
  const taken = new Set([
    ...graph.node.flatMap((n) => n.output),
    ...graph.input.map((i) => i.name),
    ...graph.initializer.map((t) => t.name),
  ]);
  const fresh = (base: string) => {
    let name = base;
    for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  };
  const extra = [...graph.output];
  const outputs = new Map<string, readonly [string, string]>();
  const reductions = new Map<string, Node[]>();
  for (const name of names) {
    const pair = [fresh(`${name}::min`), fresh(`${name}::max`)] as const;
    const list: Node[] = [];
    reductions.set(name, list);
    (['ReduceMin', 'ReduceMax'] as const).forEach((opType, k) => {
      list.push(
        emptyNode({
          opType,
          name: pair[k],
          input: [name],
          output: [pair[k]],
          attribute: [makeAttribute('keepdims', 0, AttributeType.INT)],
        }),
      );
      extra.push(emptyValueInfo({ name: pair[k] }));
    });
    outputs.set(name, pair);
  }
  // Each reduction right after its producer: the runtime keeps node order where it can, so the tensor
  // is read while it is still alive instead of being held to the end of the graph.
  const nodes: Node[] = [];
  for (const input of graph.input) nodes.push(...(reductions.get(input.name) ?? []));
  for (const node of graph.node) {
    nodes.push(node);
    for (const out of node.output) nodes.push(...(reductions.get(out) ?? []));
  }
  return { bytes: encodeModel({ ...model, graph: { ...graph, node: nodes, output: extra } }), outputs };
}
