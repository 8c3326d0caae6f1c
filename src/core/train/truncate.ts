/**
 * A copy of a graph that ends at given tensors: they become its outputs and every node that feeds
 * none of them is dropped. Distillation matches a detector's raw heads this way, before box decoding
 * (Exp and grid arithmetic have no parameters to learn, and Exp no gradient here).
 */
import type { Graph } from '../graph';
import { cloneGraph } from '../prune';
import { TrainError } from './errors';

export function graphEndingAt(graph: Graph, outputs: readonly string[]): Graph {
  const g = cloneGraph(graph);
  for (const v of outputs) if (!g.producer(v)) throw new TrainError(`No node computes '${v}' to distil on.`);
  for (const v of outputs) g.addOutput(v);
  for (const o of g.outputs.map((x) => x.name)) if (!outputs.includes(o)) g.removeOutput(o);
  // Reverse topological order: a node's readers are gone before it is looked at.
  for (const n of g.nodes().reverse())
    if (n.outputs.every((v) => v === '' || (g.consumers(v).length === 0 && !g.isGraphOutput(v))))
      g.removeNode(n.id);
  return g;
}
