/**
 * A cheap cost estimate for candidate selections, so a MAC target can be solved by search without
 * touching the graph: a Conv/Gemm/MatMul's MACs scale with its weight's kept elements (output
 * positions do not change), and parameters with each initializer's kept elements. A shared
 * (deduplicated) initializer whose readers are cut differently counts once per private copy, as
 * removal will make them. MACs stay null (unknown) when the model's input size is symbolic and no
 * input shapes bind it.
 */
import type { ChannelGroup } from '../../analysis';
import { costModel, isParameter, type Graph, type InputShapes, type ShapeInference } from '../../graph';
import { elementCount } from '../../onnx';
import { readersOf } from '../members';
import type { CostEstimate } from '../types';

interface AxisUse {
  group: string;
  init: string;
  axis: number;
  /** Indices along the axis (times conv groups for a per-conv-group member). */
  extent: number;
  /** Indices each group channel owns there. */
  perChannel: Int32Array;
  /** For a shared initializer: the reader node this member cuts. */
  reader?: string;
}

type Losses = Map<number, { lost: number; extent: number }>;

export class CostEstimator {
  readonly before: CostEstimate;
  private readonly uses = new Map<string, AxisUse[]>();
  private readonly elements = new Map<string, number>();
  private readonly readers = new Map<string, string[]>();
  private readonly macNodes: { macs: number; weight: string; node: string }[] = [];
  private readonly fixedMacs: number | null;

  constructor(
    graph: Graph,
    groups: readonly ChannelGroup[],
    shapes: ShapeInference,
    inputShapes?: InputShapes,
  ) {
    const cost = costModel(graph, shapes, { inputShapes });
    this.before = { macs: cost.macs, parameters: cost.parameters };
    let variable = 0;
    for (const [name, t] of graph.initializers) {
      const readers = readersOf(graph, name);
      this.readers.set(name, [...new Set(readers.map((r) => r.node.name))]);
      if (isParameter(graph, name)) this.elements.set(name, elementCount(t));
      for (const { node, slot } of readers) {
        const isLayer = node.opType === 'MatMul' || node.opType === 'Gemm' || node.opType.startsWith('Conv');
        const macs = isLayer && slot === 1 ? (cost.nodes.get(node.id)?.macs ?? 0) : 0;
        if (!macs) continue;
        this.macNodes.push({ macs, weight: name, node: node.name });
        variable += macs;
      }
    }
    this.fixedMacs = cost.macs === null ? null : cost.macs - variable;
    for (const g of groups) {
      const list: AxisUse[] = [];
      for (const m of g.members) {
        if (m.kind !== 'parameter' || m.role === 'reshape') continue;
        const perChannel = new Int32Array(g.channels);
        for (const r of m.runs) for (let k = 0; k < r.length; k++) perChannel[r.groupStart + k] += r.block;
        // A per-conv-group member spans the weight's axis once per conv group.
        const extent = m.extent * (m.convGroup !== undefined ? groupsOf(graph, m.name) : 1);
        list.push({
          group: g.id,
          init: m.name,
          axis: m.axis,
          extent,
          perChannel,
          ...(m.shared ? { reader: m.node } : {}),
        });
      }
      this.uses.set(g.id, list);
    }
  }

  /**
   * Σ weight(node) × share of the node's weight kept, over Conv/Gemm/MatMul nodes: with measured
   * milliseconds as weights, the latency those nodes keep.
   */
  weighted(prune: ReadonlyMap<string, readonly number[]>, weights: Readonly<Record<string, number>>): number {
    const { keptFor } = this.keptShares(prune);
    let sum = 0;
    for (const n of this.macNodes) sum += (weights[n.node] ?? 0) * keptFor(n.weight, n.node);
    return sum;
  }

  /** Cost once the channels `prune[group]` are removed. */
  estimate(prune: ReadonlyMap<string, readonly number[]>): CostEstimate {
    const { removed, kept, keptFor } = this.keptShares(prune);
    return this.finish(removed, kept, keptFor);
  }

  /** Per initializer and reader, the share of its elements the selection keeps. */
  private keptShares(prune: ReadonlyMap<string, readonly number[]>) {
    // init → reader ('*' when not shared) → axis → losses, and each reader's signature.
    const removed = new Map<string, Map<string, { losses: Losses; sig: string[] }>>();
    for (const [id, channels] of prune) {
      if (!channels.length) continue;
      for (const u of this.uses.get(id) ?? []) {
        let lost = 0;
        for (const c of channels) lost += u.perChannel[c];
        if (!lost) continue;
        let byReader = removed.get(u.init);
        if (!byReader) removed.set(u.init, (byReader = new Map()));
        const key = u.reader ?? '*';
        let r = byReader.get(key);
        if (!r) byReader.set(key, (r = { losses: new Map(), sig: [] }));
        const a = r.losses.get(u.axis) ?? { lost: 0, extent: u.extent };
        a.lost += lost;
        r.losses.set(u.axis, a);
        r.sig.push(`${id}:${u.axis}:${lost}`);
      }
    }
    const kept = (losses: Losses | undefined): number => {
      let f = 1;
      for (const a of losses?.values() ?? []) f *= 1 - a.lost / a.extent;
      return f;
    };
    const keptFor = (init: string, node: string): number => {
      const byReader = removed.get(init);
      return kept((byReader?.get('*') ?? byReader?.get(node))?.losses);
    };
    return { removed, kept, keptFor };
  }

  private finish(
    removed: Map<string, Map<string, { losses: Losses; sig: string[] }>>,
    kept: (losses: Losses | undefined) => number,
    keptFor: (init: string, node: string) => number,
  ): CostEstimate {
    let macs = this.fixedMacs;
    if (macs !== null) for (const n of this.macNodes) macs += n.macs * keptFor(n.weight, n.node);
    let parameters = 0;
    for (const [name, count] of this.elements) {
      const byReader = removed.get(name);
      if (!byReader || byReader.has('*')) {
        parameters += count * kept(byReader?.get('*')?.losses);
        continue;
      }
      const readers = this.readers.get(name) ?? [];
      const sigs = new Set(readers.map((r) => (byReader.get(r)?.sig ?? []).sort().join('|')));
      if (sigs.size <= 1) {
        parameters += count * kept(byReader.values().next().value?.losses);
        continue;
      }
      let uncut = false;
      for (const r of readers) {
        const losses = byReader.get(r)?.losses;
        if (losses) parameters += count * kept(losses);
        else uncut = true;
      }
      if (uncut) parameters += count;
    }
    return { macs: macs === null ? null : Math.round(macs), parameters: Math.round(parameters) };
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
