/**
 * Channel-wise followers: ops whose output channel c depends only on input channel c, so the group
 * flows through them (with their per-channel parameters), and the ops that look like followers but
 * mix channels (normalisation, reductions or softmax over the channel axis) and so block the group.
 */
import { attrInt, attrInts, type GraphNode } from '../../graph';
import type { Layout } from '../layout';
import { quote, type AnalysisState } from '../state';
import type { Rule } from './rule';

/** Output 0 carries input 0's layout. */
function follow(s: AnalysisState, node: GraphNode): Layout | undefined {
  const input = s.layout(node.inputs[0]);
  const y = node.outputs[0];
  if (!input || !y) return undefined;
  if (s.rank(y) !== undefined && s.rank(y) !== input.rank) {
    s.block(input, 'untraceable', `${quote(node)} changes the rank of its input.`, node, y);
    return undefined;
  }
  s.setLayout(y, input, 'follower', node);
  return input;
}

/** Follower whose inputs `params` (per-channel vectors, e.g. BatchNorm's scale/B/mean/var) are sliced too. */
function withChannelParams(params: number[]): Rule {
  return (s, node) => {
    const out = follow(s, node);
    if (!out) return;
    for (const i of params) {
      const p = node.inputs[i];
      if (!p) continue;
      if (!s.param(node, 'follower', p, 0, out.segments))
        s.block(out, 'untraceable', `${quote(node)} takes computed per-channel parameters.`, node, p);
    }
  };
}

/** PRelu's slope broadcasts against the input: per-channel when it spans the channel axis. */
function prelu(s: AnalysisState, node: GraphNode): void {
  const out = follow(s, node);
  const slope = node.inputs[1];
  const shape = s.shape(slope);
  if (!out || !shape) return;
  const axis = out.axis - (out.rank - shape.length);
  if (axis >= 0 && shape[axis] !== 1) {
    if (!s.param(node, 'follower', slope, axis, out.segments))
      s.block(out, 'untraceable', `${quote(node)} has a computed slope.`, node, slope);
  }
}

/** Follower only when the op leaves the channel axis alone (no padding / resizing / reducing across it). */
function unlessChannelTouched(
  touches: (s: AnalysisState, node: GraphNode, axis: number) => boolean,
  what: string,
): Rule {
  return (s, node) => {
    const input = s.layout(node.inputs[0]);
    if (input && touches(s, node, input.axis)) {
      s.block(input, 'cross-channel', `${quote(node)} ${what} along the channel axis.`, node, node.inputs[0]);
      return;
    }
    follow(s, node);
  };
}

const padTouches = (s: AnalysisState, node: GraphNode, axis: number): boolean => {
  const pads = attrInts(node, 'pads') ?? s.numbers(node.inputs[1]);
  const rank = s.rank(node.inputs[0]);
  if (!pads || rank === undefined) return true;
  const axes = s.numbers(node.inputs[3]);
  if (axes) {
    const k = axes.map((a) => (a < 0 ? a + rank : a)).indexOf(axis);
    return k >= 0 && (pads[k] !== 0 || pads[k + axes.length] !== 0);
  }
  return pads[axis] !== 0 || pads[axis + rank] !== 0;
};

const resizeTouches = (s: AnalysisState, node: GraphNode, axis: number): boolean => {
  const x = node.inputs[0];
  const y = node.outputs[0];
  const cin = s.dim(x, axis);
  return cin === undefined || s.dim(y, axis) !== cin;
};

/** Reductions keep channels apart unless they reduce over the channel axis. */
function reduce(s: AnalysisState, node: GraphNode): void {
  const x = node.inputs[0];
  const input = s.layout(x);
  const y = node.outputs[0];
  if (!input) return;
  const rank = input.rank;
  let axes = attrInts(node, 'axes') ?? s.numbers(node.inputs[1]);
  if (node.inputs[1] && !axes) {
    s.block(input, 'cross-channel', `${quote(node)} reduces over axes Whittle cannot read.`, node, x);
    return;
  }
  if (!axes || axes.length === 0)
    axes = attrInt(node, 'noop_with_empty_axes', 0) ? [] : [...Array(rank).keys()];
  const norm = axes.map((a) => (a < 0 ? a + rank : a));
  if (norm.includes(input.axis)) {
    s.block(input, 'cross-channel', `${quote(node)} reduces over the channel axis.`, node, x);
    return;
  }
  const keep = attrInt(node, 'keepdims', 1);
  const axis = keep ? input.axis : input.axis - norm.filter((a) => a < input.axis).length;
  s.setLayout(
    y,
    { axis, rank: keep ? rank : rank - norm.length, segments: input.segments },
    'follower',
    node,
  );
}

