/**
 * What crosses the worker boundary for runs: requests carry the core recipe (plain JSON), replies
 * carry results only. Stage models stay in the worker until the page asks for one to download.
 */
import type { StageResult, AccuracyResult } from '../src/core/eval';
import type {
  FinetuneCheckpoint,
  FinetuneSummary,
  LatencyTargetReport,
  PipelinePhase,
  PipelineProgress,
  Recipe,
  StageName,
} from '../src/core/pipeline';
import type { EpochRecord, TrainProgress } from '../src/core/train';
import type { StageMetricKind, SweepPoint } from '../src/core/report';
import type { TaskKind, TaskPictures } from '../src/core/tasks';
import type { PrecisionChoice } from '../src/core/profile';
import type { Failure } from './protocol';

export type RunPhase = PipelinePhase;

/** The pipeline's own progress events, passed through unchanged (sweeps and studies use the same shape). */
export type RunProgress = PipelineProgress;

export interface RunRequest {
  /** The page's id for the run; stage models are kept under it. */
  runId: number;
  recipe: Recipe;
  /** Continue fine-tuning from this checkpoint (saved by an earlier run of the same inputs). */
  resume?: FinetuneCheckpoint;
}

/**
 * What fine-tuning tells the page while it trains: every step's loss, every epoch's held-out score,
 * every checkpoint (the loop waits until the page has stored it) and that a pause took effect.
 */
export type TrainingEvent =
  | { kind: 'step'; progress: TrainProgress }
  | { kind: 'epoch'; record: EpochRecord & { progressiveStep: number } }
  | { kind: 'checkpoint'; checkpoint: FinetuneCheckpoint }
  | { kind: 'paused'; epoch: number; step: number };

export interface RunStage {
  name: StageName;
  label: string;
  /** Size of the stage's model file. */
  bytes: number;
  result: StageResult;
}

/** What a finished run reports; everything but the models themselves. */
export interface RunSummary {
  runId: number;
  modelFile: string;
  recipe: Recipe;
  stages: RunStage[];
  /** The stage to export by default (the last one made). */
  final: StageName;
  /**
   * Whether stages were scored against labels, masks or boxes; by top-1 agreement with the original
   * (a classifier without labels); or by the lowest output cosine against it (any other model).
   */
  metric: StageMetricKind;
  /** The task, how it was decided, and its headline metric's name ("mIoU", "mAP@.5", "min cosine"). */
  task?: { kind: TaskKind; reason: string; metric: string };
  /** A few samples with every stage's predictions (segmentation, detection). */
  pictures?: TaskPictures;
  /** Evaluated samples per stage. */
  samples: number;
  datasets: { calibration: string; evaluation?: string; training?: string };
  /** Fine-tuning's epochs and what it could not train; `resumed` when it continued a checkpoint. */
  finetune?: FinetuneSummary & { resumed: boolean };
  /** onnxruntime in the worker that evaluated and calibrated. */
  runtime: { backend: string; threads: number; crossOriginIsolated: boolean };
  /** Which of Whittle's kernel backends did the pruning and quantization math. */
  kernels: string;
  /** Backends every stage was timed on, in order (one `latency` entry each). */
  latencyBackends: string[];
  /** The WebGPU adapter, when one was used ("google swiftshader (fallback)"). */
  webgpuAdapter?: string;
  /** Things the user should know about this run (a backend skipped, a MAC target not reached, …). */
  notes: string[];
  assumptions: string;
  /** Wall time per phase, ms. */
  timings: Record<string, number>;
  /** Peak bytes of activation buffers the data passes held, and the recipe's memory budget. */
  memory: { peakTrackedBytes: number; budgetBytes: number };
  plan?: { prunedChannels: number; prunableChannels: number; groups: number };
  /** With a latency target: the goal, the plan's estimate and the final stage as timed. */
  latencyTarget?: LatencyTargetReport;
  /** Precision chosen per node by measurement, per INT8 stage (precision `speed` or `auto`). */
  precision?: (PrecisionChoice & { stage: StageName })[];
  fusion?: { fused: number; unfused: number; predictedOps: Record<string, number> };
}

export type RunReply = { ok: true; summary: RunSummary } | Failure;

export interface SweepRequest {
  /** The recipe whose pruning settings are swept (quantization is turned off). */
  recipe: Recipe;
  ratios: number[];
}

export type SweepReply = { ok: true; metric: 'accuracy' | 'fidelity'; points: SweepPoint[] } | Failure;

export interface SensitivityRequest {
  recipe: Recipe;
  /** The ratio each group is pruned at, alone. */
  ratio: number;
  /** Samples of the evaluation (or calibration) set to measure on. */
  limit: number;
}

export type SensitivityReply =
  | {
      ok: true;
      metric: 'accuracy' | 'agreement';
      baseline: number;
      samples: number;
      groups: { group: string; drop: number }[];
    }
  | Failure;

export interface EvaluateRequest {
  /** Samples of the evaluation set to use (all when absent). */
  limit?: number;
  batchSize?: number;
  /** onnxruntime wasm threads, when this is the worker's first use of onnxruntime. */
  threads?: number;
  /** A preset name or a JSON preprocessing spec. */
  preprocess: string;
}

export type EvaluateReply =
  | { ok: true; accuracy?: AccuracyResult; samples: number; timeMs: number; backend: string; threads: number }
  | Failure;
