/**
 * Elementwise ops with several inputs. Two feature tensors that meet channel to channel (a residual
 * Add, a squeeze-and-excitation Mul with a `[N,C,1,1]` scale) merge into one group; a constant that
 * spans the channel axis is a per-channel parameter sliced with the group; a broadcast of size 1 on
 * the channel axis couples nothing.
 */
import type { GraphNode } from '../../graph';
import type { Layout } from '../layout';
import { quote, type AnalysisState } from '../state';
import type { Rule } from './rule';

/** `inputs`: which input slots hold operands (Where's slot 0 is its condition, an operand too). */
function join(s: AnalysisState, node: GraphNode): void {
  const y = node.outputs[0];
  const outRank = s.rank(y);
  if (outRank === undefined) {
    const msg = `${quote(node)} has an output of unknown rank.`;
    s.blockInputs(node, 'untraceable', msg);
    return;
  }
  const operands = node.inputs.filter((v) => v !== '');
  // The anchor: the first operand with a layout that spans the output's channel extent.
  let anchor: Layout | undefined;
  let anchorName = '';
  for (const v of operands) {
    const l = s.layout(v);
    const r = s.rank(v);
    if (!l || r === undefined) continue;
    const axis = l.axis + (outRank - r);
    if (s.dim(v, l.axis) === s.dim(y, axis) && s.extent(l) > 0) {
      anchor = { axis, rank: outRank, segments: l.segments };
      anchorName = v;
      break;
    }
  }
  if (!anchor) {
    // No operand carries channels into the output (all broadcast along their channel axis).
    return;
  }
  const channels = s.dim(y, anchor.axis);
  for (const v of operands) {
    if (v === anchorName) continue;
    const r = s.rank(v);
    const local = r === undefined ? -1 : anchor.axis - (outRank - r);
    const size = local >= 0 ? s.dim(v, local) : 1;
    if (r === undefined || size === undefined) {
      s.block(
        anchor,
        'untraceable',
        `${quote(node)} combines channels with a tensor of unknown shape.`,
        node,
        v,
      );
      continue;
    }
    if (local < 0 || size === 1) {
      // Broadcast along the channels; but a tracked operand whose own channels sit elsewhere is lost.
      const own = s.layout(v);
      if (own && own.axis !== local && s.extent(own) > 1 && local >= 0)
        s.block(own, 'untraceable', `${quote(node)} broadcasts its channels across another axis.`, node, v);
      continue;
    }
    if (size !== channels) continue;
    const layout = s.layout(v);
    if (layout && layout.axis === local) {
      s.table.unionSegments(anchor.segments, layout.segments);
      continue;
    }
    if (layout) {
      const msg = `${quote(node)} aligns channels with another axis of '${v}'.`;
      s.block(anchor, 'untraceable', msg, node, v);
      s.block(layout, 'untraceable', msg, node, v);
      continue;
    }
    if (!s.param(node, 'follower', v, local, anchor.segments, `per-channel operand of ${quote(node)}`))
      s.block(
        anchor,
        'untraceable',
        `${quote(node)} combines the channels with '${v}', which Whittle cannot trace.`,
        node,
        v,
      );
  }
  const joined = operands.filter((v) => s.layout(v)).length > 1;
  s.setLayout(y, anchor, joined ? 'join' : 'follower', node, joined ? `joined by ${quote(node)}` : undefined);
}

const JOINS = [
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Max',
  'Min',
  'Sum',
  'Mean',
  'Pow',
  'Where',
  'Equal',
  'Less',
  'LessOrEqual',
  'Greater',
  'GreaterOrEqual',
  'And',
  'Or',
  'Xor',
  'Mod',
  'BitShift',
];

export const joinRules: Record<string, Rule> = Object.fromEntries(JOINS.map((op) => [op, join as Rule]));
