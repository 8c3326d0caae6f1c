/**
 * Physical removal: every member of every pruned group loses the planned channels — producers'
 * filters and biases, followers' per-channel parameters, consumers' input slices (whole blocks of
 * features after a Flatten), grouped-convolution weights per conv group — and the attributes and
 * constants that count channels follow: a depthwise convolution's `group`, Reshape target entries,
 * Split sizes and Slice bounds along the channel axis. Concat offsets follow by themselves.
 */
import { attrInt, inferShapes, makeAttributeInt, type Graph } from './graph-edit';
import { makeTensor, tensorData, type TensorValues } from '../../onnx';
import { dropBlocked, dropIndices } from '../tensor-slice';
import type { PrunePlan } from '../types';
import { blockedIndices, planCuts, type ParamCut } from './cuts';
import { fixChannelSlices } from './fixups';
import { privatizeShared } from './shared';
import { readersOf } from '../members';

export interface RemovalReport {
  /** Initializers sliced. */
  parameters: number;
  /** Depthwise convolutions whose `group` changed. */
  groupAttributes: number;
  /** Reshape entries, Split sizes and Slice bounds rewritten. */
  shapeConstants: number;
}

/** Removes the plan's channels from `graph` in place. The plan must have been made for this graph. */
export function removeChannels(graph: Graph, plan: PrunePlan): RemovalReport {
  const cuts = planCuts(graph, privatizeShared(graph, plan));
  const shapes = inferShapes(graph);
  const report: RemovalReport = { parameters: 0, groupAttributes: 0, shapeConstants: 0 };

  for (const [name, axes] of cuts.params) {
    const t = graph.initializers.get(name);
    if (!t) throw new Error(`The plan names initializer '${name}', which the graph does not have.`);
    const oldDims = t.dims.map(Number);
    const { data, dims } = sliceAll(tensorData(t), oldDims, [...axes.values()]);
    graph.replaceInitializer(name, makeTensor(name, t.dataType, dims, data));
    report.parameters++;
    report.groupAttributes += fixDepthwiseGroups(graph, name, oldDims, dims);
  }

  for (const [name, entries] of cuts.shapeEntries) {
    const t = graph.initializers.get(name);
    if (!t) continue;
    const data = tensorData(t).slice() as TensorValues;
    for (const [entry, lost] of entries) {
      if (data instanceof BigInt64Array) data[entry] -= BigInt(lost);
      else (data as Int32Array)[entry] -= lost;
      report.shapeConstants++;
    }
    graph.replaceInitializer(name, makeTensor(name, t.dataType, t.dims.map(Number), data));
  }

  report.shapeConstants += fixChannelSlices(graph, shapes, cuts.tensors);
  for (const name of cuts.tensors.keys()) graph.valueInfo.delete(name);
  return report;
}

/** Blocked (per conv group) cuts first, while rows still have their original block numbering. */
function sliceAll(
  data: TensorValues,
  dims: number[],
  cuts: ParamCut[],
): { data: TensorValues; dims: number[] } {
  let cur = { data, dims };
  for (const cut of cuts) {
    const blocked = blockedIndices(cut);
    if (!blocked) continue;
    if (cut.indices.size)
      throw new Error('A grouped convolution weight cannot be cut both per conv group and whole.');
    cur = dropBlocked(cur.data, cur.dims, cut.axis, blocked);
  }
  for (const cut of cuts) {
    if (!cut.indices.size) continue;
    const drop = [...cut.indices].sort((a, b) => a - b);
    cur = dropIndices(cur.data, cur.dims, cut.axis, drop);
  }
  return cur;
}

/**
 * A depthwise convolution (one input channel per conv group) has `group` = its input channels, so
 * it shrinks with them: new group = new output channels / channel multiplier.
 */
function fixDepthwiseGroups(graph: Graph, weight: string, oldDims: number[], newDims: number[]): number {
  let n = 0;
  if (oldDims[0] === newDims[0]) return 0;
  for (const { node, slot } of readersOf(graph, weight)) {
    if (node.opType !== 'Conv' || slot !== 1) continue;
    const group = attrInt(node, 'group', 1);
    if (group <= 1 || oldDims[1] !== 1) continue;
    const multiplier = oldDims[0] / group;
    graph.setAttribute(node.id, 'group', makeAttributeInt('group', newDims[0] / multiplier));
    n++;
  }
  return n;
}
