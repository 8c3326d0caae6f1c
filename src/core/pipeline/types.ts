/** What the pipeline runner takes, reports while it runs, and returns. */
import type { KernelBackend } from '../../kernels';
import type { Dataset, InferenceRuntime, StageResult } from '../eval';
import type { Progress } from '../progress';
import type { PrunePlan } from '../prune';
import type { FloatBias, FusionReport } from '../quant';
import type { GroupWidth, PrecisionChoice, ProfileCache } from '../profile';
import type { TaskKind } from '../tasks';
import type { EpochRecord, FrozenReport, TrainCheckpoint, TrainProgress } from '../train';
import type { RunFingerprint } from './fingerprint';
import type { Recipe } from './recipe';

/**
 * The fine-tuning stage's state between two steps, with what it was made from: the stage continues
 * from it only on the same model, recipe and training set.
 */
export interface FinetuneCheckpoint {
  fingerprint: RunFingerprint;
  /**
   * The progressive step being fine-tuned (1-based) and how many there are; `progressiveSteps + 1`
   * is quantization-aware fine-tuning, whose `student` is the float fine-tuned model it quantizes
   * (its fake-quant graph is rebuilt from it; `train.params` holds the learned step sizes).
   */
  progressiveStep: number;
  progressiveSteps: number;
  /** The student as the step began (its structure; the checkpoint's weights replace its own). */
  student: Uint8Array;
  train: TrainCheckpoint;
}

/** Pausing, checkpointing and continuing the fine-tuning stage (the studio's worker drives it). */
export interface FinetuneControl {
  /** Continue from this checkpoint (refused, naming why, when it was made from something else). */
  resume?: FinetuneCheckpoint;
  /** Called after every epoch, every `checkpointEvery` steps and before a pause; training waits for it. */
  onCheckpoint?: (checkpoint: FinetuneCheckpoint) => void | Promise<void>;
  checkpointEvery?: number;
  /** Asked between steps: true pauses training there until `resumed` settles (see `DistillOptions`). */
  shouldPause?: () => boolean | Promise<boolean>;
  resumed?: () => Promise<void>;
  /** Each finished epoch's loss and held-out score. */
  onEpoch?: (record: EpochRecord & { progressiveStep: number }) => void;
}

export interface FinetuneSummary {
  /** One entry per epoch of the final fine-tuning (after the last progressive step). */
  history: EpochRecord[];
  bestEpoch: number;
  stoppedEarly: boolean;
  frozen: FrozenReport;
  /** Training samples used (after the held-out split) and held out. */
  trainSamples: number;
  heldOutSamples: number;
  /** Milliseconds per epoch over the training samples (mean of the final run's epochs). */
  msPerEpoch: number;
  /** Quantization-aware fine-tuning (`finetune.qat`): its epochs, the one kept, ms per epoch. */
  qat?: { history: EpochRecord[]; bestEpoch: number; msPerEpoch: number };
}

/**
 * The stages a run can produce, in order: the original, pruned without recovery, pruned and
 * recovered, pruned and fine-tuned, INT8 of the original, INT8 of the pruned model (the final one
 * when both are enabled).
 */
export type StageName = 'original' | 'pruned' | 'recovered' | 'finetuned' | 'int8' | 'pruned-int8';

export type PipelinePhase =
  | 'load'
  | 'analyse'
  | 'prune'
  | 'recover'
  | 'remove'
  | 'finetune'
  | 'calibrate'
  | 'quantize'
  | 'evaluate'
  | 'benchmark';

/** Units done of a phase's total (samples, layers, epochs, runs) with a sentence; throttled. */
export type PipelineProgress = Progress<PipelinePhase>;

export interface PipelineInputs {
  model: Uint8Array;
  recipe: Recipe;
  /** Unlabelled (or labelled) samples for data-aware criteria, recovery and calibration. */
  calibration: Dataset;
  /** The user's training images for fine-tuning (labels optional); the calibration set when absent. */
  training?: Dataset;
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
  /** Node timings kept between runs (keyed by op, shapes and runtime); a fresh one when absent. */
  profileCache?: ProfileCache;
  onProgress?: (p: PipelineProgress) => void;
  /** Least time between two progress events of one phase, ms (default 100; a phase's first and last always pass). */
  progressIntervalMs?: number;
  /** Every fine-tuning step's loss, epoch and ETA (for a progress bar or a live loss curve). */
  onTrainProgress?: (p: TrainProgress) => void;
  finetuneControl?: FinetuneControl;
  signal?: AbortSignal;
  /** The host's CPU time in ms, all threads (Node: `process.cpuUsage`), for per-phase CPU timings. */
  cpuClock?: () => number;
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
  /** Biases an INT8 stage kept in float because their int32 would overflow, by stage. */
  floatBiases: (FloatBias & { stage: StageName })[];
  /** Precision chosen per node from the latency profile, per INT8 stage (absent with `precision: size`). */
  precision?: (PrecisionChoice & { stage: StageName })[];
  /** With `prune.widths: measured`: each pruned group's planned and chosen kept count, and why. */
  widths?: GroupWidth[];
  /** With `prune.latencyTarget`: the goal, the plan's estimate and the final stage as timed. */
  latencyTarget?: LatencyTargetReport;
  /** Nodes an INT8 stage kept float on its own (a detector's box decoding), with the reason, by stage. */
  keptFloat: { stage: StageName; node: string; reason: string }[];
  /** What preprocessing had to assume ('' when the recipe said everything). */
  assumptions: string;
  /** Without an evaluation set: which calibration samples measured the stages (see `fidelitySet`). */
  measuredOn?: string;
  /** Peak bytes of activation buffers the data passes held (the runtime's own arenas come on top). */
  peakTrackedBytes: number;
  /** Fine-tuning's per-epoch losses and held-out scores, and what it could not train. */
  finetune?: FinetuneSummary;
  /**
   * Wall time per phase, ms: `read` (decoding the calibration samples), `profile`, `prune` (ranking,
   * planning, masking), `recover`, `remove`, `finetune`, `quantize`, `evaluate`, `benchmark`;
   * `transform` sums the phases that make models (no evaluation or timing).
   */
  timings: Record<string, number>;
  /**
   * CPU ms per phase when the host gave a `cpuClock`: as `timings`, plus `quantizePruned` (the pruned
   * model's share of `quantize`) and `making` (the pruned model's reading, pruning, recovery, removal,
   * fine-tuning and INT8; the original's INT8 stage left out).
   */
  cpuTimings?: Record<string, number>;
}

export interface LatencyTargetReport {
  /** Asked: final latency / original latency. */
  fraction: number;
  /**
   * The fraction this run planned for: the asked one first; after a miss beyond 10 %, the asked one
   * scaled by the last run's measured miss (at most three retries; the closest run is reported).
   */
  plannedFraction?: number;
  /** Which run this is (1: the first plan). */
  attempt?: number;
  /** With retries: every run's planned and measured fraction, in order. */
  runs?: { planned: number; measured: number }[];
  /** The timer's runtime key ("wasm/1"). */
  runtime: string;
  originalMs: number;
  goalMs: number;
  /** The plan's estimate (measured node times scaled by the weights kept). */
  predictedMs: number;
  /** The final stage timed beside the original (first latency backend). */
  measuredMs?: number;
  measuredFraction?: number;
  /** Measured fraction within 10 % of the target. */
  withinTolerance?: boolean;
}
