/**
 * Masking: the planned channels are zeroed in place, shapes unchanged. Producers' filters and biases,
 * BatchNorm scale and bias, depthwise filters and added per-channel constants are zeroed so the
 * channel is 0 where it is computed; consumers' input slices are zeroed so nothing the channel still
 * carries (an activation with f(0) ≠ 0 such as Sigmoid or HardSigmoid, a per-channel Mul) reaches
 * anything downstream. Physical removal of the same plan therefore computes exactly what the masked
 * model computes.
 */
import type { Graph } from '../../graph';
import { makeTensor, tensorData, type TensorValues } from '../../onnx';
import { zeroBlocked, zeroIndices } from '../tensor-slice';
import type { PrunePlan } from '../types';
import { blockedIndices, planCuts } from './cuts';
import { privatizeShared } from './shared';

export interface MaskReport {
  /** Initializers rewritten. */
  parameters: number;
  /** Entries set to zero. */
  zeroed: number;
}

/** Zeroes the plan's channels in `graph` (in place); see the module comment for what is zeroed. */
export function applyMask(graph: Graph, plan: PrunePlan): MaskReport {
  const cuts = planCuts(graph, privatizeShared(graph, plan));
  let parameters = 0;
  let zeroed = 0;
  for (const [name, axes] of cuts.params) {
    const t = graph.initializers.get(name);
    if (!t) throw new Error(`The plan names initializer '${name}', which the graph does not have.`);
    const dims = t.dims.map(Number);
    let data: TensorValues | undefined;
    for (const cut of axes.values()) {
      if (!cut.zero) continue;
      data ??= tensorData(t).slice() as TensorValues;
      const plain = [...cut.indices].sort((a, b) => a - b);
      if (plain.length) zeroIndices(data, dims, cut.axis, plain);
      const blocked = blockedIndices(cut);
      if (blocked) zeroBlocked(data, dims, cut.axis, blocked);
      zeroed += countZeroed(dims, cut.axis, plain.length, blocked);
    }
    if (!data) continue;
    graph.replaceInitializer(name, makeTensor(name, t.dataType, dims, data));
    parameters++;
  }
  return { parameters, zeroed };
}

function countZeroed(
  dims: readonly number[],
  axis: number,
  plain: number,
  blocked: ReturnType<typeof blockedIndices>,
): number {
  const total = dims.reduce((a, b) => a * b, 1);
  let n = (total / dims[axis]) * plain;
  if (blocked) {
    const perRow = total / dims[0] / dims[axis];
    for (const idx of blocked.perBlock.values()) n += idx.length * (dims[0] / blocked.blocks) * perRow;
  }
  return n;
}
