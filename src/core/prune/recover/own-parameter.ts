/**
 * Recovery rewrites consumers' weights and biases. A parameter it writes must belong to that node
 * alone (exporters share bit-identical initializers between nodes), and a bias it adds must be cut
 * with its node's output channels later: these helpers arrange both and return the plan with the
 * new initializers listed as members.
 */
import type { GroupMember } from '../../analysis';
import { initializerBehind, type Graph, type GraphNode } from '../../graph';
import { DataType, makeTensor } from '../../onnx';
import { readersOf } from '../members';
import type { PrunePlan } from '../types';

/** Adds `extra` members to every group holding a member `like` matches. */
function mirror(plan: PrunePlan, like: (m: GroupMember) => GroupMember | undefined): PrunePlan {
  return {
    ...plan,
    groups: plan.groups.map((g) => {
      const extra = g.members.map(like).filter((m): m is GroupMember => m !== undefined);
      return extra.length ? { ...g, members: [...g.members, ...extra] } : g;
    }),
  };
}

/**
 * Makes input `slot` of `node` an initializer only `node` reads: a private copy when it is shared
 * (or behind an Identity), zeros of `dims` when the input is absent (a Conv or Gemm without bias).
 * Returns its name and the plan updated so removal slices it like the parameter it came from (or,
 * for a new bias, like the node's output channels). Undefined when the input is computed.
 */
export function ownParameter(
  graph: Graph,
  plan: PrunePlan,
  node: GraphNode,
  slot: number,
  dims: number[],
): { name: string; plan: PrunePlan } | undefined {
  const value = node.inputs[slot] ?? '';
  if (value === '') {
    const name = graph.uniqueName(`${node.name || node.opType}.bias`);
    graph.addInitializer(makeTensor(name, DataType.FLOAT, dims, new Float32Array(dims.reduce((a, b) => a * b, 1))));
    graph.setNodeInput(node.id, slot, name);
    const weight = initializerBehind(graph, node.inputs[1]);
    const outAxis = outputAxis(node);
    const updated = mirror(plan, (m) =>
      m.kind === 'parameter' && m.role === 'producer' && m.name === weight && m.axis === outAxis && m.convGroup === undefined
        ? { ...m, name, axis: 0, extent: dims[0] }
        : undefined,
    );
    return { name, plan: updated };
  }
  const source = initializerBehind(graph, value);
  if (!source) return undefined;
  const shared = readersOf(graph, source).some((r) => r.node.id !== node.id);
  if (source === value && !shared) return { name: source, plan };
  const t = graph.initializers.get(source)!;
  const name = graph.uniqueName(`${source}.${node.name || node.opType}`);
  graph.addInitializer({ ...t, name, rawData: t.rawData?.slice() });
  graph.setNodeInput(node.id, slot, name);
  return { name, plan: mirror(plan, (m) => (m.kind === 'parameter' && m.name === source ? { ...m, name, node: node.name } : undefined)) };
}

/** Axis of a weight that runs along the node's output channels. */
export function outputAxis(node: GraphNode): number {
  if (node.opType === 'Gemm') return node.attributes.some((a) => a.name === 'transB' && a.i === 1n) ? 0 : 1;
  if (node.opType === 'MatMul' || node.opType === 'ConvTranspose') return 1;
  return 0;
}
