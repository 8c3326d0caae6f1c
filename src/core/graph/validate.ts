/** Full consistency check of a graph, by rescanning: for tests and after bulk edits. */
import type { Graph } from './graph';

/**
 * Problems with `graph`, empty when valid: every input defined, each value produced once, the
 * producer/consumer maps agreeing with the nodes, the node order topological, graph outputs defined.
 */
export function validateGraph(graph: Graph): string[] {
  const problems: string[] = [];
  let order;
  try {
    order = graph.nodes();
  } catch (e) {
    return [(e as Error).message];
  }
  const defined = new Set<string>([...graph.inputs.map((v) => v.name), ...graph.initializers.keys()]);
  const readers = new Map<string, Set<number>>();
  for (const n of order) {
    for (const v of [...n.inputs, ...graph.implicitInputs(n.id)]) {
      if (v === '') continue;
      if (!defined.has(v)) problems.push(`${n.opType} '${n.name}' reads '${v}' before it is defined`);
      if (!readers.has(v)) readers.set(v, new Set());
      readers.get(v)!.add(n.id);
    }
    n.outputs.forEach((v, i) => {
      if (v === '') return;
      if (defined.has(v)) problems.push(`'${v}' is defined twice`);
      defined.add(v);
      const s = graph.source(v);
      if (s.kind !== 'node' || s.node !== n.id || s.index !== i)
        problems.push(`producer of '${v}' is recorded wrongly`);
    });
  }
  for (const v of defined) {
    const want = [...(readers.get(v) ?? [])].sort();
    const got = graph
      .consumers(v)
      .map((n) => n.id as number)
      .sort();
    if (want.join() !== got.join())
      problems.push(`consumers of '${v}' are recorded as [${got}] but are [${want}]`);
  }
  for (const o of graph.outputs)
    if (!defined.has(o.name)) problems.push(`graph output '${o.name}' is not defined`);
  return problems;
}
