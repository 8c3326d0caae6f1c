/**
 * A detector's box decoding: the float arithmetic after its last convolution that turns head outputs
 * into boxes in pixels (sigmoid offsets plus a constant grid, exp of sizes times anchors or strides),
 * usually concatenated with 0–1 scores. One INT8 scale cannot hold pixel coordinates and scores at
 * once, and an offset quantized before the grid is added moves every box: exporters' INT8 YOLO models
 * keep this tail in float, and so does the planner.
 */
import type { Graph, GraphNode } from '../../graph';
import { WEIGHTED, WEIGHT_ONLY } from './op-classes';

export const DECODING_REASON = 'box decoding: kept float';

/** Arithmetic whose constant operand places boxes (a grid, anchors, priors), unlike a scalar scale. */
const PLACING = new Set(['Add', 'Sub', 'Mul', 'Div']);
/** Ops that only appear on coordinates: sizes from log space. */
const EXPONENT = new Set(['Exp', 'Pow']);

/**
 * Float nodes of `graph` that decode boxes, with the reason they stay float. A node qualifies when no
 * weighted op (Conv, Gemm, MatMul) follows it and it feeds a graph output whose post-head tail holds
 * a decoding step: Exp/Pow, or Add/Sub/Mul/Div with a constant of more than one element. A
 * classifier's or segmenter's tail (Flatten, Softmax, Resize) holds none, so nothing changes there.
 */
export function findDecodingTail(graph: Graph, isFloat: (value: string) => boolean): Map<string, string> {
  const kept = new Map<string, string>();
  for (const [output, nodes] of decodingTails(graph, isFloat))
    for (const n of nodes) kept.set(n.name, `${DECODING_REASON} (output '${output}')`);
  return kept;
}

/**
 * The float tensors entering the box decoding (the raw head outputs), or undefined when no output
 * decodes boxes: what a pruned detector is distilled on. `scores` marks a head whose way to the
 * output holds no decoding step, only a sigmoid: class or objectness logits.
 */
export function decodingInputs(
  graph: Graph,
  isFloat: (value: string) => boolean,
): { tensor: string; scores: boolean }[] | undefined {
  const tails = decodingTails(graph, isFloat);
  if (tails.size === 0) return undefined;
  const inside = new Set([...tails.values()].flat());
  const entries = new Set<string>();
  for (const n of inside)
    for (const v of n.inputs) {
      const p = v === '' ? undefined : graph.producer(v);
      if (p && !inside.has(p) && isFloat(v)) entries.add(v);
    }
  return [...entries].map((tensor) => {
    const reached = downstream(graph, tensor, inside);
    return {
      tensor,
      scores: !reached.some((n) => decodes(graph, n)) && reached.some((n) => n.opType === 'Sigmoid'),
    };
  });
}

/** Nodes of `within` that read `value`, directly or through each other. */
function downstream(graph: Graph, value: string, within: Set<GraphNode>): GraphNode[] {
  const seen = new Set<GraphNode>();
  const queue = [value];
  for (let v = queue.pop(); v !== undefined; v = queue.pop())
    for (const n of graph.consumers(v))
      if (within.has(n) && !seen.has(n)) {
        seen.add(n);
        queue.push(...n.outputs);
      }
  return [...seen];
}

/** A decoding step: Exp/Pow, or arithmetic with a constant of more than one element (grid, anchors). */
function decodes(graph: Graph, n: GraphNode): boolean {
  if (EXPONENT.has(n.opType)) return true;
  if (!PLACING.has(n.opType)) return false;
  return n.inputs.some((v) => {
    const t = graph.initializers.get(v);
    return t !== undefined && t.dims.reduce((a, b) => a * Number(b), 1) > 1;
  });
}

/** Per graph output that decodes boxes, the float nodes of its post-head tail. */
function decodingTails(graph: Graph, isFloat: (value: string) => boolean): Map<string, GraphNode[]> {
  const nodes = graph.nodes();
  const feedsWeighted = new Set<GraphNode>();
  const stack = nodes.filter((n) => WEIGHTED.has(n.opType) || WEIGHT_ONLY.has(n.opType));
  for (let n = stack.pop(); n; n = stack.pop()) {
    if (feedsWeighted.has(n)) continue;
    feedsWeighted.add(n);
    for (const v of n.inputs) {
      const p = v === '' ? undefined : graph.producer(v);
      if (p) stack.push(p);
    }
  }
  const isConstant = (v: string) => graph.initializers.has(v);
  const tails = new Map<string, GraphNode[]>();
  for (const output of graph.outputs.map((o) => o.name)) {
    // The output's tail: its producers back to the last weighted op, float tensors only.
    const tail = new Set<GraphNode>();
    const queue = [output];
    for (let v = queue.pop(); v !== undefined; v = queue.pop()) {
      const p = graph.producer(v);
      if (!p || tail.has(p) || feedsWeighted.has(p)) continue;
      tail.add(p);
      queue.push(...p.inputs.filter((x) => x !== '' && !isConstant(x)));
    }
    const decoding = [...tail].filter((n) => n.outputs.some(isFloat));
    if (!decoding.some((n) => decodes(graph, n))) continue;
    tails.set(output, decoding);
  }
  return tails;
}
