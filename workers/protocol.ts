/**
 * What crosses the worker boundary, as plain structured-clone data. Replies for expected failures
 * (a corrupt model, a dataset the reader refuses) are values, not exceptions: the page shows their
 * message and keeps what it had.
 */
import type { GraphLayout, ModelView, OpenPhase, ViewCosts } from '../src/core/view';
import type { PreprocessSpec } from '../src/core/eval';
import type { PlanPreview } from '../src/core/pipeline';
import type { DetectionFormat, TaskKind } from '../src/core/tasks';

/** One failure a user can act on; `code` is the codec's (`corrupt`, `truncated`, …) or `dataset`, `preprocess`. */
export interface ReplyError {
  message: string;
  code: string;
}

export type Failure = { ok: false; error: ReplyError };

export interface OpenRequest {
  fileName: string;
  /** The model: a `File`/`Blob` (read inside the worker) or bytes (transferred, not copied). */
  model: Blob | Uint8Array;
  /** External-data files by the name the model's `location` fields use. */
  externalData?: { name: string; blob: Blob }[];
}

export type OpenProgressPhase = 'read' | OpenPhase | 'layout';

export interface OpenProgress {
  phase: OpenProgressPhase;
  /** 0–1 within `read`; absent for phases that cannot tell. */
  fraction?: number;
}

export type OpenReply =
  | { ok: true; view: ModelView; layout: GraphLayout; timings: Partial<Record<OpenProgressPhase, number>> }
  | Failure;

/** Which slot a dataset fills: training images feed the recipe's fine-tuning (labels optional). */
export type DataRole = 'calibration' | 'evaluation' | 'training';

export interface DatasetRequest {
  role: DataRole;
  /** What the user dropped, for messages (a folder or file name). */
  name: string;
  files: { path: string; blob: Blob }[];
  /** A preset name or a JSON spec; checked against the open model's first input. */
  preprocess: string;
  /** The task the recipe names, when not `auto`: a folder with both masks and boxes opens for it. */
  task?: TaskKind;
}

export interface DatasetInfo {
  role: DataRole;
  name: string;
  /** The reader's one-line description (format, count, size, labels). */
  description: string;
  size: number;
  sampleKind: 'image' | 'tensor';
  sampleDims?: number[];
  labelled: boolean;
  classCount?: number;
  /** What the samples are scored against besides class labels. */
  targets?: 'masks' | 'boxes';
}

export type DatasetReply = { ok: true; dataset: DatasetInfo } | Failure;

export interface PreprocessCheck {
  spec: PreprocessSpec;
  /** For the open model and dataset, when both are known: fed sample dims and what was assumed. */
  sampleDims?: number[];
  assumptions?: string;
}

export type PreprocessReply = ({ ok: true } & PreprocessCheck) | Failure;

export type PlanReply = { ok: true; plan: PlanPreview } | Failure;

/** The open model's costs at bound input shapes (see `boundCosts`). */
export type CostsReply = { ok: true; costs: ViewCosts } | Failure;

/** The task a run would score, decided by the same code the run uses, for the studio to show. */
export interface TaskGuess {
  kind: TaskKind;
  /** How it was decided ("the data has masks", "the recipe names detection"). */
  reason: string;
  /** Detection only: how the outputs are read, and which outputs. */
  format?: DetectionFormat;
  outputs: string[];
}

export type TaskReply = { ok: true; task: TaskGuess } | Failure;

export type PriorsReply = { ok: true; name: string; anchors: number } | Failure;

/** The open model's latency in the worker's runtime ("wasm/1"), as the latency target measures it. */
export interface ModelLatency {
  ms: number;
  runtime: string;
}

export type LatencyReply = ({ ok: true } & ModelLatency) | Failure;
