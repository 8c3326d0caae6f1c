/**
 * Where and how the oracle perturbs one group channel: the consumers' input slices it zeroes (so a
 * change cannot flow past them) and, per producer, the bias or filter slice it moves.
 */
import type { ChannelGroup, GroupMember } from '../../src/core/analysis';
import type { Node } from '../../src/core/onnx';
import { forEachInSlice, type IndexRange, type ParamEdit } from './oracle-edits';
import { rangesOf, type Dataflow } from './oracle-predict';

function sliceEdit(m: GroupMember, ranges: IndexRange[], change: (data: Float32Array, i: number, first: boolean) => void): ParamEdit {
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
export function zeroConsumers(group: ChannelGroup, channel: number): { edits: ParamEdit[]; nodes: Set<string> } {
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
interface Perturbation {
  edit: ParamEdit;
  what: string;
}

const BIAS_STEPS = [2.5, -4];
const FILTER_STEPS = [
  { scale: 3, shift: 0.5 },
  { scale: -2, shift: 0.7 },
];

/**
 * The ways to perturb `channel` at producer node `producer`, in the order to try: its bias (Conv,
 * ConvTranspose, Gemm input 2, or the constant of an `Add` that directly follows a MatMul) shifted,
 * and its filter scaled with its first weight shifted (so that even a normalisation after it sees a
 * change of shape, not only of scale). Bias and filter alternate so that a second try uses the
 * other mechanism.
 */
export function perturbations(group: ChannelGroup, producer: Node, channel: number, flow: Dataflow): Perturbation[] {
  const params = group.members.filter((m) => m.kind === 'parameter');
  const own = params.filter((m) => m.node === producer.name && m.role === 'producer');
  const biasName = ['Conv', 'ConvTranspose', 'Gemm'].includes(producer.opType) ? producer.input[2] : undefined;
  let bias = own.find((m) => m.name === biasName && biasName !== '');
  if (!bias)
    for (const r of producer.output.flatMap((o) => flow.readers.get(o) ?? []))
      if (r.opType === 'Add') bias ??= params.find((m) => m.node === r.name && r.input.includes(m.name));
  const filter = own.find((m) => m !== bias && m.name !== biasName);
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
  const out: Perturbation[] = [];
  for (let k = 0; k < Math.max(biases.length, filters.length); k++) {
    if (biases[k]) out.push(biases[k]);
    if (filters[k]) out.push(filters[k]);
  }
  return out;
}
