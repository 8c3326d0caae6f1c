import type { TensorErrorRow } from './metrics/tensor-error';
import type { AccuracyResult } from './metrics/classification';
import type { FidelityResult } from './metrics/fidelity';
import type { SegmentationResult } from './metrics/segmentation';
import type { LatencyStats } from './latency';

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
  /** Against the stage's reference (usually the original model). */
  readonly fidelity?: FidelityResult;
  readonly tensorErrors?: readonly TensorErrorRow[];
  /** One entry per backend measured. */
  readonly latency: readonly LatencyStats[];
  /** Wall time the stage took, evaluation included. */
  readonly timeMs: number;
}
