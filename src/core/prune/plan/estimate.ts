/**
 * A cheap cost estimate for candidate selections, so a MAC target can be solved by search without
 * touching the graph: a Conv/Gemm/MatMul's MACs scale with its weight's kept elements (output
 * positions do not change), and parameters with each initializer's kept elements.
 */
import type { ChannelGroup } from '../../analysis';
import { costModel, isFloatType, type Graph, type ShapeInference } from '../../graph';
import { elementCount } from '../../onnx';
import { readersOf } from '../members';
import type { CostEstimate } from '../types';

interface AxisUse {
  init: string;
  axis: number;
  /** Indices along the axis (times conv groups for a per-conv-group member). */
  extent: number;
  /** Indices each group channel owns there. */
  perChannel: Int32Array;
}

export class CostEstimator {
  readonly before: CostEstimate;
  private readonly uses = new Map<string, AxisUse[]>();
  private readonly elements = new Map<string, number>();
  private readonly macNodes: { macs: number; weight: string }[] = [];
  private readonly fixedMacs: number;

  constructor(graph: Graph, groups: readonly ChannelGroup[], shapes: ShapeInference) {
    const cost = costModel(graph, shapes);
    this.before = { macs: cost.macs, parameters: cost.parameters };
    for (const [name, t] of graph.initializers)
      if (isFloatType(t.dataType) && !(graph.foldedConstants.has(name) && elementCount(t) <= 1))
        this.elements.set(name, elementCount(t));
    let variable = 0;
    for (const [name] of graph.initializers)
      for (const { node, slot } of readersOf(graph, name)) {
        const weightSlot = node.opType === 'MatMul' || node.opType === 'Gemm' || node.opType.startsWith('Conv') ? 1 : -1;
        if (slot !== weightSlot) continue;
        const macs = cost.nodes.get(node.id)?.macs ?? 0;
        if (!macs) continue;
        this.macNodes.push({ macs, weight: name });
        variable += macs;
      }
    this.fixedMacs = cost.macs - variable;
    for (const g of groups) {
      const list: AxisUse[] = [];
      for (const m of g.members) {
        if (m.kind !== 'parameter' || m.role === 'reshape') continue;
        const perChannel = new Int32Array(g.channels);
        for (const r of m.runs) for (let k = 0; k < r.length; k++) perChannel[r.groupStart + k] += r.block;
        // A per-conv-group member spans the weight's axis once per conv group.
        const extent = m.extent * (m.convGroup !== undefined ? groupsOf(graph, m.name) : 1);
        list.push({ init: m.name, axis: m.axis, extent, perChannel });
      }
      this.uses.set(g.id, list);
    }
  }

  /** Cost once the channels `prune[group]` are removed. */
  estimate(prune: ReadonlyMap<string, readonly number[]>): CostEstimate {
    const removed = new Map<string, Map<number, { lost: number; extent: number }>>();
    for (const [id, channels] of prune) {
      if (!channels.length) continue;
      for (const u of this.uses.get(id) ?? []) {
        let lost = 0;
        for (const c of channels) lost += u.perChannel[c];
        if (!lost) continue;
        let axes = removed.get(u.init);
        if (!axes) removed.set(u.init, (axes = new Map()));
        const a = axes.get(u.axis) ?? { lost: 0, extent: u.extent };
        a.lost += lost;
        axes.set(u.axis, a);
      }
    }
    const kept = (init: string): number => {
      let f = 1;
      for (const a of removed.get(init)?.values() ?? []) f *= 1 - a.lost / a.extent;
      return f;
    };
    let macs = this.fixedMacs;
    for (const n of this.macNodes) macs += n.macs * kept(n.weight);
    let parameters = 0;
    for (const [name, count] of this.elements) parameters += count * kept(name);
    return { macs: Math.round(macs), parameters: Math.round(parameters) };
  }
}

/** Conv groups of the (grouped) convolution reading weight `name`. */
function groupsOf(graph: Graph, name: string): number {
  for (const { node } of readersOf(graph, name)) {
    const a = node.attributes.find((x) => x.name === 'group');
    if (a?.i !== undefined) return Number(a.i);
  }
  return 1;
}
