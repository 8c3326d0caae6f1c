/** Outer-scope names read by subgraph attributes (If branches, Loop and Scan bodies). */
import { AttributeType, type Attribute, type Graph as GraphProto } from '../onnx/types';

/** Names the subgraphs in `attributes` read but do not define: the node's implicit inputs. */
export function subgraphOuterNames(attributes: readonly Attribute[]): string[] {
  const out = new Set<string>();
  for (const a of attributes) {
    if (a.type === AttributeType.GRAPH && a.g) collect(a.g, out);
    if (a.type === AttributeType.GRAPHS) for (const g of a.graphs) collect(g, out);
  }
  return [...out];
}

function collect(g: GraphProto, out: Set<string>): void {
  const defined = new Set<string>();
  for (const v of g.input) defined.add(v.name);
  for (const t of g.initializer) defined.add(t.name);
  for (const n of g.node) for (const v of n.output) defined.add(v);
  const reads = (v: string) => v !== '' && !defined.has(v) && out.add(v);
  for (const n of g.node) {
    n.input.forEach(reads);
    subgraphOuterNames(n.attribute).forEach(reads);
  }
  for (const v of g.output) reads(v.name);
}
