/** Model → Graph, folding `Constant` nodes into initializers. */
import type { Model } from '../onnx/types';
import { checkDeclaredShape, checkTensor } from './check-model';
import { constantTensor } from './constant';
import { GraphError, InvalidModelError } from './errors';
import { Graph } from './graph';
import type { NodeSpec } from './types';

/**
 * Builds the graph IR of `model`. `Constant` nodes become initializers named after their output
 * (exporters emit hundreds of them; PaddleOCR's models hold every weight that way), except those
 * whose output is a graph output or that hold a sparse tensor. Initializers also listed as graph
 * inputs (IR < 4 habit) stay initializers. Throws {@link InvalidModelError} on an undefined value, a
 * value defined twice, a cycle, an initializer whose data does not match its dims, or a negative
 * declared dimension: the model's fault, said in one sentence.
 */
export function importModel(model: Model): Graph {
  try {
    return buildGraph(model);
  } catch (e) {
    if (e instanceof GraphError && !(e instanceof InvalidModelError))
      throw new InvalidModelError(`The model is invalid: ${e.message}.`, { cause: e });
    throw e;
  }
}

function buildGraph(model: Model): Graph {
  const g = new Graph(model);
  const proto = model.graph;
  if (!proto) return g;
  g.name = proto.name;
  for (const t of proto.initializer) {
    checkTensor(t, 'Initializer');
    g.addInitializer(t);
  }
  for (const v of proto.input) {
    checkDeclaredShape(v, 'Graph input');
    if (!g.initializers.has(v.name)) g.addInput(v);
  }
  const outputs = new Set(proto.output.map((o) => o.name));
  const specs: NodeSpec[] = [];
  for (const n of proto.node) {
    const folded =
      n.opType === 'Constant' && (n.domain === '' || n.domain === 'ai.onnx') && !outputs.has(n.output[0])
        ? constantTensor(n.output[0], n.attribute)
        : undefined;
    if (folded) {
      checkTensor(folded, `Constant '${n.name}' output`);
      g.addInitializer(folded, true);
    } else
      specs.push({
        opType: n.opType,
        domain: n.domain,
        name: n.name,
        inputs: n.input,
        outputs: n.output,
        attributes: n.attribute,
        source: n,
      });
  }
  g.addNodes(specs);
  for (const o of proto.output) {
    checkDeclaredShape(o, 'Graph output');
    if (!g.hasValue(o.name)) throw new GraphError(`graph output '${o.name}' is not defined`);
    g.outputs.push(o);
  }
  for (const vi of proto.valueInfo) {
    checkDeclaredShape(vi, 'Value');
    g.valueInfo.set(vi.name, vi);
  }
  g.nodes(); // sorts, and throws on a cycle now rather than later
  return g;
}
