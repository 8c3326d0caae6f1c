/**
 * State and action types of the studio store. The store holds view models only, never weights: the
 * worker keeps the graph, and runs, results and exports plug in through `jobs` and `stageResults`.
 */
import type { ModelSummary, TensorInfo } from '../core/inspect';
import type { StageResult } from '../core/eval';
import type { GroupId } from '../core/analysis';
import type { GraphLayout, ModelView, ViewCosts } from '../core/view';
import type { FinetuneCheckpoint, PlanPreview, PreviewGroup, Recipe } from '../core/pipeline';
import type { SweepPoint } from '../core/report';
import type { PhaseClock } from '../core/progress';
import type { InspectReply } from '../../workers/core.worker';
import type {
  EvaluateReply,
  EvaluateRequest,
  RunPhase,
  RunProgress,
  RunReply,
  RunRequest,
  RunSummary,
  SensitivityReply,
  SensitivityRequest,
  SweepReply,
  SweepRequest,
  TrainingEvent,
} from '../../workers/run-protocol';
import type {
  DataRole,
  DatasetInfo,
  DatasetReply,
  DatasetRequest,
  OpenProgress,
  OpenReply,
  OpenRequest,
  PlanReply,
  CostsReply,
  LatencyReply,
  PreprocessReply,
  PriorsReply,
  ReplyError,
  TaskGuess,
  TaskReply,
} from '../../workers/protocol';
import type { InputShapes } from '../core/graph';
import type { TaskChoice, TaskPictures } from '../core/tasks';

export type { ModelSummary, TensorInfo, InspectReply, StageResult, GroupId, ModelView, GraphLayout };
export type { ViewGroup, ViewNode, ViewTensor, LayoutItem } from '../core/view';
export type { DataRole, DatasetInfo, OpenProgress, ReplyError, Recipe, RunSummary, RunPhase, RunProgress };
export type { EvaluateRequest, EvaluateReply, SweepPoint, PlanPreview, PreviewGroup };
export type { TaskGuess, TaskChoice, TaskPictures };
export type { FinetuneCheckpoint, TrainingEvent };

/** The fine-tuning choices the Fine-tune control edits (the recipe's `finetune` section). */
export type FinetuneSettings = Recipe['finetune'];

/** The model on screen. */
export interface LoadedModel {
  fileName: string;
  summary: ModelSummary;
  view: ModelView;
  /** True for a built-in sample. */
  isSample: boolean;
}

/** Why the last file could not be opened; the previous model stays on screen. */
export interface LoadError {
  fileName: string;
  /** One sentence, from the codec where the file itself is at fault. */
  message: string;
  /** The codec's error code, or `worker` when the analysis itself failed. */
  code: string;
}

export type Selection = { kind: 'node'; id: string } | { kind: 'group'; id: GroupId };

/** Recovery steps applied after channels are removed (no retraining). */
export interface RecoverySettings {
  /** Re-estimate BatchNorm statistics on calibration data. */
  bnRecalibration: boolean;
  /** Fold the mean contribution of removed channels into the next layer's bias. */
  biasCompensation: boolean;
  /** Least-squares reconstruction of the next layer's weights from calibration activations. */
  reconstruction: boolean;
}

/** Criteria the pipeline ranks channels by; the inspector charts L1 or L2 (see `viewCriterion`). */
export type PruneCriterion = 'l1' | 'l2' | 'fpgm' | 'activation' | 'reconstruction';

export interface PruneSettings {
  criterion: PruneCriterion;
  /** Share of each group's channels (per-group) or of all prunable channels (global) to remove, 0–1. */
  ratio: number;
  ranking: 'global' | 'per-group';
  /** Kept channels are rounded up to a multiple of this (1: no rounding). */
  roundTo: number;
  /** Per-group ratios that replace the global one (or the MAC target's choice) for that group. */
  overrides: Readonly<Record<string, number>>;
  /** Also prune the first convolution's output channels (kept by default: they see raw pixels). */
  includeFirst: boolean;
  /** Also prune the classifier's input features (kept by default). */
  includeClassifier: boolean;
  enabled: boolean;
  /**
   * Drive the plan by `ratio`, by the share of the original MACs to keep, or by a latency target
   * (planned in the run from a measured per-node profile).
   */
  target: 'ratio' | 'macs' | 'latency';
  /** Share of the original MACs to keep when `target` is `macs`, 0–1. */
  macsKeep: number;
  /**
   * The final model's latency as a share of the original's when `target` is `latency` (the recipe's
   * `latencyTarget`); the slider shows it in milliseconds of the original as measured in the worker.
   */
  latencyKeep: number;
  /**
   * How a MAC target is spread over the groups (the recipe's `prune.allocate`): evenly, or where the
   * run's measured per-node profile says the milliseconds are.
   */
  allocate: Recipe['prune']['allocate'];
  /** Kept widths: `roundTo` multiples, or snapped to the fastest widths measured in the runtime. */
  widths: Recipe['prune']['widths'];
  recovery: RecoverySettings;
}

