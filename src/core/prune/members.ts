/**
 * Reading group members: which indices along a member's axis belong to which group channels, and
 * which graph nodes a parameter member belongs to.
 */
import type { GroupMember } from '../analysis';
import type { Graph, GraphNode } from '../graph';

/** Calls `visit(channel, index)` for every index along the member's axis that a group channel owns. */
export function forEachMemberIndex(member: GroupMember, visit: (channel: number, index: number) => void): void {
  for (const run of member.runs)
    for (let c = 0; c < run.length; c++) {
      const base = run.targetStart + c * run.block;
      for (let b = 0; b < run.block; b++) visit(run.groupStart + c, base + b);
    }
}

/** Indices along the member's axis owned by the channels in `pruned`, ascending. */
export function memberIndices(member: GroupMember, pruned: ReadonlySet<number>): number[] {
  const out: number[] = [];
  forEachMemberIndex(member, (c, i) => {
    if (pruned.has(c)) out.push(i);
  });
  return out.sort((a, b) => a - b);
}

/** Nodes that read initializer `name`, directly or through `Identity` nodes (deduplicated exports). */
export function readersOf(graph: Graph, name: string): { node: GraphNode; slot: number }[] {
  const out: { node: GraphNode; slot: number }[] = [];
  const stack = [name];
  const seen = new Set<string>();
  while (stack.length) {
    const v = stack.pop()!;
    if (seen.has(v)) continue;
    seen.add(v);
    for (const use of graph.uses(v)) {
      const node = graph.node(use.node);
      if (node.opType === 'Identity') stack.push(node.outputs[0]);
      else out.push({ node, slot: use.index });
    }
  }
  return out;
}

/** The node(s) a parameter member names, with the input slot where they read it. */
export function memberReaders(graph: Graph, member: GroupMember): { node: GraphNode; slot: number }[] {
  const all = readersOf(graph, member.name);
  const named = all.filter((r) => r.node.name === member.node);
  return named.length ? named : all;
}

/** Node by name (first one when names repeat). */
export function nodeByName(graph: Graph, name: string): GraphNode | undefined {
  for (const n of graph.nodes()) if (n.name === name) return n;
  return undefined;
}
