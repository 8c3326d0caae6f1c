/**
 * What channel-dependency analysis reports: groups of coupled channels, each with its members (the
 * tensors and parameters whose channel axis it spans), whether it can be pruned, and why not.
 * Everything here is plain data, serialisable as JSON, so the studio and the CLI can show it.
 */

/** Id of a group within one analysis, `g0`, `g1`, … in graph order. */
export type GroupId = string & { readonly __brand: 'GroupId' };

/**
 * How a member takes part in its group:
 * - `producer`: creates the channels (Conv/ConvTranspose output channels, Gemm/MatMul output features,
 *   with their bias);
 * - `follower`: carries them channel by channel (BatchNorm, activations, pooling, per-channel affine,
 *   depthwise convolution, …);
 * - `consumer`: reads them as input channels/features (Conv weight axis 1, Gemm/MatMul input features);
 * - `join`: an elementwise op whose inputs' channels merge into one group (Add of a residual, SE scale);
 * - `concat` / `split`: maps channels into / out of a concatenation at an offset;
 * - `reshape`: moves the channel axis (Flatten/Reshape/Transpose/Squeeze/Unsqueeze), possibly
 *   giving each channel a block of features;
 * - `input` / `output`: a graph input or output carrying the channels.
 */
export type MemberRole =
  'producer' | 'follower' | 'consumer' | 'join' | 'concat' | 'split' | 'reshape' | 'input' | 'output';

/**
 * A run of `length` consecutive group channels starting at `groupStart`, found along the member's axis
 * from index `targetStart`; each channel owns `block` consecutive indices there (1 except after a
 * Flatten/Reshape, where channel c of an `[N,C,H,W]` tensor owns `H·W` features).
 */
export interface ChannelRun {
  groupStart: number;
  targetStart: number;
  length: number;
  block: number;
}

export interface GroupMember {
  role: MemberRole;
  /** Name of the node that makes this member part of the group (empty for graph inputs/outputs). */
  node: string;
  opType: string;
  /** `tensor`: a value of the graph; `parameter`: an initializer that must be sliced with the group. */
  kind: 'tensor' | 'parameter';
  /** The value or initializer name. */
  name: string;
  /** Axis of `name` that the channels run along. */
  axis: number;
  /** Extent of that axis. */
  extent: number;
  runs: ChannelRun[];
  /** Why this member is coupled, in words ("joined by Add '/layer2/Add'", "concatenated at offset 64"). */
  note?: string;
  /** Role `reshape`: the entry of the target-shape initializer that counts the channels. */
  shapeEntry?: number;
  /**
   * A grouped convolution's weight member that covers one conv group only: its runs index the weight's
   * axis within that conv group, and only the rows (Conv) or input channels (ConvTranspose) of conv
   * group `convGroup` use them.
   */
  convGroup?: number;
  /**
   * The initializer is read by other nodes too (exporters deduplicate equal tensors). It couples
   * nothing: pruning gives this member's node its own copy before slicing it.
   */
  shared?: boolean;
}

export type BlockKind =
  | 'graph-input'
  | 'graph-output'
  | 'channel-shuffle'
  | 'fixed-reshape'
  | 'cross-channel'
  | 'unsupported-op'
  | 'untraceable'
  | 'too-small';

export interface BlockReason {
  kind: BlockKind;
  /** One sentence the user reads, naming the node or tensor. */
  message: string;
  node?: string;
  value?: string;
}

/**
 * Pruning must remove the same number of channels from each of `blocks` equal, contiguous blocks of
 * the member `name` (the channel order of a grouped convolution's input or output), so that every
 * convolution group keeps the same width.
 */
export interface GroupConstraint {
  kind: 'uniform-per-block';
  blocks: number;
  /** The member whose axis is cut into blocks. */
  name: string;
  node: string;
}

export interface ChannelGroup {
  id: GroupId;
  /** Number of independently prunable channels. */
  channels: number;
  prunable: boolean;
  reasons: BlockReason[];
  constraints: GroupConstraint[];
  members: GroupMember[];
  /** Channels that producers of this group create: what "share of prunable channels" counts. */
  producerChannels: number;
}

export interface ChannelAnalysis {
  groups: ChannelGroup[];
  /** Sum over groups of their producers' channels. */
  producerChannels: number;
  prunableProducerChannels: number;
  /** `prunableProducerChannels / producerChannels` (0 when there are none). */
  prunableShare: number;
  blocked: { group: GroupId; reasons: BlockReason[] }[];
  /** Milliseconds the analysis took (shape inference excluded). */
  timeMs: number;
}

export interface AnalysisOptions {
  /** Let groups that reach a graph output be pruned (changes the model's interface). */
  allowOutputChange?: boolean;
  /** A group with fewer channels than this is blocked (default 2: pruning must leave one). */
  minChannels?: number;
}
