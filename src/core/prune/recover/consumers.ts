/**
 * The layers recovery works on: every Conv, Gemm or MatMul that reads pruned channels, with which of
 * its input indices are gone (per conv group) and which of its output channels are pruned too.
 */
import { attrInt, initializerBehind, type Graph, type GraphNode } from '../../graph';
import { planCuts, type ParamCut } from '../apply/cuts';
import { memberReaders } from '../members';
import { privatizeShared } from '../apply/shared';
import type { PrunePlan } from '../types';
import { outputAxis } from './own-parameter';

export interface ConsumerLayer {
  node: GraphNode;
  /** The weight initializer (behind any Identity). */
  weight: string;
  /** Weight axis of the input channels (1 for Conv, K for Gemm/MatMul). */
  inputAxis: number;
  outputAxis: number;
  /** Conv groups (1 for Gemm/MatMul). */
  groups: number;
  /** Removed input indices along `inputAxis`, per conv group (local indices). */
  removed: Set<number>[];
  /** Output channels of this layer that the plan prunes (their rows stay zero). */
  prunedOutputs: Set<number>;
}

const LAYERS = new Set(['Conv', 'Gemm', 'MatMul']);

/** Consumer layers of the plan's pruned groups, in topological order. */
export function consumerLayers(graph: Graph, plan: PrunePlan): ConsumerLayer[] {
  plan = privatizeShared(graph, plan);
  const cuts = planCuts(graph, plan);
  const nodes = new Set<GraphNode>();
  for (const g of plan.groups) {
    if (!g.prune.length) continue;
    for (const m of g.members)
      if (m.kind === 'parameter' && m.role === 'consumer')
        for (const r of memberReaders(graph, m)) if (LAYERS.has(r.node.opType) && r.slot === 1) nodes.add(r.node);
  }
  const out: ConsumerLayer[] = [];
  for (const node of graph.nodes()) {
    if (!nodes.has(node)) continue;
    const weight = initializerBehind(graph, node.inputs[1]);
    if (!weight) continue;
    const oAxis = outputAxis(node);
    const iAxis = node.opType === 'Conv' ? 1 : oAxis === 0 ? 1 : 0;
    const groups = node.opType === 'Conv' ? attrInt(node, 'group', 1) : 1;
    const axes = cuts.params.get(weight);
    out.push({
      node,
      weight,
      inputAxis: iAxis,
      outputAxis: oAxis,
      groups,
      removed: removedPerGroup(axes?.get(iAxis), groups),
      prunedOutputs: new Set(axes?.get(oAxis)?.indices ?? []),
    });
  }
  return out;
}

function removedPerGroup(cut: ParamCut | undefined, groups: number): Set<number>[] {
  const out = Array.from({ length: groups }, () => new Set<number>(cut?.indices ?? []));
  for (const [k, set] of cut?.blocked?.perBlock ?? []) for (const i of set) out[k].add(i);
  return out;
}
