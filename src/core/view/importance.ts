/**
 * Per-channel importance of a pruning group from the weights of its producers, the magnitude
 * criteria of Li et al., "Pruning Filters for Efficient ConvNets" (ICLR 2017):
 *   L1(c) = Σ_m Σ_{i ∈ slice_m(c)} |w_i|,   L2(c) = sqrt(Σ_m Σ_{i ∈ slice_m(c)} w_i²)
 * over every producer parameter member m (a conv's weight along its output axis, its bias), where
 * slice_m(c) is the part of m that channel c owns. src/core/prune did not exist when this was written,
 * so the studio computes these two criteria here; the pipeline's own criteria replace them for runs.
 */
import { DataType, tensorData } from '../onnx';
import type { ChannelGroup } from '../analysis';
import type { Graph } from '../graph';
import type { GroupImportance } from './types';

/** L1 and L2 importance of each channel of `group`; zeros when no producer weight is readable. */
export function groupImportance(graph: Graph, group: ChannelGroup): GroupImportance {
  const l1 = new Float64Array(group.channels);
  const sq = new Float64Array(group.channels);
  for (const member of group.members) {
    if (member.role !== 'producer' || member.kind !== 'parameter') continue;
    const tensor = graph.initializers.get(member.name);
    if (!tensor || tensor.dataType !== DataType.FLOAT) continue;
    const data = tensorData(tensor) as Float32Array;
    const dims = tensor.dims.map(Number);
    let outer = 1;
    for (let d = 0; d < member.axis; d++) outer *= dims[d];
    let inner = 1;
    for (let d = member.axis + 1; d < dims.length; d++) inner *= dims[d];
    const axisLength = dims[member.axis] ?? 1;
    for (const run of member.runs) {
      for (let i = 0; i < run.length; i++) {
        const channel = run.groupStart + i;
        const first = run.targetStart + i * run.block;
        let a = 0;
        let s = 0;
        for (let t = first; t < first + run.block; t++) {
          for (let o = 0; o < outer; o++) {
            const base = (o * axisLength + t) * inner;
            for (let k = 0; k < inner; k++) {
              const w = data[base + k];
              a += w < 0 ? -w : w;
              s += w * w;
            }
          }
        }
        l1[channel] += a;
        sq[channel] += s;
      }
    }
  }
  const l2 = new Array<number>(group.channels);
  for (let c = 0; c < group.channels; c++) l2[c] = Math.sqrt(sq[c]);
  return { l1: Array.from(l1), l2 };
}
