/**
 * Tensors that cannot hold a negative value, by what makes them: a Relu, a Clip whose constant min is
 * at least 0, a Sigmoid or Softmax, and ops that only move, pick or average the values of such
 * tensors. Their calibrated minimum does not change the quantization (an asymmetric range is widened
 * to hold 0; a symmetric scale reads the larger magnitude, the max), so calibration asks the runtime
 * for their max alone: one reduction fewer over each such activation.
 */
import type { Graph } from '../../graph';
import { clipBounds } from '../prepare/graph-util';

const MAKES_NON_NEGATIVE = new Set(['Relu', 'Sigmoid', 'Softmax']);
/** Ops whose output holds values of their first input, or averages of them (Concat: of every input). */
// prettier-ignore
const KEEPS_SIGN = new Set([
  'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'Flatten', 'Reshape', 'Transpose',
  'Identity', 'Squeeze', 'Unsqueeze', 'Slice', 'Split', 'Concat',
]);

export function nonNegativeTensors(graph: Graph): Set<string> {
  const out = new Set<string>();
  for (const node of graph.nodes()) {
    let sure = false;
    if (MAKES_NON_NEGATIVE.has(node.opType)) sure = true;
    else if (node.opType === 'Clip') sure = (clipBounds(graph, node)?.[0] ?? -Infinity) >= 0;
    else if (node.opType === 'Concat') sure = node.inputs.length > 0 && node.inputs.every((v) => out.has(v));
    else if (KEEPS_SIGN.has(node.opType)) sure = out.has(node.inputs[0]);
    if (sure) for (const v of node.outputs) if (v) out.add(v);
  }
  return out;
}
