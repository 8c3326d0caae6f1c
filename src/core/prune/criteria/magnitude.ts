/**
 * Weight-only criteria: L1 / L2 magnitude and FPGM, aggregated over a group's members.
 */
import type { ChannelGroup } from '../../analysis';
import type { Graph } from '../../graph';
import type { Kernels } from '../../../kernels';
import type { CriterionOptions, GroupScores } from '../types';
import { batchNormScale, filterMatrix, type FilterMatrix } from './filters';
import { normalizeScores } from './normalize';

/**
 * Channel importance from weights alone, for every prunable group.
 *
 * - `l1` / `l2`: ‖w_c‖₁ or ‖w_c‖₂ of each producer filter (Li et al., "Pruning Filters for Efficient
 *   ConvNets", ICLR 2017), summed over the group's producers; each filter is first scaled by the
 *   BatchNorm that follows it (|γ|/√(σ²+ε)) unless `bnScale` is false.
 * - `fpgm`: Σ_b ‖w_c − w_b‖₂ over the group's channels, on the signed filters of all producers laid
 *   side by side (He et al., "Filter Pruning via Geometric Median", CVPR 2019): a filter near the
 *   geometric median is replaceable by the others and scores low.
 *
 * With `includeConsumers`, the consumers' input slices add a second term, scaled to the same mean.
 * Scores are then normalised per group (`normalize`, default by the mean).
 */
export async function weightScores(
  graph: Graph,
  groups: readonly ChannelGroup[],
  options: CriterionOptions,
  kernels: Kernels,
): Promise<GroupScores> {
  const out: GroupScores = {};
  for (const g of groups) {
    if (!g.prunable) continue;
    const producers = matrices(graph, g, 'producer', options.bnScale ?? true);
    const consumers = options.includeConsumers ? matrices(graph, g, 'consumer', false) : [];
    const raw =
      options.criterion === 'fpgm'
        ? await fpgm(producers, consumers, g.channels, kernels)
        : await combine(
            await norms(producers, g.channels, options.criterion === 'l1' ? 'l1' : 'l2', kernels),
            consumers.length ? await norms(consumers, g.channels, options.criterion === 'l1' ? 'l1' : 'l2', kernels) : undefined,
          );
    out[g.id] = normalizeScores(raw, options.normalize ?? 'mean');
  }
  return out;
}

function matrices(graph: Graph, g: ChannelGroup, role: 'producer' | 'consumer', bnScale: boolean): FilterMatrix[] {
  const list: FilterMatrix[] = [];
  for (const m of g.members) {
    if (m.kind !== 'parameter' || m.role !== role) continue;
    const scale = bnScale ? batchNormScale(graph, m) : undefined;
    const f = filterMatrix(graph, m, g.channels, scale);
    if (f) list.push(f);
  }
  return list;
}

async function norms(mats: FilterMatrix[], channels: number, norm: 'l1' | 'l2', kernels: Kernels): Promise<Float64Array> {
  const sum = new Float64Array(channels);
  const out = new Float32Array(channels);
  for (const m of mats) {
    await kernels.filterNorms({ weights: m.data, filters: channels, size: m.size, norm, out });
    for (let c = 0; c < channels; c++) sum[c] += out[c];
  }
  return sum;
}

/** Producers' term plus, when given, the consumers' term rescaled to the same mean. */
function combine(producers: Float64Array, consumers?: Float64Array): Float64Array {
  if (!consumers) return producers;
  const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / Math.max(1, a.length);
  const mp = mean(producers);
  const mc = mean(consumers);
  const out = new Float64Array(producers.length);
  for (let c = 0; c < out.length; c++) out[c] = producers[c] + (mc > 0 ? (consumers[c] * mp) / mc : 0);
  return out;
}

/** Distance sums on the members' filters side by side, each member scaled to unit mean norm. */
async function fpgm(
  producers: FilterMatrix[],
  consumers: FilterMatrix[],
  channels: number,
  kernels: Kernels,
): Promise<Float64Array> {
  const mats = [...producers, ...consumers];
  const size = mats.reduce((s, m) => s + m.size, 0);
  const joined = new Float32Array(channels * size);
  const norms = new Float32Array(channels);
  let offset = 0;
  for (const m of mats) {
    await kernels.filterNorms({ weights: m.data, filters: channels, size: m.size, norm: 'l2', out: norms });
    let mean = 0;
    for (let c = 0; c < channels; c++) mean += norms[c] / channels;
    const k = mean > 0 ? 1 / mean : 0;
    for (let c = 0; c < channels; c++)
      for (let i = 0; i < m.size; i++) joined[c * size + offset + i] = m.data[c * m.size + i] * k;
    offset += m.size;
  }
  const out = new Float32Array(channels);
  if (size > 0) await kernels.distanceSums({ weights: joined, filters: channels, size, out });
  return Float64Array.from(out);
}
