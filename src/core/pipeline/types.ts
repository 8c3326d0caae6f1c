/** What the pipeline runner takes, reports while it runs, and returns. */
import type { KernelBackend } from '../../kernels';
import type { Dataset, InferenceRuntime, StageResult } from '../eval';
import type { PrunePlan } from '../prune';
import type { FusionReport } from '../quant';
import type { TaskKind } from '../tasks';
import type { Recipe } from './recipe';

/**
 * The stages a run can produce, in order: the original, pruned without recovery, pruned and
 * recovered, INT8 of the original, INT8 of the pruned model (the final one when both are enabled).
 */
export type StageName = 'original' | 'pruned' | 'recovered' | 'int8' | 'pruned-int8';

export type PipelinePhase =
  'load' | 'analyse' | 'prune' | 'recover' | 'remove' | 'calibrate' | 'quantize' | 'evaluate' | 'benchmark';

export interface PipelineProgress {
  phase: PipelinePhase;
  /** 0…1 within the phase. */
  fraction: number;
  message: string;
}

export interface PipelineInputs {
  model: Uint8Array;
  recipe: Recipe;
  /** Unlabelled (or labelled) samples for data-aware criteria, recovery and calibration. */
  calibration: Dataset;
  /**
   * Labelled samples (class labels, masks or boxes) for the task's metric; without it every stage is
   * measured by fidelity to the original.
   */
  evaluation?: Dataset;
  /** SSD-style detection: priors `[A, 4]` (centre x/y, width, height relative to the input). */
  priors?: Float32Array;
  /** Runs calibration, recovery and evaluation. */
  runtime: InferenceRuntime;
  /** Backends to time every stage on (default: `runtime` alone). */
  latencyRuntimes?: readonly InferenceRuntime[];
  /**
   * Kernels for Whittle's own math. The same recipe gives the same bytes wherever the same kernel
   * backend and runtime backend run (wasm in Node and in a browser worker).
   */
  kernels: KernelBackend;
  onProgress?: (p: PipelineProgress) => void;
  signal?: AbortSignal;
}

export interface PipelineStage {
  name: StageName;
  /** For tables and charts: "pruned 40% MACs + INT8". */
  label: string;
  bytes: Uint8Array;
  result: StageResult;
}

export interface PipelineResult {
  recipe: Recipe;
  /** The task the metric came from, and how it was decided. */
  task: { kind: TaskKind; reason: string };
  stages: PipelineStage[];
  /** The stage to export by default: the last one produced. */
  final: StageName;
  plan?: PrunePlan;
  fusion?: FusionReport;
  /** What preprocessing had to assume ('' when the recipe said everything). */
  assumptions: string;
  /** Wall time per phase, ms; `transform` sums the phases that make models (no evaluation or timing). */
  timings: Record<string, number>;
}
