/**
 * Turns the coupled channel spaces into groups: each set of unioned spaces is a group, each set of
 * unioned channels one prunable channel of it, numbered in graph order.
 */
import type { SpaceId } from './layout';
import type { AnalysisState, PendingMember } from './state';
import type { ChannelGroup, ChannelRun, GroupId, GroupMember } from './types';

interface Draft {
  spaces: SpaceId[];
  /** Union-find root element → group channel index. */
  channelOf: Map<number, number>;
  members: GroupMember[];
}

export function assembleGroups(s: AnalysisState, minChannels: number): ChannelGroup[] {
  const table = s.table;
  const drafts = new Map<SpaceId, Draft>();
  table.spaces.forEach((_, space) => {
    const root = table.spaceRoot(space);
    let d = drafts.get(root);
    if (!d) drafts.set(root, (d = { spaces: [], channelOf: new Map(), members: [] }));
    d.spaces.push(space);
  });
  for (const d of drafts.values())
    for (const space of d.spaces) {
      const info = table.spaces[space];
      for (let c = 0; c < info.size; c++) {
        const root = table.find(info.base + c);
        if (!d.channelOf.has(root)) d.channelOf.set(root, d.channelOf.size);
      }
    }

  for (const m of s.members) distribute(s, m, drafts);

  const groups: ChannelGroup[] = [];
  for (const [, d] of [...drafts].sort((a, b) => a[0] - b[0])) {
    if (d.members.length === 0) continue;
    const infos = d.spaces.map((sp) => table.spaces[sp]);
    const reasons = infos
      .flatMap((i) => i.reasons)
      .filter((r, k, all) => all.findIndex((q) => q.message === r.message) === k);
    const channels = d.channelOf.size;
    if (channels < minChannels)
      reasons.push({
        kind: 'too-small',
        message: `Only ${channels} channel${channels === 1 ? '' : 's'}: pruning must leave at least one.`,
      });
    groups.push({
      id: `g${groups.length}` as GroupId,
      channels,
      prunable: reasons.length === 0,
      reasons,
      constraints: infos.flatMap((i) => i.constraints),
      members: d.members,
      producerChannels: infos.reduce((n, i) => n + i.producerChannels, 0),
    });
  }
  return groups;
}

/** Splits a member's segments by group and converts each part to runs of group channels. */
function distribute(s: AnalysisState, m: PendingMember, drafts: Map<SpaceId, Draft>): void {
  const table = s.table;
  const byGroup = new Map<SpaceId, ChannelRun[]>();
  let pos = 0;
  for (const seg of m.segments) {
    const root = table.spaceRoot(seg.space);
    const d = drafts.get(root)!;
    let runs = byGroup.get(root);
    if (!runs) byGroup.set(root, (runs = []));
    for (let c = 0; c < seg.length; c++) {
      const g = d.channelOf.get(table.find(table.element(seg.space, seg.start + c)))!;
      const target = pos + c * seg.block;
      const last = runs[runs.length - 1];
      if (
        last &&
        last.block === seg.block &&
        last.groupStart + last.length === g &&
        last.targetStart + last.length * last.block === target
      )
        last.length++;
      else runs.push({ groupStart: g, targetStart: target, length: 1, block: seg.block });
    }
    pos += seg.length * seg.block;
  }
  const extent = m.kind === 'tensor' ? (s.dim(m.name, m.axis) ?? pos) : (paramExtent(s, m) ?? pos);
  for (const [root, runs] of byGroup) drafts.get(root)!.members.push(memberOf(m, extent, runs));
  if (m.segments.length === 0) attachSegmentless(s, m, drafts);
}

/** The public member: the pending one's fields, with optional ones only where set. */
function memberOf(m: PendingMember, extent: number, runs: ChannelRun[]): GroupMember {
  return {
    role: m.role,
    node: m.node,
    opType: m.opType,
    kind: m.kind,
    name: m.name,
    axis: m.axis,
    extent,
    runs,
    ...(m.note ? { note: m.note } : {}),
    ...(m.convGroup !== undefined ? { convGroup: m.convGroup } : {}),
    ...(m.shared ? { shared: true } : {}),
    ...(m.shapeEntry !== undefined ? { shapeEntry: m.shapeEntry } : {}),
  };
}

function paramExtent(s: AnalysisState, m: PendingMember): number | undefined {
  const t = s.graph.initializers.get(m.name);
  return t ? Number(t.dims[m.axis]) : undefined;
}

/** A Reshape target-shape member carries no channels itself: it joins the group of the tensor it reshapes. */
function attachSegmentless(s: AnalysisState, m: PendingMember, drafts: Map<SpaceId, Draft>): void {
  const l = m.via ? s.layout(m.via) : undefined;
  if (!l) return;
  const roots = new Set(l.segments.map((seg) => s.table.spaceRoot(seg.space)));
  for (const root of roots) drafts.get(root)!.members.push(memberOf(m, paramExtent(s, m) ?? 0, []));
}
