/**
 * From a plan to index sets: for every initializer, which indices along which axes the pruned
 * channels own (per conv group for grouped-convolution weights); for every tensor, which indices
 * along its channel axis disappear; for every rewritable Reshape target, by how much an entry shrinks.
 */
import type { GroupMember } from '../../analysis';
import { attrInt, type Graph, type GraphNode } from '../../graph';
import { memberIndices, memberReaders } from '../members';
import type { BlockedIndices } from '../tensor-slice';
import type { PrunePlan } from '../types';

export interface ParamCut {
  axis: number;
  /** Indices along `axis` for every row (empty when the cut is blocked only). */
  indices: Set<number>;
  /** Grouped-convolution cut: indices along `axis` that only rows of one block (along axis 0) lose. */
  blocked?: { blocks: number; perBlock: Map<number, Set<number>> };
  /** Whether masking zeroes these indices (false for e.g. BatchNorm variance or a Div operand). */
  zero: boolean;
}

export interface PlanCuts {
  /** Initializer → axis → cut. */
  params: Map<string, Map<number, ParamCut>>;
  /** Tensor → removed indices along its channel axis. */
  tensors: Map<string, { axis: number; indices: Set<number> }>;
  /** Reshape target initializer → entry → how many indices the entry loses. */
  shapeEntries: Map<string, Map<number, number>>;
}

/** Index sets of every member of every group the plan prunes. */
export function planCuts(graph: Graph, plan: PrunePlan): PlanCuts {
  const cuts: PlanCuts = { params: new Map(), tensors: new Map(), shapeEntries: new Map() };
  for (const g of plan.groups) {
    if (!g.prune.length) continue;
    const pruned = new Set(g.prune);
    for (const m of g.members) {
      if (m.role === 'reshape' && m.kind === 'parameter') {
        addShapeEntry(cuts, g.members, m, pruned);
        continue;
      }
      const indices = memberIndices(m, pruned);
      if (!indices.length) continue;
      if (m.kind === 'tensor') {
        let t = cuts.tensors.get(m.name);
        if (!t) cuts.tensors.set(m.name, (t = { axis: m.axis, indices: new Set() }));
        for (const i of indices) t.indices.add(i);
        continue;
      }
      addParamCut(graph, cuts, m, indices);
    }
  }
  return cuts;
}

function addParamCut(graph: Graph, cuts: PlanCuts, m: GroupMember, indices: number[]): void {
  let axes = cuts.params.get(m.name);
  if (!axes) cuts.params.set(m.name, (axes = new Map()));
  let cut = axes.get(m.axis);
  const readers = memberReaders(graph, m);
  const zero = readers.every((r) => zeroable(m, r.node, r.slot));
  if (!cut) axes.set(m.axis, (cut = { axis: m.axis, indices: new Set(), zero }));
  cut.zero &&= zero;
  if (m.convGroup === undefined) {
    for (const i of indices) cut.indices.add(i);
    return;
  }
  const blocks = readers.length ? attrInt(readers[0].node, 'group', 1) : 1;
  cut.blocked ??= { blocks, perBlock: new Map() };
  let set = cut.blocked.perBlock.get(m.convGroup);
  if (!set) cut.blocked.perBlock.set(m.convGroup, (set = new Set()));
  for (const i of indices) set.add(i);
}

/**
 * Whether a masked channel's entries of this parameter may be set to zero. Producers' filters and
 * consumers' input slices always; BatchNorm scale and bias (so the normalised channel is exactly 0,
 * whatever its mean), a depthwise filter, an added per-channel constant; never a variance or
 * anything a Div or Pow would turn into infinities.
 */
function zeroable(m: GroupMember, node: GraphNode, slot: number): boolean {
  if (m.role === 'producer' || m.role === 'consumer') return true;
  switch (node.opType) {
    case 'BatchNormalization':
      return slot === 1 || slot === 2;
    case 'InstanceNormalization':
    case 'Conv':
    case 'ConvTranspose':
    case 'Add':
    case 'Sub':
    case 'Sum':
      return true;
    default:
      return false;
  }
}

/** A Reshape entry counting channels shrinks by the indices the reshaped tensor loses. */
function addShapeEntry(cuts: PlanCuts, members: readonly GroupMember[], m: GroupMember, pruned: Set<number>): void {
  if (m.shapeEntry === undefined) return;
  const out = members.find((t) => t.kind === 'tensor' && t.role === 'reshape' && t.node === m.node);
  if (!out) return;
  const lost = memberIndices(out, pruned).length;
  let entries = cuts.shapeEntries.get(m.name);
  if (!entries) cuts.shapeEntries.set(m.name, (entries = new Map()));
  entries.set(m.shapeEntry, (entries.get(m.shapeEntry) ?? 0) + lost);
}

/** The blocked cut in the form the slicing helpers take. */
export function blockedIndices(cut: ParamCut): BlockedIndices | undefined {
  if (!cut.blocked) return undefined;
  const perBlock = new Map<number, number[]>();
  for (const [k, set] of cut.blocked.perBlock) perBlock.set(k, [...set].sort((a, b) => a - b));
  return { blocks: cut.blocked.blocks, perBlock };
}