/** Softmax-like ops normalise along `axis` (and, before opset 13, every axis after it). */
function softmax(s: AnalysisState, node: GraphNode): void {
  const input = s.layout(node.inputs[0]);
  if (!input) return;
  const rank = input.rank;
  const raw = attrInt(node, 'axis', legacySoftmax(s) ? 1 : -1);
  const axis = raw < 0 ? raw + rank : raw;
  const coerced = legacySoftmax(s) ? input.axis >= axis : input.axis === axis;
  if (coerced) {
    s.block(
      input,
      'cross-channel',
      `${quote(node)} normalises across the channel axis.`,
      node,
      node.inputs[0],
    );
    return;
  }
  follow(s, node);
}

/** Before opset 13, Softmax flattened every axis from `axis` on into one. */
function legacySoftmax(s: AnalysisState): boolean {
  const v = s.graph.model?.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version;
  return v !== undefined && Number(v) < 13;
}

function layerNorm(s: AnalysisState, node: GraphNode): void {
  const input = s.layout(node.inputs[0]);
  if (!input) return;
  const raw = attrInt(node, 'axis', -1);
  const axis = raw < 0 ? raw + input.rank : raw;
  if (input.axis >= axis) {
    s.block(
      input,
      'cross-channel',
      `${quote(node)} normalises across the channel axis.`,
      node,
      node.inputs[0],
    );
    return;
  }
  follow(s, node);
}

function crossChannel(what: string): Rule {
  return (s, node) => s.blockInputs(node, 'cross-channel', `${quote(node)} ${what}.`);
}

const UNARY = [
  'Relu',
  'LeakyRelu',
  'Sigmoid',
  'HardSigmoid',
  'HardSwish',
  'Tanh',
  'Elu',
  'Selu',
  'Celu',
  'Softplus',
  'Softsign',
  'Gelu',
  'Erf',
  'Sqrt',
  'Exp',
  'Log',
  'Abs',
  'Neg',
  'Reciprocal',
  'Floor',
  'Ceil',
  'Round',
  'Sign',
  'Sin',
  'Cos',
  'Mish',
  'ThresholdedRelu',
  'Shrink',
  'Clip',
  'Dropout',
  'Identity',
  'Cast',
  'CastLike',
  'MaxPool',
  'AveragePool',
  'LpPool',
  'GlobalAveragePool',
  'GlobalMaxPool',
  'GlobalLpPool',
  'IsNaN',
  'IsInf',
  'Not',
];

export const followerRules: Record<string, Rule> = {
  ...Object.fromEntries(UNARY.map((op) => [op, follow as Rule])),
  BatchNormalization: withChannelParams([1, 2, 3, 4]),
  InstanceNormalization: withChannelParams([1, 2]),
  PRelu: prelu,
  Pad: unlessChannelTouched(padTouches, 'pads'),
  Resize: unlessChannelTouched(resizeTouches, 'resizes'),
  Upsample: unlessChannelTouched(resizeTouches, 'resizes'),
  ReduceMean: reduce,
  ReduceSum: reduce,
  ReduceMax: reduce,
  ReduceMin: reduce,
  ReduceProd: reduce,
  ReduceL1: reduce,
  ReduceL2: reduce,
  ReduceLogSumExp: reduce,
  ReduceSumSquare: reduce,
  Softmax: softmax,
  LogSoftmax: softmax,
  Hardmax: softmax,
  LayerNormalization: layerNorm,
  LRN: crossChannel('normalises across neighbouring channels'),
  GroupNormalization: crossChannel('normalises across groups of channels'),
};
