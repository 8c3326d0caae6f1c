/**
 * State and action types of the studio store. The store holds view models only, never weights: the
 * worker keeps the graph, and runs, results and exports plug in through `jobs` and `stageResults`.
 */
import type { ModelSummary, TensorInfo } from '../core/inspect';
import type { StageResult } from '../core/eval';
import type { GroupId } from '../core/analysis';
import type { ChannelPlanSettings, GraphLayout, ModelView } from '../core/view';
import type { InspectReply } from '../../workers/core.worker';
import type {
  DataRole,
  DatasetInfo,
  DatasetReply,
  DatasetRequest,
  OpenProgress,
  OpenReply,
  OpenRequest,
  PreprocessReply,
  ReplyError,
} from '../../workers/protocol';

export type { ModelSummary, TensorInfo, InspectReply, StageResult, GroupId, ModelView, GraphLayout };
export type { ViewGroup, ViewNode, ViewTensor, LayoutItem } from '../core/view';
export type { DataRole, DatasetInfo, OpenProgress, ReplyError };

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

export interface PruneSettings extends ChannelPlanSettings {
  enabled: boolean;
  /** Drive the plan by `ratio`, or by the share of the original MACs to keep. */
  target: 'ratio' | 'macs';
  /** Share of the original MACs to keep when `target` is `macs`, 0–1. */
  macsKeep: number;
  recovery: RecoverySettings;
}

export type CalibrationMethod = 'minmax' | 'percentile' | 'entropy' | 'mse';

export interface QuantSettings {
  enabled: boolean;
  perChannel: boolean;
  activations: 'uint8' | 'int8';
  calibration: CalibrationMethod;
  /** Calibration samples to use. */
  samples: number;
  /** Accuracy-aware fallback: largest top-1 drop (points) before layers go back to float; 0 turns it off. */
  accuracyBudget: number;
}

/** Everything a run needs from the user, serialisable as JSON (the recipe export will come from this). */
export interface StudioRecipe {
  prune: PruneSettings;
  quant: QuantSettings;
  /** Preprocessing per dataset role: a preset name or a JSON spec. */
  preprocess: Record<DataRole, string>;
}

export interface DataSlot {
  dataset: DatasetInfo | null;
  error: ReplyError | null;
  loading: string | null;
  /** What the preprocessing resolves to for the open model, or why it does not fit. */
  preprocessNote: string | null;
  preprocessError: string | null;
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

/** What the canvas should centre on; `seq` changes so the same item can be focused twice. */
export interface FocusRequest {
  item: string;
  seq: number;
}

export interface StudioState {
  model: LoadedModel | null;
  layout: GraphLayout | null;
  /** Blocks shown node by node. */
  expanded: string[];
  selection: Selection | null;
  /** Layout items to emphasise (members of the selected group, the selected node, search hits). */
  highlight: ReadonlySet<string>;
  focus: FocusRequest | null;
  search: SearchState;
  recipe: StudioRecipe;
  data: Record<DataRole, DataSlot>;
  /** Name of the file being opened, or null when idle. */
  loading: string | null;
  error: LoadError | null;
  jobs: Job[];
  /** Filled by pipeline runs (one entry per stage), read by results and export. */
  stageResults: StageResult[];
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
  setPreprocess(role: DataRole, text: string): Promise<void>;
  openDataset(role: DataRole, name: string, files: { path: string; blob: Blob }[]): Promise<void>;
  openSampleData(role: DataRole): Promise<void>;
  clearDataset(role: DataRole): void;
}

export type StudioStore = StudioState & StudioActions;

/** What the store needs from the core worker (see `createCoreClient`). */
export interface CoreClient {
  inspect(bytes: Uint8Array): Promise<InspectReply>;
  open(request: OpenRequest, onProgress: (p: OpenProgress) => void): Promise<OpenReply>;
  layout(expanded: string[]): Promise<GraphLayout>;
  openDataset(request: DatasetRequest): Promise<DatasetReply>;
  checkPreprocess(text: string, role?: DataRole): Promise<PreprocessReply>;
  dispose(): void;
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
