/**
 * Which groups a plan may touch: prunable ones, minus the first convolution's group and the
 * classifier's input features unless asked, minus groups whose grouped-convolution constraints
 * Whittle cannot satisfy one group at a time.
 */
import type { ChannelGroup } from '../../analysis';
import type { Graph, GraphNode } from '../../graph';
import { memberReaders } from '../members';

const MAC_OPS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);

/** Groups holding a producer that reads a graph input: the stem. */
export function firstConvGroups(graph: Graph, groups: readonly ChannelGroup[]): Set<string> {
  const out = new Set<string>();
  for (const g of groups)
    for (const m of g.members)
      if (m.kind === 'parameter' && m.role === 'producer')
        if (memberReaders(graph, m).some((r) => graph.isGraphInput(r.node.inputs[0]))) out.add(g.id);
  return out;
}

/** Groups a classifier reads: consumers in the last layers (Conv/Gemm/MatMul nearest to a graph output). */
export function classifierGroups(graph: Graph, groups: readonly ChannelGroup[]): Set<string> {
  const last = new Set<GraphNode>();
  const seen = new Set<string>();
  const stack = graph.outputs.map((o) => o.name);
  while (stack.length) {
    const v = stack.pop()!;
    if (seen.has(v)) continue;
    seen.add(v);
    const p = graph.producer(v);
    if (!p) continue;
    if (MAC_OPS.has(p.opType)) last.add(p);
    else stack.push(...p.inputs.filter((x) => x !== ''));
  }
  const out = new Set<string>();
  for (const g of groups)
    for (const m of g.members)
      if (m.kind === 'parameter' && m.role === 'consumer')
        if (memberReaders(graph, m).some((r) => last.has(r.node))) out.add(g.id);
  return out;
}

/**
 * Block index of every channel when the group carries `uniform-per-block` constraints (all of the
 * same partition), `undefined` when it has none, or a sentence when they cannot be met group by group.
 */
export function channelBlocks(g: ChannelGroup): { blocks: number; of: Int32Array } | string | undefined {
  let found: { blocks: number; of: Int32Array } | undefined;
  for (const c of g.constraints) {
    const t = g.members.find((m) => m.kind === 'tensor' && m.name === c.name);
    if (!t) return `Grouped convolution '${c.node}' reads channels Whittle cannot place.`;
    const per = t.extent / c.blocks;
    const of = new Int32Array(g.channels).fill(-1);
    let covered = 0;
    for (const run of t.runs)
      for (let k = 0; k < run.length; k++) {
        of[run.groupStart + k] = Math.floor((run.targetStart + k * run.block) / per);
        covered += run.block;
      }
    if (covered !== t.extent || of.some((b) => b < 0))
      return `Grouped convolution '${c.node}' reads channels of several groups; Whittle keeps them.`;
    const counts = new Array<number>(c.blocks).fill(0);
    for (const b of of) counts[b]++;
    if (counts.some((n) => n !== counts[0]))
      return `Grouped convolution '${c.node}' has conv groups of unequal width.`;
    if (found && (found.blocks !== c.blocks || found.of.some((b, i) => b !== of[i])))
      return `Grouped convolutions '${g.constraints.map((x) => x.node).join("', '")}' cut these channels differently.`;
    found = { blocks: c.blocks, of };
  }
  return found;
}
