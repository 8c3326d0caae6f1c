import type { ChannelAnalysis, ChannelGroup, GroupMember } from '../core/analysis';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** Where a member's channels sit: `axis 1 [0..16)`, with each channel's block when it is not 1. */
function placement(m: GroupMember): string {
  if (m.runs.length === 0) return m.note ?? '';
  const runs = m.runs.map((r) => {
    const end = r.targetStart + r.length * r.block;
    return `[${r.targetStart}..${end})${r.block > 1 ? `×${r.block}` : ''}`;
  });
  return `axis ${m.axis} ${runs.join(' ')}`;
}

function groupLines(g: ChannelGroup): string[] {
  const state = g.prunable ? 'prunable' : 'blocked';
  const lines = [`${g.id}  ${g.channels} channels  ${state}`];
  for (const r of g.reasons) lines.push(`    ! ${r.message}`);
  for (const c of g.constraints)
    lines.push(
      `    = prune equally from each of ${c.blocks} blocks of '${c.name}' (grouped ${c.node || 'conv'})`,
    );
  for (const m of g.members)
    lines.push(
      `    ${m.role.padEnd(9)} ${m.kind === 'parameter' ? 'param ' : 'tensor'} ${m.name}  ${placement(m)}${m.note && m.runs.length ? `  (${m.note})` : ''}`,
    );
  return lines;
}

/** The human-readable form of `whittle inspect --groups`. */
export function formatGroups(a: ChannelAnalysis): string {
  const lines = [
    `Pruning groups: ${a.groups.length} (${a.groups.filter((g) => g.prunable).length} prunable)`,
    `Prunable producer channels: ${a.prunableProducerChannels} of ${a.producerChannels} (${pct(a.prunableShare)})`,
    `Analysis time: ${a.timeMs.toFixed(1)} ms`,
    '',
  ];
  for (const g of a.groups) lines.push(...groupLines(g));
  return lines.join('\n');
}
