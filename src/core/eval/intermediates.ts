import { decodeModel, encodeModel, type Model, type ValueInfo } from '../onnx';

/**
 * Re-encodes a model with inner tensors added to `graph.output`, so a runtime returns them and two
 * models sharing tensor names can be compared tensor by tensor. `names` defaults to every node output
 * except those of `Constant` nodes. The type is copied from `graph.valueInfo` when the model has it and
 * left out otherwise (onnxruntime infers it, as its own calibration tools rely on).
 */
export function exposeIntermediates(model: Model | Uint8Array, names?: readonly string[]): Uint8Array {
  const decoded = model instanceof Uint8Array ? decodeModel(model) : model;
  const graph = decoded.graph;
  if (!graph) throw new Error('The model has no graph.');
  const already = new Set(graph.output.map((o) => o.name));
  const produced = new Set(graph.node.flatMap((n) => n.output));
  const wanted = names ?? graph.node.filter((n) => n.opType !== 'Constant').flatMap((n) => n.output);
  const typed = new Map(graph.valueInfo.map((v) => [v.name, v]));
  const extra: ValueInfo[] = [];
  for (const name of wanted) {
    if (name === '' || already.has(name)) continue;
    if (!produced.has(name)) throw new Error(`No node produces a tensor named '${name}'.`);
    already.add(name);
    extra.push(typed.get(name) ?? { name, docString: '', metadataProps: [] });
  }
  return encodeModel({ ...decoded, graph: { ...graph, output: [...graph.output, ...extra] } });
}
