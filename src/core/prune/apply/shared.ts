/**
 * Exporters deduplicate bit-identical initializers, so one initializer can be read by nodes whose
 * channels are pruned differently (or not at all). The analysis marks such members `shared`; before
 * cutting, each reader whose cut differs from the others gets its own copy, named
 * `<initializer>::<node>`, and the plan's member is pointed at it. Readers cut alike keep sharing.
 * Idempotent: on a graph that already has the copies (a masked model being removed) it only renames.
 */
import type { GroupMember } from '../../analysis';
import type { Graph, GraphNode } from '../../graph';
import { memberIndices, nodeByName, readersOf } from '../members';
import type { PrunePlan } from '../types';

export function privatizeShared(graph: Graph, plan: PrunePlan): PrunePlan {
  const byInit = new Map<string, { member: GroupMember; pruned: Set<number> }[]>();
  for (const g of plan.groups) {
    if (!g.prune.length) continue;
    const pruned = new Set(g.prune);
    for (const m of g.members)
      if (m.kind === 'parameter' && m.shared) {
        const list = byInit.get(m.name) ?? [];
        list.push({ member: m, pruned });
        byInit.set(m.name, list);
      }
  }
  if (!byInit.size) return plan;
  const rename = new Map<GroupMember, string>();
  for (const [init, uses] of byInit) {
    const signature = new Map<string, string[]>();
    for (const { member, pruned } of uses) {
      const list = signature.get(member.node) ?? [];
      list.push(`${member.axis}:${member.convGroup ?? ''}:${memberIndices(member, pruned).join(',')}`);
      signature.set(member.node, list);
    }
    const copyName = (node: string) => `${init}::${node}`;
    const readers = readersOf(graph, init);
    const keys = new Set<string>();
    for (const r of readers) keys.add((signature.get(r.node.name) ?? []).sort().join('|'));
    const alreadyCopied = uses.some(({ member }) => graph.initializers.has(copyName(member.node)));
    if (keys.size <= 1 && !alreadyCopied) continue;
    for (const { member } of uses) {
      const name = copyName(member.node);
      if (!graph.initializers.has(name)) {
        const node = nodeByName(graph, member.node);
        const slots = node ? slotsReading(graph, node, init) : [];
        if (!node || !slots.length) continue;
        const t = graph.initializers.get(init)!;
        graph.addInitializer({ ...t, name });
        // Every slot: a BatchNorm reads one initializer as its scale and, through an Identity, as its variance.
        for (const slot of slots) {
          const old = node.inputs[slot];
          graph.setNodeInput(node.id, slot, name);
          dropDeadIdentities(graph, old);
        }
      }
      rename.set(member, name);
    }
  }
  if (!rename.size) return plan;
  return {
    ...plan,
    groups: plan.groups.map((g) =>
      g.members.some((m) => rename.has(m))
        ? { ...g, members: g.members.map((m) => (rename.has(m) ? { ...m, name: rename.get(m)!, shared: false } : m)) }
        : g,
    ),
  };
}

/** The input slots of `node` that read `init`, directly or through Identity nodes. */
function slotsReading(graph: Graph, node: GraphNode, init: string): number[] {
  return readersOf(graph, init)
    .filter((r) => r.node.id === node.id)
    .map((r) => r.slot);
}

/** Removes the Identity chain that fed `value` once nothing reads it any more. */
function dropDeadIdentities(graph: Graph, value: string): void {
  for (let v = value; ; ) {
    const p = graph.producer(v);
    if (!p || p.opType !== 'Identity' || graph.consumers(v).length || graph.isGraphOutput(v)) return;
    graph.removeNode(p.id);
    v = p.inputs[0];
  }
}
