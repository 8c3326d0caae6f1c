/**
 * What the analysis predicts a perturbation of one group channel changes, and which tensors the
 * oracle cannot judge because the analysis said it does not know (blocked by an op it cannot trace).
 */
import type { ChannelGroup, GroupMember } from '../../src/core/analysis';
import type { Node } from '../../src/core/onnx';
import type { IndexRange } from './oracle-edits';

/** Reasons after which the analysis does not claim to know where channels go. */
const OPAQUE_REASONS = new Set([
  'channel-shuffle',
  'fixed-reshape',
  'cross-channel',
  'unsupported-op',
  'untraceable',
]);

/** Index ranges along `member.axis` that group channel `channel` owns (one per run covering it). */
export function rangesOf(member: GroupMember, channel: number): IndexRange[] {
  const out: IndexRange[] = [];
  for (const r of member.runs)
    if (channel >= r.groupStart && channel < r.groupStart + r.length) {
      const lo = r.targetStart + (channel - r.groupStart) * r.block;
      out.push({ lo, hi: lo + r.block });
    }
  return out;
}

/** Consumers of each value and nodes by name, for reachability. */
export class Dataflow {
  readonly readers = new Map<string, Node[]>();
  readonly byName = new Map<string, Node>();
  readonly producerOf = new Map<string, Node>();

  constructor(nodes: readonly Node[]) {
    for (const n of nodes) {
      this.byName.set(n.name, n);
      for (const o of n.output) if (o !== '') this.producerOf.set(o, n);
      for (const v of n.input) {
        if (v === '') continue;
        const list = this.readers.get(v);
        if (list) list.push(n);
        else this.readers.set(v, [n]);
      }
    }
  }

  /** Values computed downstream of `starts` (their outputs included), not passing through `cut`. */
  reachable(starts: Iterable<Node>, cut: ReadonlySet<Node> = new Set()): Set<string> {
    const seen = new Set<string>();
    const stack: Node[] = [...starts];
    const visited = new Set<Node>(stack);
    while (stack.length > 0) {
      const n = stack.pop()!;
      for (const o of n.output) {
        if (o === '' || seen.has(o)) continue;
        seen.add(o);
        for (const r of this.readers.get(o) ?? [])
          if (!visited.has(r) && !cut.has(r)) {
            visited.add(r);
            stack.push(r);
          }
      }
    }
    return seen;
  }
}

/** Values the oracle does not judge for `group`: everything downstream of a node it was blocked at for an opaque reason. */
export function opaqueValues(group: ChannelGroup, flow: Dataflow): Set<string> {
  const starts: Node[] = [];
  for (const r of group.reasons) {
    if (!OPAQUE_REASONS.has(r.kind)) continue;
    const node = r.node !== undefined ? flow.byName.get(r.node) : undefined;
    if (node) starts.push(node);
    else if (r.value !== undefined) starts.push(...(flow.readers.get(r.value) ?? []));
  }
  return flow.reachable(starts);
}

/** Per tensor member name, per axis, the indices predicted to change (empty: must not change). */
export type Prediction = Map<string, Map<number, Set<number>>>;

/** The prediction for perturbing `channel` when the values in `moved` are the ones it can reach. */
export function predict(group: ChannelGroup, channel: number, moved: ReadonlySet<string>): Prediction {
  const out: Prediction = new Map();
  for (const m of group.members) {
    if (m.kind !== 'tensor') continue;
    let axes = out.get(m.name);
    if (!axes) out.set(m.name, (axes = new Map()));
    let set = axes.get(m.axis);
    if (!set) axes.set(m.axis, (set = new Set()));
    if (!moved.has(m.name)) continue;
    for (const r of rangesOf(m, channel)) for (let i = r.lo; i < r.hi; i++) set.add(i);
  }
  return out;
}