export type CalibrationMethod = 'minmax' | 'ema' | 'percentile' | 'entropy' | 'mse';

export interface QuantSettings {
  enabled: boolean;
  perChannel: boolean;
  activations: 'uint8' | 'int8';
  calibration: CalibrationMethod;
  /** Calibration samples to use. */
  samples: number;
  /** Accuracy-aware fallback: largest top-1 drop (points) before layers go back to float; 0 turns it off. */
  accuracyBudget: number;
  /**
   * Which nodes become INT8: everywhere (`size`), only where the runtime measurably runs them faster
   * (`speed`), or unless measurably slower (`auto`); the run says why per node.
   */
  precision: Recipe['quantize']['precision'];
}

/** How stages are measured after they are made. */
export interface EvaluateSettings {
  /** Evaluate on at most this many samples of the evaluation set (null: all of them). */
  evalLimit: number | null;
  /** Timed runs per stage and backend. */
  runs: number;
  /** onnxruntime wasm threads (read once per worker, at its first run). */
  threads: number;
  /** Also time every stage on WebGPU when the browser offers an adapter. */
  webgpu: boolean;
  /** Time on a software WebGPU adapter too (skipped by default: its timings mean nothing). */
  softwareGpu: boolean;
}

/**
 * Everything a run needs from the user, serialisable as JSON. `base` is the core recipe underneath:
 * the defaults, or the last dropped recipe, so the fields the studio has no control for survive a
 * drop → run → export round trip (see `toCoreRecipe` / `fromCoreRecipe`).
 */
export interface StudioRecipe {
  prune: PruneSettings;
  quant: QuantSettings;
  /** Preprocessing per dataset role: a preset name or a JSON spec (training images use calibration's). */
  preprocess: Record<PreprocessRole, string>;
  evaluate: EvaluateSettings;
  /** What accuracy means: the task (or `auto`), segmentation's ignore index, detection's decoding. */
  task: TaskChoice;
  base: Recipe;
}

/** Roles with a preprocessing of their own; the training set is fed like the calibration set. */
export type PreprocessRole = Exclude<DataRole, 'training'>;

export interface DataSlot {
  dataset: DatasetInfo | null;
  error: ReplyError | null;
  loading: string | null;
  /** What the preprocessing resolves to for the open model, or why it does not fit. */
  preprocessNote: string | null;
  preprocessError: string | null;
  /** Per-sample dims the data is fed at, once the model and data fit (what costs are counted at). */
  fed: number[] | null;
}

/**
 * The input size costs are counted at, for a model whose input size is symbolic: the attached data's
 * (calibration first) when it fits, else the size typed in the field (pre-filled with the model's
 * preferred size when it has one). Until one is bound, MACs are unknown.
 */
export interface InputSizeState {
  /** What the field holds, e.g. `640x640`. */
  text: string;
  /** Where `costs` came from; null while nothing is bound. */
  source: 'calibration' | 'evaluation' | 'field' | null;
  costs: ViewCosts | null;
  /** Why the field's text binds nothing (not a size, or not one the input takes). */
  error: string | null;
}

export type JobKind = 'open' | 'dataset' | 'layout' | 'run' | 'export';

/** A long call to the worker, for progress bars and cancel buttons. */
export interface Job {
  id: number;
  kind: JobKind;
  label: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  phase?: string;
  /** 0–1 when known. */
  fraction?: number;
  error?: string;
}

export interface SearchState {
  query: string;
  /** Layout item ids that hold a matching node or tensor, in graph order. */
  matches: string[];
  index: number;
}

/**
 * What the canvas should frame: one item (a node, a search hit) or all of a group's; `seq` changes
 * so the same items can be framed twice.
 */
export interface FocusRequest {
  items: string[];
  seq: number;
}

/** The plan the worker made for the current settings: what the estimate, list and inspector show. */
export interface PlanState {
  preview: PlanPreview | null;
  /** Settings changed and the worker is planning them. */
  pending: boolean;
  /** Why there is no plan (invalid settings, a data-aware criterion without data). */
  error: string | null;
}

