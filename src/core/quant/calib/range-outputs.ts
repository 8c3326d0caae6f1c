/**
 * Min/max observers need two numbers per tensor and batch, not the tensor: the runtime computes them
 * (ReduceMin/ReduceMax over all axes, added as extra outputs), so calibration copies a few bytes per
 * tensor instead of every activation, and the runtime may reuse activation memory as in plain inference.
 */
import {
  emptyNode,
  emptyValueInfo,
  encodeModel,
  makeAttribute,
  AttributeType,
  type Model,
  type Node,
} from '../../onnx';

export interface RangeOutputs {
  readonly bytes: Uint8Array;
  /** Per tensor, the names of its min and max outputs (no min for a tensor known not negative). */
  readonly outputs: ReadonlyMap<string, readonly [string | undefined, string]>;
}

/**
 * `model` re-encoded with a scalar min and max output for each of `names`; for those in
 * `nonNegative` the max alone (their min is 0 as far as quantization is concerned).
 */
export function withRangeOutputs(
  model: Model,
  names: readonly string[],
  nonNegative: ReadonlySet<string> = new Set(),
): RangeOutputs {
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
  const outputs = new Map<string, readonly [string | undefined, string]>();
  const reductions = new Map<string, Node[]>();
  const reduce = (opType: 'ReduceMin' | 'ReduceMax', input: string, output: string): Node => {
    extra.push(emptyValueInfo({ name: output }));
    return emptyNode({
      opType,
      name: output,
      input: [input],
      output: [output],
      attribute: [makeAttribute('keepdims', 0, AttributeType.INT)],
    });
  };
  for (const name of names) {
    const lo = nonNegative.has(name) ? undefined : fresh(`${name}::min`);
    const hi = fresh(`${name}::max`);
    const list = lo ? [reduce('ReduceMin', name, lo)] : [];
    list.push(reduce('ReduceMax', name, hi));
    reductions.set(name, list);
    outputs.set(name, [lo, hi]);
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
