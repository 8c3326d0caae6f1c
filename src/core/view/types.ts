/**
 * The studio's view model of a loaded model: everything the page shows about a graph, its pruning
 * groups and its costs, as plain structured-clone data. No weights travel: per-channel importance is
 * the only thing derived from them.
 */
import type { ChannelGroup, GroupId, MemberRole } from '../analysis';
import type { ModelSummary } from '../graph';

/** A tensor as the inspector shows it. */
export interface ViewTensor {
  name: string;
  /** Sizes and symbols; `null` when the rank is unknown. */
  shape: (number | string)[] | null;
  dtype: string;
  /** An initializer (weight) rather than an activation. */
  constant: boolean;
}

/** One membership of a node in a pruning group. */
export interface NodeGroupRef {
  group: GroupId;
  role: MemberRole;
}

export interface ViewNode {
  /** Stable within one model: the graph IR's node id as a string. */
  id: string;
  /** The node's name, or `Op_id` when the file left it empty. */
  name: string;
  op: string;
  /** `name = value` lines, values shortened. */
  attrs: string[];
  inputs: ViewTensor[];
  outputs: ViewTensor[];
  /** Elements of the floating-point initializers this node reads. */
  params: number;
  /** Null while it depends on an input size nobody bound (see `ModelView.inputSize`, `ViewCosts`). */
  macs: number | null;
  groups: NodeGroupRef[];
  /** Index into `groups` of the group its output channels belong to (-1 when none): its colour. */
  primary: number;
  /** Id of the block that shows it when collapsed. */
  block: string;
}

/** A data edge between two nodes (initializers are not drawn). */
export interface ViewEdge {
  source: string;
  target: string;
  tensor: string;
}

/**
 * A collapsed block: a chain such as Conv → BatchNormalization → Relu, with the constant helpers
 * (Identity over an initializer, shape arithmetic) that feed it. `nodes[0]` is the head.
 */
export interface ViewBlock {
  id: string;
  nodes: string[];
}

/** Per-channel importance of a group, one value per group channel, under each criterion. */
export interface GroupImportance {
  l1: number[];
  l2: number[];
}

export type ImportanceCriterion = keyof GroupImportance;

export interface ViewGroup extends ChannelGroup {
  /** Position in `ModelView.groups`; also picks the colour. */
  index: number;
  importance: GroupImportance;
  /** Ids of the nodes with a member in this group. */
  nodeIds: string[];
}

/** The graph input whose size is symbolic (PaddleOCR det's `[N, 3, ?, ?]`): costs wait for it. */
export interface ViewInputSize {
  input: string;
  /** Its declared shape, symbols included. */
  shape: (number | string)[];
  /** Height and width the model says it wants (metadata), when it says. */
  preferred: [number, number] | null;
}

/** Costs counted at bound input shapes: what replaces the unknown figures once a size is set. */
export interface ViewCosts {
  inputShapes: Record<string, number[]>;
  macs: number | null;
  otherOps: number | null;
  /** MACs by view node id. */
  nodes: Record<string, number | null>;
}

export interface ModelView {
  summary: ModelSummary;
  /** Null when every input size is known (costs need nothing more). */
  inputSize: ViewInputSize | null;
  /** In topological order. */
  nodes: ViewNode[];
  edges: ViewEdge[];
  blocks: ViewBlock[];
  groups: ViewGroup[];
  analysis: {
    producerChannels: number;
    prunableProducerChannels: number;
    prunableShare: number;
    timeMs: number;
  };
}

/** One box on the canvas: a collapsed block, or one node of an expanded block. */
export interface LayoutItem {
  id: string;
  /** The block it belongs to. */
  block: string;
  /** The nodes it stands for (one when expanded). */
  nodes: string[];
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GraphLayout {
  items: LayoutItem[];
  edges: { id: string; source: string; target: string }[];
  width: number;
  height: number;
  timeMs: number;
}
