/**
 * Producers and consumers: Conv / ConvTranspose (including depthwise and grouped), Gemm, MatMul.
 * A producer opens a new channel space on its output; the weights' input axis is a consumer member of
 * whatever space its input carries.
 */
import { attrInt, type GraphNode } from '../../graph';
import { sliceSegments, type Layout } from '../layout';
import { quote, type AnalysisState } from '../state';
import type { Rule } from './rule';

function conv(s: AnalysisState, node: GraphNode): void {
  const [x, w, b] = node.inputs;
  const y = node.outputs[0];
  const transpose = node.opType === 'ConvTranspose';
  const group = attrInt(node, 'group', 1);
  const rank = s.rank(y) ?? 4;
  const input = s.layout(x);
  const cin = s.dim(x, 1);
  const cout = s.dim(y, 1);
  const wShape = s.shape(w);
  if (!s.initializerOf(w) || !wShape || cout === undefined || cin === undefined) {
    s.block(input, 'untraceable', `${quote(node)} has computed weights or unknown channel counts.`, node, x);
    if (cout !== undefined)
      s.opaque(y, cout, 1, rank, 'untraceable', `${quote(node)} has computed weights.`, node);
    return;
  }
  if (input && input.axis !== 1) {
    s.block(
      input,
      'untraceable',
      `${quote(node)} reads channels along an axis Whittle did not track.`,
      node,
      x,
    );
  }
  const tracked = input && input.axis === 1 ? input : undefined;

  // Depthwise (one input channel per conv group): each output channel follows its input channel.
  const perGroupIn = transpose ? Number(wShape[0]) / group : Number(wShape[1]);
  if (group > 1 && group === cin && perGroupIn === 1 && cout % cin === 0 && tracked) {
    const multiplier = cout / cin;
    const out: Layout = {
      axis: 1,
      rank,
      segments: tracked.segments.map((seg) => ({ ...seg, block: seg.block * multiplier })),
    };
    const note = `depthwise ${quote(node)}`;
    s.param(node, 'follower', w, transpose ? 1 : 0, out.segments, note);
    if (b) s.param(node, 'follower', b, 0, out.segments, note);
    s.setLayout(y, out, 'follower', node, note);
    return;
  }

  const inAxis = transpose ? 0 : 1;
  const outAxis = transpose ? 1 : 0;
  if (tracked) {
    if (group === 1) s.param(node, 'consumer', w, inAxis, tracked.segments);
    else grouped(s, node, x, tracked, group, cin, inAxis, transpose);
  }
  const produced = s.produce(node, y, cout, 1, rank);
  if (group === 1 || !transpose) s.param(node, 'producer', w, outAxis, produced.segments);
  else {
    // ConvTranspose weights hold cout/group output channels per conv group: one member per group.
    const per = cout / group;
    for (let k = 0; k < group; k++) {
      const part = sliceSegments(produced.segments, k * per, (k + 1) * per);
      if (part) s.param(node, 'producer', w, outAxis, part, `conv group ${k}`, k);
    }
  }
  if (group > 1)
    s.table.constrain(produced.segments[0].space, {
      kind: 'uniform-per-block',
      blocks: group,
      name: y,
      node: node.name,
    });
  if (b) s.param(node, 'producer', b, 0, produced.segments);
}

/** Input side of a grouped conv: conv group k reads input channels [k·cin/g, (k+1)·cin/g) at weight indices 0…cin/g. */
function grouped(
  s: AnalysisState,
  node: GraphNode,
  x: string,
  input: Layout,
  group: number,
  cin: number,
  inAxis: number,
  transpose: boolean,
): void {
  const per = cin / group;
  if (!transpose) {
    for (let k = 0; k < group; k++) {
      const part = sliceSegments(input.segments, k * per, (k + 1) * per);
      if (part) s.param(node, 'consumer', node.inputs[1], inAxis, part, `conv group ${k}`, k);
    }
  } else s.param(node, 'consumer', node.inputs[1], inAxis, input.segments);
  for (const seg of input.segments)
    s.table.constrain(seg.space, { kind: 'uniform-per-block', blocks: group, name: x, node: node.name });
}

function gemm(s: AnalysisState, node: GraphNode): void {
  const [a, bw, c] = node.inputs;
  const y = node.outputs[0];
  const transA = attrInt(node, 'transA', 0);
  const transB = attrInt(node, 'transB', 0);
  const input = s.layout(a);
  const n = s.dim(y, 1);
  if (transA || !s.initializerOf(bw) || n === undefined) {
    const why = transA ? 'transposes its input' : 'multiplies two computed tensors';
    s.block(input, 'untraceable', `${quote(node)} ${why}; Whittle keeps its input features.`, node, a);
    if (n !== undefined) s.opaque(y, n, 1, 2, 'untraceable', `${quote(node)} ${why}.`, node);
    return;
  }
  if (input) {
    if (input.axis === 1) s.param(node, 'consumer', bw, transB ? 1 : 0, input.segments);
    else
      s.block(
        input,
        'untraceable',
        `${quote(node)} reads features along an axis Whittle did not track.`,
        node,
        a,
      );
  }
  const produced = s.produce(node, y, n, 1, 2);
  s.param(node, 'producer', bw, transB ? 0 : 1, produced.segments);
  if (c) biasMember(s, node, c, produced);
}

/** A bias broadcast over the output's channel axis is sliced with it; a scalar bias is left alone. */
function biasMember(s: AnalysisState, node: GraphNode, c: string, out: Layout): void {
  const shape = s.shape(c);
  const last = shape?.[shape.length - 1];
  if (shape && shape.length > 0 && last !== 1) {
    if (!s.param(node, 'producer', c, shape.length - 1, out.segments))
      s.block(out, 'untraceable', `${quote(node)} adds a computed bias Whittle cannot slice.`, node, c);
  }
}

function matmul(s: AnalysisState, node: GraphNode): void {
  const [a, bw] = node.inputs;
  const y = node.outputs[0];
  const rankA = s.rank(a);
  const rankY = s.rank(y);
  const bShape = s.shape(bw);
  const n = rankY !== undefined ? s.dim(y, rankY - 1) : undefined;
  const input = s.layout(a);
  if (
    !s.initializerOf(bw) ||
    bShape?.length !== 2 ||
    rankA === undefined ||
    rankY === undefined ||
    n === undefined
  ) {
    const message = `${quote(node)} multiplies two computed tensors, which mixes their channels.`;
    s.blockInputs(node, 'cross-channel', message);
    if (n !== undefined && rankY !== undefined)
      s.opaque(y, n, rankY - 1, rankY, 'cross-channel', message, node);
    return;
  }
  if (input) {
    if (input.axis === rankA - 1) s.param(node, 'consumer', bw, 0, input.segments);
    else
      s.block(
        input,
        'untraceable',
        `${quote(node)} multiplies along an axis other than the channels.`,
        node,
        a,
      );
  }
  const produced = s.produce(node, y, n, rankY - 1, rankY);
  s.param(node, 'producer', bw, 1, produced.segments);
}

export const producerRules: Record<string, Rule> = {
  Conv: conv,
  ConvTranspose: conv,
  Gemm: gemm,
  MatMul: matmul,
};
