import type { Graph } from './graph';

/**
 * The initializer behind `value`, through `Identity` nodes: exporters that deduplicate identical
 * initializers (torch does) route the shared one through an Identity per reader.
 */
export function initializerBehind(graph: Graph, value: string): string | undefined {
  for (let v = value, hops = 0; v && hops < 16; hops++) {
    if (graph.initializers.has(v)) return v;
    const p = graph.producer(v);
    if (!p || p.opType !== 'Identity') return undefined;
    v = p.inputs[0];
  }
  return undefined;
}
