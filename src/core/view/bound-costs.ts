/**
 * The view's costs at a bound input size: when the user sets the size of a model whose input is
 * symbolic (or attaches data that fixes it), the worker counts MACs again at those shapes and the
 * page replaces its "unknown" figures with these.
 */
import {
  costModel,
  findShapeConflict,
  InputSizeError,
  type Graph,
  type InputShapes,
  type ShapeInference,
} from '../graph';
import type { ViewCosts } from './types';

/**
 * Costs of `graph` fed `inputShapes`, per view node id (the graph IR's node id as a string).
 * @throws InputSizeError naming the node when the graph cannot run at that size (PaddleOCR det at
 *   100×100 adds a 7×7 map to an 8×8 one): a figure counted there would mean nothing.
 */
export function boundCosts(graph: Graph, shapes: ShapeInference, inputShapes: InputShapes): ViewCosts {
  const conflict = findShapeConflict(graph, inputShapes);
  if (conflict) {
    const fed = Object.entries(inputShapes)
      .map(([name, s]) => `'${name}' at [${s.join(', ')}]`)
      .join(', ');
    throw new InputSizeError(
      `The model cannot run with input ${fed}: ${conflict.message} Give a size it takes (often a multiple of its stride, such as 32).`,
    );
  }
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