/**
 * The open model's latency in the worker's onnxruntime (what a latency target is a share of), or why
 * it could not be measured.
 */
export interface LatencyState {
  /** Milliseconds per batch-1 run (10th percentile of interleaved runs) and the runtime ("wasm/1"). */
  measured: { ms: number; runtime: string } | null;
  pending: boolean;
  error: string | null;
}

/** The task the next run would score, as the worker decides it for the open model, data and settings. */
export interface TaskState {
  guess: TaskGuess | null;
  /** Why the settings name a task these outputs cannot be read as (or priors are missing). */
  error: string | null;
  /** The SSD priors file in use, its anchors, or why it was refused. */
  priors: { name: string; anchors: number } | null;
  priorsError: string | null;
}

export interface StudioState {
  model: LoadedModel | null;
  task: TaskState;
  plan: PlanState;
  latency: LatencyState;
  inputSize: InputSizeState;
  layout: GraphLayout | null;
  /** Blocks shown node by node. */
  expanded: string[];
  selection: Selection | null;
  /** Layout items to emphasise (members of the selected group, the selected node, search hits). */
  highlight: ReadonlySet<string>;
  focus: FocusRequest | null;
  /** The graph's one tab stop (roving tab index): the layout item keyboard focus enters on. */
  cursor: string | null;
  search: SearchState;
  recipe: StudioRecipe;
  data: Record<DataRole, DataSlot>;
  /** Name of the file being opened, or null when idle. */
  loading: string | null;
  error: LoadError | null;
  jobs: Job[];
  /** The selected run's stage results (one entry per stage), read by results and export. */
  stageResults: StageResult[];
  /** Finished runs, oldest first; their stage models stay in the worker. */
  runs: RunRecord[];
  /** The run the table shows. */
  activeRun: number | null;
  /** Runs drawn together on the chart. */
  compare: number[];
  /** The run in progress. */
  running: RunningState | null;
  /** A fine-tuning checkpoint kept in this browser (paused or interrupted), or null. */
  checkpoint: CheckpointInfo | null;
  /** Why the last run, sweep or sensitivity analysis failed (null after a success). */
  runError: string | null;
  /** Why a dropped recipe was refused, one entry per bad field; the settings were kept. */
  recipeError: { fileName: string; problems: string[] } | null;
  /** Set when the worker crashed and was replaced. */
  workerNotice: string | null;
  sweep: SweepState | null;
  sensitivity: SensitivityState | null;
  /** What the saved runs take in this browser's storage, or null where that is not known. */
  storage: StorageUse | null;
}

export interface StorageUse {
  /** Bytes this origin stores (navigator.storage.estimate). */
  usage: number;
  quota: number;
}

/** One finished pipeline run, as the page keeps it (results only; models stay in the worker). */
export interface RunRecord {
  id: number;
  /** "Run 3 · 30 % L1" */
  label: string;
  modelFile: string;
  finishedAt: string;
  summary: RunSummary;
  /** Set when the worker holding this run's models crashed: results stay, downloads are gone. */
  modelsLost?: boolean;
}

/** What the page shows of live fine-tuning: loss per step, held-out score per epoch, pause state. */
export interface TrainingView {
  /** Mean epoch loss so far, by position in epochs (1.5 = half-way through epoch 2). */
  loss: { at: number; loss: number }[];
  /** Finished epochs of the current progressive step. */
  epochs: { epoch: number; loss: number; heldOut?: number }[];
  epoch: number;
  totalEpochs: number;
  step: number;
  stepsPerEpoch: number;
  etaMs: number;
  /** Pause asked, not yet reached (the current step finishes first). */
  pausing: boolean;
  /** Paused after a checkpoint; Resume continues, Cancel ends the run. */
  paused: boolean;
}

/** A saved fine-tuning checkpoint as the page describes it (the weights stay in the archive). */
export interface CheckpointInfo {
  modelFile: string;
  training: string | null;
  epoch: number;
  step: number;
  epochs: number;
  stepsPerEpoch: number;
  progressiveStep: number;
  progressiveSteps: number;
  savedAt: string;
}

/** A checkpoint as the archive keeps it: the state, the exact recipe it was made with, and its description. */
export interface SavedCheckpoint {
  info: CheckpointInfo;
  recipe: Recipe;
  checkpoint: FinetuneCheckpoint;
}

