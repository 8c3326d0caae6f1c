/**
 * The core worker: decoding, analysis, layout and dataset reading run here so a large model never
 * freezes the page. It only unpacks a request, calls `src/core` and answers; model bytes arrive
 * transferred (or as a Blob read here), never copied on the page.
 */
import { expose } from 'comlink';
import { inspectModel, type ModelSummary } from '../src/core/inspect';
import { OnnxFormatError } from '../src/core/onnx';
import {
  DatasetError,
  PreprocessError,
  blobFileSource,
  openDataset,
  parsePreprocess,
  resolvePreprocess,
} from '../src/core/eval';
import { layoutView, openModelView, type GraphLayout } from '../src/core/view';
import { browserImageDecoder } from '../src/platform/browser-image-decoder';
import { readBlob } from './read-blob';
import { firstInput, session } from './session';
import type {
  DatasetReply,
  Failure,
  OpenProgress,
  OpenProgressPhase,
  OpenReply,
  OpenRequest,
  PreprocessReply,
  DatasetRequest,
} from './protocol';

/** A bad file is an expected outcome, so it is an answer rather than a thrown error. */
export type InspectReply = { ok: true; summary: ModelSummary } | Failure;

const failure = (err: unknown): Failure | undefined => {
  if (err instanceof OnnxFormatError) return { ok: false, error: { message: err.message, code: err.code } };
  if (err instanceof DatasetError) return { ok: false, error: { message: err.message, code: 'dataset' } };
  if (err instanceof PreprocessError)
    return { ok: false, error: { message: err.message, code: 'preprocess' } };
  return undefined;
};

const api = {
  /** Decodes and summarises one ONNX file (the shell's summary; `open` does this and more). */
  async inspect(bytes: Uint8Array): Promise<InspectReply> {
    try {
      return { ok: true, summary: inspectModel(bytes) };
    } catch (err) {
      const f = failure(err);
      if (f) return f;
      throw err;
    }
  },

  /**
   * Opens a model: reads it (with progress), decodes it with its external data, analyses its channel
   * groups and lays out its graph. The graph stays here; the page gets the view model and layout.
   * On failure the previously open model stays open.
   */
  async open(request: OpenRequest, onProgress?: (p: OpenProgress) => void): Promise<OpenReply> {
    const timings: Partial<Record<OpenProgressPhase, number>> = {};
    let phase: OpenProgressPhase = 'read';
    let started = performance.now();
    const enter = (next: OpenProgressPhase) => {
      const t = performance.now();
      timings[phase] = t - started;
      phase = next;
      started = t;
      onProgress?.({ phase: next });
    };
    try {
      const bytes =
        request.model instanceof Uint8Array
          ? request.model
          : await readBlob(request.model, (fraction) => onProgress?.({ phase: 'read', fraction }));
      const external = new Map<string, Uint8Array>();
      for (const file of request.externalData ?? [])
        external.set(file.name, new Uint8Array(await file.blob.arrayBuffer()));
      const opened = openModelView(bytes, { externalData: (location) => external.get(location) }, enter);
      enter('layout');
      const layout = layoutView(opened.view);
      enter('layout');
      session.model = { fileName: request.fileName, ...opened };
      return { ok: true, view: opened.view, layout, timings };
    } catch (err) {
      const f = failure(err);
      if (f) return f;
      throw err;
    }
  },

  /** Lays out the open model again with some blocks expanded node by node. */
  async layout(expanded: string[]): Promise<GraphLayout> {
    if (!session.model) throw new Error('No model is open.');
    return layoutView(session.model.view, new Set(expanded));
  },

  /**
   * Opens a dropped dataset (IDX, .npy/.npz, a zip, or an image folder) and checks the preprocessing
   * against the open model's input. The dataset stays here for calibration or evaluation.
   */
  async openDataset(request: DatasetRequest): Promise<DatasetReply> {
    try {
      const source = blobFileSource(request.name, request.files);
      const dataset = await openDataset(source, { decoder: browserImageDecoder });
      const input = firstInput();
      if (input) resolvePreprocess(parsePreprocess(request.preprocess), input, dataset);
      session.datasets[request.role] = dataset;
      return {
        ok: true,
        dataset: {
          role: request.role,
          name: request.name,
          description: dataset.description,
          size: dataset.size,
          sampleKind: dataset.sampleKind,
          sampleDims: dataset.sampleDims ? [...dataset.sampleDims] : undefined,
          labelled: dataset.labels !== undefined,
          classCount: dataset.classNames?.length,
        },
      };
    } catch (err) {
      const f = failure(err);
      if (f) return f;
      throw err;
    }
  },

  /** Parses a preprocessing preset or JSON spec and, when a model and dataset are open, resolves it. */
  async checkPreprocess(text: string, role?: DatasetRequest['role']): Promise<PreprocessReply> {
    try {
      const spec = parsePreprocess(text);
      const input = firstInput();
      const dataset = role ? session.datasets[role] : undefined;
      if (!input || !dataset) return { ok: true, spec };
      const plan = resolvePreprocess(spec, input, dataset);
      return { ok: true, spec, sampleDims: [...plan.preprocess.sampleDims], assumptions: plan.assumptions };
    } catch (err) {
      const f = failure(err);
      if (f) return f;
      throw err;
    }
  },
};

expose(api);

export type CoreWorkerApi = typeof api;
