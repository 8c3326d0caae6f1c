/**
 * What pruning plans and reports: plain JSON-able data, so the studio can show a plan before it is
 * applied and the CLI can print it.
 */
import type { GroupConstraint, GroupId, GroupMember } from '../analysis';
import type { InputShapes } from '../graph';

/**
 * Importance criteria. `l1`/`l2`: magnitude of each channel's filters; `fpgm`: distance from the
 * geometric median of the filters (He et al., CVPR 2019); `activation`: calibration-data RMS of the
 * channel times the norm of the consumer weights that read it; `reconstruction`: the consumers'
 * output energy lost when the channel is removed and the rest re-fitted (Optimal Brain Surgeon per
 * channel, on calibration data).
 */
export type CriterionName = 'l1' | 'l2' | 'fpgm' | 'activation' | 'reconstruction';

/** How a group's scores are scaled so that channels of different layers can be ranked together. */
export type ScoreNormalization = 'mean' | 'max' | 'l2' | 'none';

/** Per-group channel importance (higher = more important), indexed by group channel. */
export type GroupScores = Record<string, number[]>;

export interface CriterionOptions {
  criterion: CriterionName;
  /** Add the consumers' input slices to the producers' filters (default false). */
  includeConsumers?: boolean;
  /** Scale each producer's filters by the BatchNorm that follows it, |γ|/√(σ²+ε) (default true). */
  bnScale?: boolean;
  /** Default `mean`: each group's scores divided by their mean. */
  normalize?: ScoreNormalization;
}

/** Fidelity or accuracy of the model with only one group pruned, at several ratios. */
export interface GroupSensitivity {
  group: GroupId;
  ratios: number[];
  /** Metric drop (baseline − pruned) at each ratio; larger = more sensitive. */
  drops: number[];
}

export interface SensitivityReport {
  metric: 'accuracy' | 'agreement';
  baseline: number;
  samples: number;
  groups: GroupSensitivity[];
}

/**
 * A latency goal from a measured profile: the model's latency is estimated as each weighted node's
 * measured time scaled by the share of its weight kept, plus `fixedMs` (the rest of the original's
 * time) scaled by the node time kept (see `estimatedLatency`).
 */
export interface LatencyGoal {
  goalMs: number;
  /** Measured milliseconds of Conv/Gemm/MatMul nodes, by node name. */
  nodeMs: Record<string, number>;
  fixedMs: number;
}

/** What a plan should achieve and under which rules. Give one of `ratio`, `macsTarget` and `latency`. */
export interface PruneRecipe {
  /** Fraction of each group's channels to prune (uniform), or the global fraction with `global`. */
  ratio?: number;
  /** Fraction of the model's MACs to remove (0.4: remove 40 %). */
  macsTarget?: number;
  /**
   * With `macsTarget`: measured milliseconds of Conv/Gemm/MatMul nodes, by node name. The MAC target
   * is then spread where channels cost the least importance per millisecond saved (the same MACs
   * removed where they take the most time) rather than by a uniform ratio.
   */
  msPerNode?: Record<string, number>;
  /**
   * Prune until the estimated latency reaches `latency.goalMs`, taking channels where they cost the
   * least importance per millisecond saved.
   */
  latency?: LatencyGoal;
  /** Rank all groups' channels together instead of pruning each group by the same ratio. */
  global?: boolean;
  /** Allocate per-group ratios from a sensitivity analysis (prune insensitive groups harder). */
  sensitivity?: SensitivityReport;
  /** Largest fraction of any one group pruned in global or sensitivity mode (default 0.9). */
  maxGroupRatio?: number;
  /** Fixed ratios for some groups, by group id; 0 keeps a group whole. */
  overrides?: Record<string, number>;
  /** Kept channels of each pruned group are a multiple of this (default 1). */
  roundTo?: number;
  /** A round-to of its own for some groups, by group id (measured widths): it replaces `roundTo` there. */
  roundToGroups?: Record<string, number>;
  /** Prune the group of the first convolution (the one reading the graph input); default false. */
  includeFirst?: boolean;
  /** Prune the features the classifier (the last layer before an output) reads; default false. */
  includeClassifier?: boolean;
  /** Channels already pruned (a progressive schedule's earlier steps), by group id: always kept pruned. */
  alreadyPruned?: Record<string, number[]>;
  /**
   * Shapes the model is fed, by input name: MACs of a model with a symbolic input size are counted at
   * them (without, a MAC target on such a model is an {@link InputSizeError}).
   */
  inputShapes?: InputShapes;
}

export type PlannedStatus = 'pruned' | 'unchanged' | 'blocked' | 'excluded';

export interface PlannedGroup {
  id: GroupId;
  channels: number;
  /** Group channel indices to remove, ascending. */
  prune: number[];
  /** channels − prune.length. */
  keep: number;
  status: PlannedStatus;
  /** Why a group is blocked, excluded or pruned less than asked. */
  reason?: string;
  /** The group's members and constraints: applying the plan needs nothing else. */
  members: GroupMember[];
  constraints: GroupConstraint[];
}

export interface CostEstimate {
  /** Null when the model's input size is symbolic and no `inputShapes` bound it. */
  macs: number | null;
  parameters: number;
}

export interface PrunePlan {
  criterion: CriterionName | 'given';
  mode: 'uniform' | 'global' | 'sensitivity';
  recipe: Omit<PruneRecipe, 'sensitivity' | 'alreadyPruned'>;
  groups: PlannedGroup[];
  before: CostEstimate;
  /** Predicted cost once the planned channels are physically removed. */
  after: CostEstimate;
  /** With a latency goal: the estimated latency before and after, in ms. */
  latency?: { before: number; after: number; goal: number };
  prunedChannels: number;
  prunableChannels: number;
  /** Set when a MAC target could not be reached under the rules. */
  note?: string;
}
