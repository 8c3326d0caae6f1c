import { exportModel, importModel, type Graph } from '../graph';

/**
 * An independent copy of `graph` to mask, recover or cut while the original stays as it is
 * (initializer data is shared until an edit replaces it, and every edit here replaces, never writes).
 * Initializers that came from `Constant` nodes stay marked so, so parameter counts agree.
 */
export function cloneGraph(graph: Graph): Graph {
  const copy = importModel(exportModel(graph));
  for (const name of graph.foldedConstants) if (copy.initializers.has(name)) copy.foldedConstants.add(name);
  return copy;
}
