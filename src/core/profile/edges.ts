/**
 * Which quantizable nodes hand tensors to which, looking through the ops that ride along in either
 * precision (MaxPool, Reshape, Flatten, the absorbed Relu): where two neighbours differ in precision,
 * a QuantizeLinear or DequantizeLinear sits between them.
 */
import type { Graph, GraphNode } from '../graph';
import type { QuantPlan } from '../quant';

/** The one node reading `value`, when exactly one does and it is not a graph output. */
export function soleReader(graph: Graph, value: string): GraphNode | undefined {
  if (graph.isGraphOutput(value)) return undefined;
  const uses = graph.uses(value);
  return uses.length === 1 ? graph.node(uses[0].node) : undefined;
}

export interface UnitLinks {
  /** Per activation input, the quantizable node producing it (undefined: a graph input or a float op). */
  readonly from: readonly (string | undefined)[];
  /** Quantizable nodes reading the output; `border` when something else (a float op, the graph output) reads it too. */
  readonly to: readonly string[];
  readonly border: boolean;
}

const riding = (plan: QuantPlan, n: GraphNode) =>
  plan.nodes[n.name] === 'passthrough' || plan.nodes[n.name] === 'absorbed';

/** Links of each quantizable node, by name. */
export function unitLinks(graph: Graph, plan: QuantPlan): Map<string, UnitLinks> {
  const links = new Map<string, UnitLinks>();
  for (const node of graph.nodes()) {
    if (plan.nodes[node.name] !== 'quantized') continue;
    const from = node.inputs
      .filter((v) => v !== '' && !graph.initializers.has(v))
      .map((v) => {
        let p = graph.producer(v);
        for (let guard = 0; p && riding(plan, p) && guard < 1000; guard++) p = graph.producer(p.inputs[0]);
        return p && plan.nodes[p.name] === 'quantized' ? p.name : undefined;
      });
    const to: string[] = [];
    let border = false;
    const walk = (value: string, depth: number) => {
      if (graph.isGraphOutput(value)) border = true;
      for (const reader of graph.consumers(value)) {
        if (plan.nodes[reader.name] === 'quantized') to.push(reader.name);
        else if (riding(plan, reader) && depth < 1000) walk(reader.outputs[0], depth + 1);
        else border = true;
      }
    };
    walk(node.outputs[0], 0);
    links.set(node.name, { from, to: [...new Set(to)], border });
  }
  return links;
}
