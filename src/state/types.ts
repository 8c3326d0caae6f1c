/** State and action types of the studio store. The store holds view models only, never weights. */
import type { ModelSummary, TensorInfo } from '../core/inspect';
import type { InspectReply } from '../../workers/core.worker';

export type { ModelSummary, TensorInfo, InspectReply };

/** The model on screen. */
export interface LoadedModel {
  fileName: string;
  summary: ModelSummary;
  /** True for the built-in sample the studio opens on. */
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

export interface StudioState {
  model: LoadedModel | null;
  /** Name of the file being analysed, or null when idle. */
  loading: string | null;
  error: LoadError | null;
}

export interface StudioActions {
  /** Analyses `bytes` in the worker; on success it replaces the current model, otherwise sets `error`. */
  openModel(fileName: string, bytes: Uint8Array): Promise<void>;
  /** Opens the built-in sample model. */
  openSample(): Promise<void>;
  dismissError(): void;
}

export type StudioStore = StudioState & StudioActions;

/** What the store needs from the core worker (see `createCoreClient`). */
export interface CoreClient {
  inspect(bytes: Uint8Array): Promise<InspectReply>;
  dispose(): void;
}

/** Where the built-in sample comes from (a fetch of the app's own origin in the page). */
export interface SampleSource {
  fileName: string;
  load(): Promise<Uint8Array>;
}
