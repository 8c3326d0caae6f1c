/**
 * Whether a graph can run at concrete input shapes, found before running it: shapes are inferred at
 * those sizes and the nodes whose operands then disagree are named — a Conv reading the wrong channel
 * count, an Add or Concat whose operands differ because the size is not a multiple of the model's
 * stride (PaddleOCR det at 28×28 adds a 7×7 map to an 8×8 one).
 */
import { InvalidModelError } from './errors';
import type { Graph } from './graph';
import { inferShapes } from './infer/infer-shapes';
import type { InputShapes } from './input-size';
import type { Dim, GraphNode } from './types';

/** One node that cannot run at the shapes tried, with its operands' shapes. */
export interface ShapeConflict {
  node: string;
  op: string;
  /** Known operand shapes, by input name; empty when the inference itself refused the node. */
  operands: { name: string; shape: number[] }[];
  /** One sentence saying what disagrees. */
  message: string;
}

// prettier-ignore
const BROADCASTING = new Set([
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mean', 'Mod', 'PRelu', 'Where',
  'Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Xor',
]);

const shapeText = (s: readonly Dim[]) => `[${s.join(', ')}]`;

/** The first node that cannot run when the graph is fed `inputShapes`, or null when none is found. */
export function findShapeConflict(graph: Graph, inputShapes: InputShapes): ShapeConflict | null {
  let shapes;
  try {
    shapes = inferShapes(graph, {
      inputShapes: Object.fromEntries(Object.entries(inputShapes).map(([k, v]) => [k, [...v]])),
    });
  } catch (e) {
    if (!(e instanceof InvalidModelError)) throw e;
    const node = graph.nodes().find((n) => n.name && e.message.includes(`'${n.name}'`));
    return { node: node?.name ?? '', op: node?.opType ?? '', operands: [], message: e.message };
  }
  const known = (name: string): number[] | undefined => {
    const s = shapes.types.get(name)?.shape;
    return s && s.every((d): d is number => typeof d === 'number') ? s : undefined;
  };
  for (const node of graph.nodes()) {
    const operands = node.inputs.flatMap((name) => {
      const shape = name ? known(name) : undefined;
      return shape ? [{ name, shape }] : [];
    });
    if (operands.length < 2) continue;
    const clash = BROADCASTING.has(node.opType)
      ? broadcastClash(operands.map((o) => o.shape))
      : node.opType === 'Concat'
        ? concatClash(
            node,
            operands.map((o) => o.shape),
          )
        : undefined;
    if (!clash) continue;
    const label = `${node.opType} node '${node.name || node.id}'`;
    return {
      node: node.name,
      op: node.opType,
      operands,
      message: `${label} gets ${operands.map((o) => shapeText(o.shape)).join(' and ')}: ${clash}.`,
    };
  }
  return null;
}

/** Why numpy broadcasting fails on `shapes`, or undefined. */
function broadcastClash(shapes: number[][]): string | undefined {
  const rank = Math.max(...shapes.map((s) => s.length));
  for (let k = 1; k <= rank; k++) {
    const sizes = new Set(shapes.map((s) => s[s.length - k]).filter((d) => d !== undefined && d !== 1));
    if (sizes.size > 1) return `sizes ${[...sizes].join(' and ')} on axis ${rank - k} cannot broadcast`;
  }
  return undefined;
}

/** Why Concat cannot join `shapes` along its axis, or undefined. */
function concatClash(node: GraphNode, shapes: number[][]): string | undefined {
  const rank = shapes[0].length;
  const a = node.attributes.find((t) => t.name === 'axis')?.i;
  const axis = a === undefined ? 0 : (Number(a) + rank) % rank;
  for (let k = 0; k < rank; k++) {
    if (k === axis) continue;
    const sizes = new Set(shapes.map((s) => s[k]));
    if (sizes.size > 1)
      return `sizes ${[...sizes].join(' and ')} on axis ${k} differ outside the joined axis ${axis}`;
  }
  return undefined;
}