export interface RunningState {
  kind: 'run' | 'sweep' | 'sensitivity' | 'evaluate';
  /** The phases this run will go through, in order. */
  phases: RunPhase[];
  /** Progress of each phase, 0–1. */
  progress: Partial<Record<RunPhase, number>>;
  phase: RunPhase;
  message: string;
  /** The latest event: units done of the active phase's total. */
  latest: RunProgress | null;
  /** When the active phase began and how many events it sent, for the time left. */
  clock: PhaseClock | null;
  /** Time left in the active phase as of the latest event (ms), once there is enough to go on. */
  remainingMs: number | null;
  cancelling: boolean;
  /** Set while the fine-tuning stage trains. */
  training?: TrainingView;
}

export interface SweepState {
  modelFile: string;
  metric: 'accuracy' | 'fidelity';
  points: SweepPoint[];
}

export interface SensitivityState {
  modelFile: string;
  metric: 'accuracy' | 'agreement';
  baseline: number;
  /** The ratio each group was pruned at alone. */
  ratio: number;
  samples: number;
  /** Metric drop (points, 0–100) by group id when only that group is pruned at `ratio`. */
  drops: Record<string, number>;
  /** The largest drop, for the heat scale. */
  max: number;
  /** Whether the graph paints the drops. */
  shown: boolean;
}

export interface StudioActions {
  /** Opens dropped or picked files: the `.onnx` one is the model, the others its external data. */
  openFiles(files: readonly File[]): Promise<void>;
  /** Analyses `bytes` in the worker; on success it replaces the current model, otherwise sets `error`. */
  openModel(fileName: string, bytes: Uint8Array): Promise<void>;
  /** Opens a built-in sample model (the first when no name is given). */
  openSample(fileName?: string): Promise<void>;
  dismissError(): void;
  select(selection: Selection | null): void;
  /** Moves the graph's tab stop to a layout item. */
  setCursor(item: string): void;
  setSearch(query: string): void;
  /** Focuses the next (or previous) search match. */
  stepSearch(delta: 1 | -1): void;
  toggleBlock(blockId: string): Promise<void>;
  collapseAll(): Promise<void>;
  updatePrune(patch: Partial<Omit<PruneSettings, 'recovery'>>): void;
  updateRecovery(patch: Partial<RecoverySettings>): void;
  /** A per-group ratio, or null to follow the global setting again. */
  setGroupOverride(group: GroupId, ratio: number | null): void;
  updateQuant(patch: Partial<QuantSettings>): void;
  /** Sets the latency target in milliseconds of the measured original (stored as its share). */
  setLatencyTargetMs(ms: number): void;
  /** Times the open model in the worker; `again` measures afresh instead of keeping the first figure. */
  measureLatency(again?: boolean): Promise<void>;
  setPreprocess(role: PreprocessRole, text: string): Promise<void>;
  openDataset(role: DataRole, name: string, files: { path: string; blob: Blob }[]): Promise<void>;
  openSampleData(role: DataRole): Promise<void>;
  clearDataset(role: DataRole): void;
  updateEvaluate(patch: Partial<EvaluateSettings>): void;
  /** The input size field (`640x640`) for a model whose input size is symbolic. */
  setInputSize(text: string): void;
  updateTask(patch: Partial<Omit<TaskChoice, 'detection'>>): void;
  updateDetection(patch: Partial<TaskChoice['detection']>): void;
  /** Reads SSD priors (`.npy` [A, 4]) into the worker for runs; null forgets them. */
  setPriors(file: File | null): Promise<void>;
  /** Applies a dropped recipe's JSON; an invalid one sets `recipeError` and changes nothing. */
  applyRecipeText(fileName: string, text: string): void;
  dismissRecipeError(): void;
  /** The core recipe the studio would run now (validated). */
  coreRecipe(): Recipe;
  /** Runs the pipeline in the worker on the open model and datasets. */
  run(): Promise<void>;
  /** Aborts the run, sweep or analysis in progress (a fine-tuning checkpoint is discarded). */
  cancelRun(): void;
  updateFinetune(patch: Partial<FinetuneSettings>): void;
  /** Pauses fine-tuning at its next step, after saving a checkpoint. */
  pauseTraining(): void;
  /** Continues a paused fine-tuning in the same worker. */
  resumeTraining(): void;
  /** Runs the checkpoint's recipe again on the open model and data, fine-tuning from the checkpoint. */
  resumeFromCheckpoint(): Promise<void>;
  discardCheckpoint(): Promise<void>;
  selectRun(id: number): void;
  toggleCompare(id: number): void;
  removeRun(id: number): Promise<void>;
  /** Accuracy against pruning ratio (quantization off), one pipeline run per ratio. */
  runSweep(ratios?: number[]): Promise<void>;
  /** Per-group sensitivity on a subset, painted on the graph. */
  computeSensitivity(): Promise<void>;
  showSensitivity(shown: boolean): void;
  /** The bytes of one stage's model of a run, from the worker. */
  stageModel(runId: number, stage: string): Promise<Uint8Array>;
  /** Top-1 accuracy (and count) of the open model on the evaluation set, in the worker. */
  evaluateOpenModel(request: EvaluateRequest): Promise<EvaluateReply>;
  dismissRunError(): void;
  dismissWorkerNotice(): void;
  /** Forgets every saved run, its models and the saved settings, here and in the browser's storage. */
  clearSavedRuns(): Promise<void>;
}

