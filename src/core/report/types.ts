/** The records the report and the studio's results table are built from. */
import type { Interval, StageResult } from '../eval';
import type { TaskPictures } from '../tasks';

/**
 * What a stage is judged by: the task's metric against labels, masks or boxes; top-1 agreement with
 * the original (a classifier without labels); or the lowest mean cosine over the outputs against the
 * original's ("outputs only": any model, every output).
 */
export type StageMetricKind = 'accuracy' | 'fidelity' | 'cosine';

/** One stage of a run, as results report it (no model bytes). */
export interface ReportStage {
  name: string;
  label: string;
  result: StageResult;
}

/** One point of an accuracy-against-pruning-ratio sweep (quantization off). */
export interface SweepPoint {
  /** The pruning ratio asked for. */
  ratio: number;
  /** Top-1 accuracy, or top-1 agreement with the original when the data has no labels, 0–1. */
  metric: number;
  parameters: number;
  macs: number;
  bytes: number;
}

/** What the HTML report shows: one run of the pipeline and, when asked for, a sweep. */
export interface ReportInput {
  modelFile: string;
  /** ISO time the report was made (passed in: the builder is pure). */
  createdAt: string;
  metric: StageMetricKind;
  samples: number;
  datasets: { calibration: string; evaluation?: string };
  runtime: { backend: string; threads: number };
  kernels: string;
  latencyBackends: readonly string[];
  webgpuAdapter?: string;
  notes: readonly string[];
  stages: readonly ReportStage[];
  /** The recipe as JSON-serialisable data. */
  recipe: unknown;
  sweep?: { metric: 'accuracy' | 'fidelity'; points: readonly SweepPoint[] };
  /** The task and how it was decided ("the data has masks"). */
  task?: { kind: string; reason: string };
  /** A few samples with each stage's predictions (segmentation, detection). */
  pictures?: TaskPictures;
}

/** A stage's figures next to the original's (the first stage). */
export interface StageRow {
  name: string;
  label: string;
  /** The task's metric, top-1 agreement or min cosine, 0–1; undefined when not measured. */
  metric?: number;
  /** Percentage points lost against the original (positive: worse). */
  metricDrop?: number;
  /** On a subset of the evaluation set: the 95 % interval of `metric` (Wilson, top-1), 0–1. */
  metricInterval?: Interval;
  /** On a subset: the paired 95 % interval of `metricDrop`, in points. */
  dropInterval?: Interval;
  /** Median latency per backend, with the original's median divided by this one. */
  latency: { backend: string; medianMs: number; speedup: number }[];
  bytes: number;
  /** 1 − bytes / original bytes. */
  sizeReduction: number;
  parameters?: number;
  /** 1 − parameters / original parameters: the share of weights pruned. */
  weightsPruned?: number;
  macs?: number;
  /** 1 − MACs / original MACs. */
  macsPruned?: number;
}
