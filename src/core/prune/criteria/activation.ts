/**
 * The data-aware criterion: how much of its consumers' output a channel carries on real data.
 */
import type { ChannelGroup, GroupMember } from '../../analysis';
import { attrInt, type Graph } from '../../graph';
import type { InferenceRuntime } from '../../eval';
import { memberIndices, memberReaders } from '../members';
import { capture, type CalibrationBatches } from '../recover/calibration';
import { axisSplit } from '../tensor-slice';
import type { GroupScores, ScoreNormalization } from '../types';
import { floatWeights, sliceNormsSquared } from './filters';
import { normalizeScores } from './normalize';

/**
 * `activation` criterion: for channel c, I_c = √( Σ_consumers Σ_i E[x_i²] · ‖W_{:,j(i)}‖² ), where i
 * runs over the indices c owns in the consumer's input x (one, or a block of features after a
 * Flatten), j(i) is the matching input slice of the consumer's weight W, and E is the mean over the
 * calibration set (and spatial positions). It is the energy the consumers' outputs lose when c is
 * removed, if positions and channels were uncorrelated — a cheap stand-in for the next layer's
 * reconstruction error (Luo et al., ThiNet, ICCV 2017, rank channels by that error).
 */
export async function activationScores(
  runtime: InferenceRuntime,
  graph: Graph,
  groups: readonly ChannelGroup[],
  calibration: CalibrationBatches,
  normalize: ScoreNormalization = 'mean',
): Promise<GroupScores> {
  interface Term {
    group: ChannelGroup;
    tensor: GroupMember;
    weight: GroupMember;
    blocks: number;
  }
  const terms: Term[] = [];
  for (const g of groups) {
    if (!g.prunable) continue;
    for (const w of g.members) {
      if (w.kind !== 'parameter' || w.role !== 'consumer') continue;
      for (const { node } of memberReaders(graph, w)) {
        const tensor = g.members.find((t) => t.kind === 'tensor' && t.name === node.inputs[0]);
        if (tensor) terms.push({ group: g, tensor, weight: w, blocks: attrInt(node, 'group', 1) });
      }
    }
  }
  const axes = new Map(terms.map((t) => [t.tensor.name, t.tensor.axis]));
  const sums = new Map<string, { sq: Float64Array; count: number }>();
  for await (const { values } of capture(runtime, graph, [...axes.keys()], calibration)) {
    for (const [name, axis] of axes) {
      const v = values[name];
      const { outer, size, inner } = axisSplit(v.dims, axis);
      let acc = sums.get(name);
      if (!acc) sums.set(name, (acc = { sq: new Float64Array(size), count: 0 }));
      const data = v.data as Float32Array;
      for (let o = 0; o < outer; o++)
        for (let i = 0; i < size; i++) {
          const base = (o * size + i) * inner;
          let s = 0;
          for (let k = 0; k < inner; k++) s += data[base + k] * data[base + k];
          acc.sq[i] += s;
        }
      acc.count += outer * inner;
    }
  }
  const raw = new Map<string, Float64Array>();
  for (const t of terms) {
    const acc = sums.get(t.tensor.name)!;
    const w = floatWeights(graph, t.weight.name);
    if (!w) continue;
    const rowBlock = t.weight.convGroup !== undefined ? { block: t.weight.convGroup, blocks: t.blocks } : undefined;
    const cols = sliceNormsSquared(w.data, w.dims, t.weight.axis, rowBlock);
    let scores = raw.get(t.group.id);
    if (!scores) raw.set(t.group.id, (scores = new Float64Array(t.group.channels)));
    for (let c = 0; c < t.group.channels; c++) {
      const one = new Set([c]);
      const xi = memberIndices(t.tensor, one);
      const wj = memberIndices(t.weight, one);
      const n = Math.min(xi.length, wj.length);
      for (let k = 0; k < n; k++) scores[c] += (acc.sq[xi[k]] / acc.count) * cols[wj[k]];
    }
  }
  const out: GroupScores = {};
  for (const g of groups) {
    if (!g.prunable) continue;
    const s = raw.get(g.id) ?? new Float64Array(g.channels);
    out[g.id] = normalizeScores(s.map(Math.sqrt), normalize);
  }
  return out;
}
