import type { TensorErrorRow } from './metrics/tensor-error';
import type { AccuracyResult } from './metrics/classification';
import type { FidelityResult } from './metrics/fidelity';
import type { SegmentationResult } from './metrics/segmentation';
import type { LatencyStats } from './latency';
import type { SampleCoverage } from './metrics/coverage';

/**
 * A task's metric as results show it: the headline figure (mIoU, mAP@.5, top-1) and the others beside it.
 * Built by `core/tasks`; structural here so results and reports need no task-specific code.
 */
export interface TaskScore {
  readonly task: 'classification' | 'segmentation' | 'detection' | 'outputs';
  /** Name of the headline figure, e.g. "mIoU". */
  readonly metric: string;
  /** The headline figure, 0–1. */
  readonly value: number;
  /** Every figure by name (e.g. "pixel accuracy", "mAP@[.5:.95]"), 0–1. */
  readonly figures: Readonly<Record<string, number>>;
  /** Per-class figure (IoU or AP) by class name; NaN where the class never occurs. */
  readonly perClass?: readonly { readonly name: string; readonly value: number }[];
  /** Samples scored. */
  readonly count: number;
}

/**
 * What one pipeline stage produced, for the results table and charts. JSON-serialisable except that
 * an SQNR of a lossless stage is `Infinity` (structured clone keeps it; JSON writers must map it).
 */
export interface StageResult {
  /** e.g. "original", "pruned 30%", "int8". */
  readonly stage: string;
  readonly modelBytes: number;
  /** Computed by the graph module's cost model and carried here. */
  readonly parameters?: number;
  readonly macs?: number;
  readonly accuracy?: AccuracyResult;
  readonly segmentation?: SegmentationResult;
  /** The task's metric (present whenever the evaluation data has labels, masks or boxes). */
  readonly score?: TaskScore;
  /** Against the stage's reference (usually the original model). */
  readonly fidelity?: FidelityResult;
  /** How many of the evaluation set's samples the metric came from; 95 % intervals on a subset. */
  readonly sampling?: SampleCoverage;
  readonly tensorErrors?: readonly TensorErrorRow[];
  /** One entry per backend measured. */
  readonly latency: readonly LatencyStats[];
  /** Wall time the stage took, evaluation included. */
  readonly timeMs: number;
}
