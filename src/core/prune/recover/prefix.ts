/**
 * Cuts an exported model down to what computes the given outputs: those outputs only, the nodes they
 * depend on, the initializers those nodes read. A data pass that needs the tensors of the first layers
 * then runs only the front of the network (onnxruntime runs every node of a session, fetched or not).
 */
import type { Model, Node } from '../../onnx';

/** Every value name a node reads, its subgraphs' outer-scope references included. */
function reads(node: Node, into: Set<string>): void {
  for (const i of node.input) if (i) into.add(i);
  for (const a of node.attribute)
    for (const g of [...(a.g ? [a.g] : []), ...a.graphs]) for (const n of g.node) reads(n, into);
}

/** `model` (modified in place) with `outputs` as its only outputs and the nodes they need. */
export function prefixModel(model: Model, outputs: readonly string[]): Model {
  const graph = model.graph!;
  const wanted = new Set(outputs);
  const keep: boolean[] = new Array<boolean>(graph.node.length).fill(false);
  // Nodes are in topological order: one walk from the back collects every ancestor.
  for (let i = graph.node.length - 1; i >= 0; i--) {
    const node = graph.node[i];
    if (!node.output.some((o) => wanted.has(o))) continue;
    keep[i] = true;
    reads(node, wanted);
  }
  graph.node = graph.node.filter((_, i) => keep[i]);
  graph.output = outputs.map((name) => graph.output.find((o) => o.name === name)!);
  // An initializer also declared as an input (old exporters) goes with it, or it would become a feed.
  const dropped = new Set(graph.initializer.filter((t) => !wanted.has(t.name)).map((t) => t.name));
  graph.initializer = graph.initializer.filter((t) => !dropped.has(t.name));
  graph.input = graph.input.filter((i) => !dropped.has(i.name));
  graph.valueInfo = graph.valueInfo.filter((v) => wanted.has(v.name));
  return model;
}
