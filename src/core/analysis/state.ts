/**
 * What the coupling rules read and write while analysis walks the graph: the layout of each value,
 * the members found so far, and the space table.
 */
import type { Dim, Graph, GraphNode, ShapeInference } from '../graph';
import { extentOf, singleSpace, type Layout, type Segment } from './layout';
import { SpaceTable } from './space-table';
import type { BlockKind, MemberRole } from './types';

/** The largest dim analysis traces channel by channel (2^17: VGG-16 flattens 25,088 features). */
const MAX_TRACED_SIZE = 1 << 17;

export interface PendingMember {
  role: MemberRole;
  node: string;
  opType: string;
  kind: 'tensor' | 'parameter';
  name: string;
  axis: number;
  segments: Segment[];
  note?: string;
  /** For a member that carries no channels itself: the tensor whose groups it belongs to. */
  via?: string;
  shapeEntry?: number;
  convGroup?: number;
  shared?: boolean;
}

export class AnalysisState {
  readonly table = new SpaceTable();
  readonly members: PendingMember[] = [];
  private readonly layouts = new Map<string, Layout>();
  /** First layout seen for each parameter member, so a node reading one parameter twice stays consistent. */
  private readonly paramLayouts = new Map<string, Segment[]>();

  constructor(
    readonly graph: Graph,
    readonly shapes: ShapeInference,
  ) {}

  shape(value: string): Dim[] | undefined {
    return this.shapes.types.get(value)?.shape;
  }

  rank(value: string): number | undefined {
    return this.shape(value)?.length;
  }

  /**
   * Size of `axis` of `value` when it is a known, plausible number. A declared size beyond
   * {@link MAX_TRACED_SIZE} (a hostile input of 2^31 channels) counts as unknown: the union-find holds
   * one element per channel, and no real layer has that many.
   */
  dim(value: string, axis: number): number | undefined {
    const d = this.shape(value)?.[axis];
    return typeof d === 'number' && d >= 0 && d <= MAX_TRACED_SIZE ? d : undefined;
  }

  layout(value: string): Layout | undefined {
    return value ? this.layouts.get(value) : undefined;
  }

  /** Gives `value` a layout and records it as a tensor member of the layout's spaces. */
  setLayout(
    value: string,
    layout: Layout,
    role: MemberRole,
    node: GraphNode | undefined,
    note?: string,
  ): void {
    this.layouts.set(value, layout);
    this.members.push({
      role,
      node: node?.name ?? '',
      opType: node?.opType ?? '',
      kind: 'tensor',
      name: value,
      axis: layout.axis,
      segments: layout.segments,
      note,
    });
  }

  /**
   * The initializer behind `value`, following the `Identity` nodes exporters put in front of
   * deduplicated initializers; undefined when `value` is computed.
   */
  initializerOf(value: string): string | undefined {
    for (let v = value, hops = 0; v && hops < 16; hops++) {
      if (this.graph.initializers.has(v)) return v;
      const p = this.graph.producer(v);
      if (!p || p.opType !== 'Identity') return undefined;
      v = p.inputs[0];
    }
    return undefined;
  }

  /** Contents of a small constant tensor (axes, pads, scales, shapes), when known numbers. */
  numbers(value: string): number[] | undefined {
    const v = value ? this.shapes.values.get(value) : undefined;
    if (!v || v.data.some((d) => typeof d !== 'number')) return undefined;
    return v.data as number[];
  }

  /**
   * Records the parameter `value` (resolved to its initializer) as a member sliced along `axis`.
   * Returns false when `value` is not a constant. Two nodes reading one initializer (exporters
   * deduplicate equal tensors, e.g. zero biases) are not coupled by it: the member says `shared`, and
   * pruning gives each reader its own copy before slicing.
   */
  param(
    node: GraphNode,
    role: MemberRole,
    value: string,
    axis: number,
    segments: Segment[],
    note?: string,
    convGroup?: number,
  ): boolean {
    const name = this.initializerOf(value);
    if (!name) return false;
    // A grouped conv's weight is one member per conv group: the same axis index is a different
    // channel in each conv group, so those members must not be coupled to each other.
    const key = `${name}#${axis}#${node.id}#${convGroup ?? ''}`;
    const seen = this.paramLayouts.get(key);
    if (seen) {
      this.table.unionSegments(seen, segments);
      return true;
    }
    this.paramLayouts.set(key, segments);
    this.members.push({
      role,
      node: node.name,
      opType: node.opType,
      kind: 'parameter',
      name,
      axis,
      segments,
      note,
      ...(convGroup !== undefined ? { convGroup } : {}),
      ...(this.readers(name) > 1 ? { shared: true } : {}),
    });
    return true;
  }

  /** Nodes reading initializer `name`, directly or through `Identity` nodes. */
  readers(name: string): number {
    let n = 0;
    for (const c of this.graph.consumers(name)) n += c.opType === 'Identity' ? this.readers(c.outputs[0]) : 1;
    return n;
  }

  /** A new space of `size` channels created by a producer, laid out on `axis` of `value`. */
  produce(node: GraphNode, value: string, size: number, axis: number, rank: number): Layout {
    const space = this.table.newSpace(size, size);
    const layout = singleSpace(space, size, axis, rank);
    this.setLayout(value, layout, 'producer', node);
    return layout;
  }

  /** A new blocked space for a value whose channels Whittle cannot trace back to a producer. */
  opaque(
    value: string,
    size: number,
    axis: number,
    rank: number,
    kind: BlockKind,
    message: string,
    node?: GraphNode,
  ): Layout {
    const space = this.table.newSpace(size, 0);
    this.table.block(space, { kind, message, node: node?.name, value });
    const layout = singleSpace(space, size, axis, rank);
    this.setLayout(value, layout, kind === 'graph-input' ? 'input' : 'follower', node);
    return layout;
  }

  block(
    layout: Layout | undefined,
    kind: BlockKind,
    message: string,
    node?: GraphNode,
    value?: string,
  ): void {
    if (layout) this.table.blockSegments(layout.segments, { kind, message, node: node?.name, value });
  }

  /** Blocks the layouts of every input of `node` that has one. */
  blockInputs(node: GraphNode, kind: BlockKind, message: string): void {
    for (const v of node.inputs) this.block(this.layout(v), kind, message, node, v);
  }

  extent(layout: Layout): number {
    return extentOf(layout.segments);
  }
}

/** `'/layer1/Add'` style quoting for messages. */
export function quote(node: GraphNode): string {
  return node.name ? `${node.opType} '${node.name}'` : node.opType;
}
