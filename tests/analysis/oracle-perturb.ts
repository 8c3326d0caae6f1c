/**
 * Where and how the oracle perturbs one group channel: the consumers' input slices it zeroes (so a
 * change cannot flow past them) and, per producer, the bias or filter slice it moves.
 */
import type * as ort from 'onnxruntime-node';
import type { ChannelGroup, GroupMember } from '../../src/core/analysis';
import type { Node } from '../../src/core/onnx';
import { forEachInSlice, type IndexRange, type ParamEdit } from './oracle-edits';
import { rangesOf, type Dataflow } from './oracle-predict';

function sliceEdit(
  m: GroupMember,
  ranges: IndexRange[],
  change: (data: Float32Array, i: number, first: boolean) => void,
): ParamEdit {
  return {
    node: m.node,
    param: m.name,
    apply(data, dims) {
      for (const r of ranges) {
        let first = true;
        forEachInSlice(dims, m.axis, r, (i) => {
          change(data, i, first);
          first = false;
        });
      }
    },
  };
}

/** Zeroes, in every consumer parameter of `group`, the input slice that `channel` feeds. */
export function zeroConsumers(
  group: ChannelGroup,
  channel: number,
): { edits: ParamEdit[]; nodes: Set<string> } {
  const edits: ParamEdit[] = [];
  const nodes = new Set<string>();
  for (const m of group.members) {
    if (m.role !== 'consumer' || m.kind !== 'parameter') continue;
    const ranges = rangesOf(m, channel);
    if (ranges.length === 0) continue;
    edits.push(sliceEdit(m, ranges, (d, i) => (d[i] = 0)));
    nodes.add(m.node);
  }
  return { edits, nodes };
}

/** One way to move a producer's channel: what it edits and in words. */
export interface Perturbation {
  edit: ParamEdit;
  what: string;
}

const BIAS_STEPS = [2.5, -4];

/**
 * The bias shift that moves the largest value of `channel` in the biased node's output to 0.5: a
 * last try for a channel a fixed shift cannot move through a saturated activation (a ReLU dead at
 * this input, a HardSigmoid pinned at 0 or 1 — common after a squeeze-and-excitation pool).
 */
function centringShift(
  group: ChannelGroup,
  bias: GroupMember,
  channel: number,
  flow: Dataflow,
  base: Record<string, ort.Tensor>,
): number | undefined {
  const out = flow.byName.get(bias.node)?.output[0];
  const member = group.members.find((m) => m.kind === 'tensor' && m.name === out);
  const t = out !== undefined ? base[out] : undefined;
  if (!member || !t || t.type !== 'float32') return undefined;
  let max = -Infinity;
  const data = t.data as Float32Array;
  for (const r of rangesOf(member, channel))
    forEachInSlice(t.dims.map(Number), member.axis, r, (i) => {
      if (data[i] > max) max = data[i];
    });
  return Number.isFinite(max) ? 0.5 - max : undefined;
}
const FILTER_STEPS = [
  { scale: 3, shift: 0.5 },
  { scale: -2, shift: 0.7 },
];

/**
 * The ways to perturb `channel` at producer node `producer`, in the order to try: its bias (Conv,
 * ConvTranspose, Gemm input 2; the constant of an `Add` that directly follows a MatMul comes last) shifted,
 * and its filter scaled with its first weight shifted (so that even a normalisation after it sees a
 * change of shape, not only of scale). Bias and filter alternate so that a second try uses the
 * other mechanism; the third centres the channel for a saturated activation.
 */
export function perturbations(
  group: ChannelGroup,
  producer: Node,
  channel: number,
  flow: Dataflow,
  base: Record<string, ort.Tensor>,
): Perturbation[] {
  const params = group.members.filter((m) => m.kind === 'parameter');
  const own = params.filter((m) => m.node === producer.name && m.role === 'producer');
  const biasName = ['Conv', 'ConvTranspose', 'Gemm'].includes(producer.opType)
    ? producer.input[2]
    : undefined;
  const filter = own.find((m) => m.name !== biasName);
  let bias = own.find((m) => m.name === biasName && biasName !== '');
  // A bias shared between layers (torch deduplicates equal initializers behind Identity nodes) is
  // listed once, under one reader; this producer's own input still aligns with its filters.
  if (!bias && biasName && filter) bias = { ...filter, name: biasName, axis: 0 };
  const ownBias = bias !== undefined;
  if (!bias)
    for (const r of producer.output.flatMap((o) => flow.readers.get(o) ?? []))
      if (r.opType === 'Add') bias ??= params.find((m) => m.node === r.name && r.input.includes(m.name));
  const biases: Perturbation[] = [];
  const filters: Perturbation[] = [];
  const biasRanges = bias ? rangesOf(bias, channel) : [];
  if (bias && biasRanges.length > 0)
    for (const step of BIAS_STEPS)
      biases.push({
        edit: sliceEdit(bias, biasRanges, (d, i) => (d[i] += step)),
        what: `${bias.name}[${channel}] += ${step}`,
      });
  const filterRanges = filter ? rangesOf(filter, channel) : [];
  if (filter && filterRanges.length > 0)
    for (const { scale, shift } of FILTER_STEPS)
      filters.push({
        edit: sliceEdit(filter, filterRanges, (d, i, first) => (d[i] = d[i] * scale + (first ? shift : 0))),
        what: `${filter.name} axis ${filter.axis} channel ${channel} ×${scale}`,
      });
  const centre = bias && biasRanges.length > 0 ? centringShift(group, bias, channel, flow, base) : undefined;
  const centring: Perturbation | undefined =
    bias && centre !== undefined
      ? {
          edit: sliceEdit(bias, biasRanges, (d, i) => (d[i] += centre)),
          what: `${bias.name}[${channel}] += ${centre.toFixed(3)} (centring)`,
        }
      : undefined;
  // A bias on a following Add leaves the producer's own output unmoved: try the filter first then.
  const order = ownBias
    ? [biases[0], filters[0], centring, biases[1], filters[1]]
    : [filters[0], filters[1], biases[0], centring, biases[1]];
  return order.filter((p): p is Perturbation => !!p);
}

/**
 * A last resort for a channel that stays dead whatever its producers do (a depthwise filter whose
 * weights are all negative before a ReLU, common in random-weight exports): shift the channel's bias
 * in every follower that has one — a depthwise Conv's input 2, a BatchNormalization's B — too.
 */
export function followerShifts(group: ChannelGroup, channel: number, flow: Dataflow): Perturbation[] {
  const out: Perturbation[] = [];
  const seen = new Set<string>();
  for (const m of group.members) {
    if (m.role !== 'follower' || m.kind !== 'parameter' || seen.has(m.node)) continue;
    const node = flow.byName.get(m.node);
    const biasName =
      node?.opType === 'Conv' || node?.opType === 'BatchNormalization' ? node.input[2] : undefined;
    if (!node || !biasName) continue;
    const isWeight = node.opType === 'Conv' ? m.name === node.input[1] : m.name === biasName;
    if (!isWeight) continue;
    seen.add(m.node);
    const bias: GroupMember = { ...m, name: biasName, axis: 0 };
    const ranges = rangesOf(bias, channel);
    if (ranges.length > 0)
      out.push({
        edit: sliceEdit(bias, ranges, (d, i) => (d[i] += 2.5)),
        what: `${biasName}[${channel}] += 2.5 (follower)`,
      });
  }
  return out;
}