export type StudioStore = StudioState & StudioActions;

/** What the store needs from the core worker (see `createCoreClient`). */
export interface CoreClient {
  inspect(bytes: Uint8Array): Promise<InspectReply>;
  open(request: OpenRequest, onProgress: (p: OpenProgress) => void): Promise<OpenReply>;
  layout(expanded: string[]): Promise<GraphLayout>;
  openDataset(request: DatasetRequest): Promise<DatasetReply>;
  checkPreprocess(text: string, role?: DataRole): Promise<PreprocessReply>;
  /** The plan a run of `recipe` would make on the open model (MACs counted at `inputShapes`). */
  plan(recipe: Recipe, inputShapes?: InputShapes): Promise<PlanReply>;
  /** The open model's costs at `inputShapes` (a model whose input size is symbolic). */
  costs(inputShapes: InputShapes): Promise<CostsReply>;
  /** The open model's latency in the worker's onnxruntime wasm (`threads` at its first use). */
  latency(threads: number, again?: boolean): Promise<LatencyReply>;
  run(
    request: RunRequest,
    onProgress: (p: RunProgress) => void,
    onTraining?: (event: TrainingEvent) => void | Promise<void>,
  ): Promise<RunReply>;
  pauseTraining(): Promise<void>;
  resumeTraining(): Promise<void>;
  sweep(request: SweepRequest, onProgress: (p: RunProgress) => void): Promise<SweepReply>;
  sensitivity(request: SensitivityRequest, onProgress: (p: RunProgress) => void): Promise<SensitivityReply>;
  evaluate(request: EvaluateRequest): Promise<EvaluateReply>;
  /** The task a run of `choice` would score on the open model and data. */
  task(choice: TaskChoice): Promise<TaskReply>;
  setPriors(file: { name: string; blob: Blob } | null): Promise<PriorsReply>;
  /** Aborts the worker's current run, sweep or analysis. */
  cancel(): Promise<void>;
  stageModel(runId: number, stage: string): Promise<Uint8Array>;
  dropRun(runId: number): Promise<void>;
  clearDataset(role: DataRole): Promise<void>;
  /** Called after a crashed worker was replaced by a fresh one (which holds no model or data). */
  onRestart(listener: (reason: string) => void): void;
  dispose(): void;
}

/** What a reload finds in the archive. */
export interface SavedStudio {
  runs: RunRecord[];
  checkpoint: SavedCheckpoint | null;
  /** The settings last used, or null when none were saved (or they are from an older version). */
  recipe: StudioRecipe | null;
}

/** Where runs, their stage models and the settings outlive a reload (IndexedDB in the page). */
export interface RunArchive {
  load(): Promise<SavedStudio>;
  /** Saves a run with its stage models (bytes by stage name). */
  saveRun(run: RunRecord, models: Record<string, Uint8Array>): Promise<void>;
  model(runId: number, stage: string): Promise<Uint8Array | undefined>;
  removeRun(runId: number): Promise<void>;
  saveSettings(recipe: StudioRecipe): Promise<void>;
  /** Keeps one fine-tuning checkpoint (a newer one replaces it); null forgets it. */
  saveCheckpoint(saved: SavedCheckpoint | null): Promise<void>;
  clear(): Promise<void>;
  usage(): Promise<StorageUse | null>;
}

/** A built-in model, fetched from the app's own origin in the page. */
export interface SampleSource {
  fileName: string;
  label: string;
  load(): Promise<Uint8Array>;
}

/** Built-in data for the built-in models. */
export interface SampleDataSource {
  name: string;
  /** Preprocessing that fits the built-in models. */
  preprocess: string;
  load(): Promise<{ path: string; blob: Blob }[]>;
}

export interface SampleCatalog {
  models: SampleSource[];
  data: Record<DataRole, SampleDataSource>;
}
