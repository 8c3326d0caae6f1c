/**
 * The view's costs at a bound input size: when the user sets the size of a model whose input is
 * symbolic (or attaches data that fixes it), the worker counts MACs again at those shapes and the
 * page replaces its "unknown" figures with these.
 */
import { costModel, type Graph, type InputShapes, type ShapeInference } from '../graph';
import type { ViewCosts } from './types';

/** Costs of `graph` fed `inputShapes`, per view node id (the graph IR's node id as a string). */
export function boundCosts(graph: Graph, shapes: ShapeInference, inputShapes: InputShapes): ViewCosts {
  const cost = costModel(graph, shapes, { inputShapes });
  const nodes: Record<string, number | null> = {};
  for (const [id, c] of cost.nodes) nodes[String(id)] = c.macs;
  return {
    inputShapes: Object.fromEntries(Object.entries(inputShapes).map(([k, v]) => [k, [...v]])),
    macs: cost.macs,
    otherOps: cost.otherOps,
    nodes,
  };
}
