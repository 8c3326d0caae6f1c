/**
 * The core worker: decoding, analysis, layout and dataset reading run here so a large model never
 * freezes the page. It only unpacks a request, calls `src/core` and answers; model bytes arrive
 * transferred (or as a Blob read here), never copied on the page.
 */
import { expose, transfer } from 'comlink';
import { inspectModel, type ModelSummary } from '../src/core/inspect';
import { blobFileSource, checkFeed, parsePreprocess, resolvePreprocess } from '../src/core/eval';
import { openTaskDataset, priorsFromNpy, type TaskChoice } from '../src/core/tasks';
import { boundCosts, layoutView, openModelView, type GraphLayout } from '../src/core/view';
import type { InputShapes } from '../src/core/graph';
import { browserImageDecoder } from '../src/platform/browser-image-decoder';
import { readBlob } from './read-blob';
import { firstInput, session } from './session';
import type { Recipe } from '../src/core/pipeline';
import { answer, cancelJob, job } from './answer';
import { runOnce, stageModels } from './run-job';
import { requestPause, resumeTraining } from './train-control';
import { planOnce } from './plan-job';
import { measureModelLatency } from './latency-job';
import { guessTask } from './task-guess';
import { evaluateOpen, groupSensitivity, sweepRatios } from './study-jobs';
import type {
  EvaluateReply,
  EvaluateRequest,
  RunProgress,
  RunReply,
  RunRequest,
  SensitivityReply,
  SensitivityRequest,
  SweepReply,
  SweepRequest,
  TrainingEvent,
} from './run-protocol';
import type {
  DatasetReply,
  Failure,
  OpenProgress,
  OpenProgressPhase,
  OpenReply,
  OpenRequest,
  PlanReply,
  CostsReply,
  PreprocessReply,
  PriorsReply,
  DatasetRequest,
  LatencyReply,
  TaskReply,
} from './protocol';

/** A bad file is an expected outcome, so it is an answer rather than a thrown error. */
export type InspectReply = { ok: true; summary: ModelSummary } | Failure;

/** Progress callbacks are comlink proxies: calls are fire-and-forget messages to the page. */
const relay = (onProgress?: (p: RunProgress) => void) => (p: RunProgress) => void onProgress?.(p);

const api = {
  /** Decodes and summarises one ONNX file (the shell's summary; `open` does this and more). */
  inspect(bytes: Uint8Array): Promise<InspectReply> {
    return answer(() => ({ ok: true as const, summary: inspectModel(bytes) }));
  },

  /**
   * Opens a model: reads it (with progress), decodes it with its external data, analyses its channel
   * groups and lays out its graph. The graph stays here; the page gets the view model and layout.
   * On failure the previously open model stays open.
   */
  open(request: OpenRequest, onProgress?: (p: OpenProgress) => void): Promise<OpenReply> {
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
    return answer(async () => {
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
      const self = !request.externalData?.length;
      session.model = { fileName: request.fileName, ...opened, ...(self ? { bytes } : {}) };
      return { ok: true as const, view: opened.view, layout, timings };
    });
  },

  /** Lays out the open model again with some blocks expanded node by node. */
  async layout(expanded: string[]): Promise<GraphLayout> {
    if (!session.model) throw new Error('No model is open.');
    return layoutView(session.model.view, new Set(expanded));
  },

  /**
   * Opens a dropped dataset (IDX, .npy/.npz, a zip, an image folder; images with masks, or with COCO,
   * YOLO or VOC boxes) and checks the preprocessing against the open model's input. The dataset stays
   * here for calibration or evaluation.
   */
  openDataset(request: DatasetRequest): Promise<DatasetReply> {
    return answer(async () => {
      const source = blobFileSource(request.name, request.files);
      const dataset = await openTaskDataset(source, { decoder: browserImageDecoder, task: request.task });
      const input = firstInput();
      if (input) resolvePreprocess(parsePreprocess(request.preprocess), input, dataset);
      session.datasets[request.role] = dataset;
      return {
        ok: true as const,
        dataset: {
          role: request.role,
          name: request.name,
          description: dataset.description,
          size: dataset.size,
          sampleKind: dataset.sampleKind,
          sampleDims: dataset.sampleDims ? [...dataset.sampleDims] : undefined,
          labelled: dataset.labels !== undefined,
          classCount: dataset.classNames?.length,
          ...(dataset.targets ? { targets: dataset.targets.kind } : {}),
        },
      };
    });
  },

  /** The task a run of `choice` would score on the open model and data, and how it was decided. */
  task(choice: TaskChoice): Promise<TaskReply> {
    return answer(() => ({ ok: true as const, task: guessTask(choice) }));
  },

  /** Keeps SSD priors (a `.npy` [A, 4]) for runs; null forgets them. */
  setPriors(file: { name: string; blob: Blob } | null): Promise<PriorsReply> {
    return answer(async () => {
      if (!file) {
        delete session.priors;
        return { ok: true as const, name: '', anchors: 0 };
      }
      const values = priorsFromNpy(file.name, new Uint8Array(await file.blob.arrayBuffer()));
      session.priors = { name: file.name, values };
      return { ok: true as const, name: file.name, anchors: values.length / 4 };
    });
  },

  /**
   * Parses a preprocessing preset or JSON spec and, when a model and dataset are open, resolves it and
   * checks that the samples so shaped can feed the model (a `shape` failure says why not).
   */
  checkPreprocess(text: string, role?: DatasetRequest['role']): Promise<PreprocessReply> {
    return answer(() => {
      const spec = parsePreprocess(text);
      const input = firstInput();
      const dataset = role ? session.datasets[role] : undefined;
      if (!input || !dataset || !session.model) return { ok: true as const, spec };
      const plan = resolvePreprocess(spec, input, dataset);
      checkFeed(session.model.graph, input, plan, dataset);
      return {
        ok: true as const,
        spec,
        sampleDims: [...plan.preprocess.sampleDims],
        assumptions: plan.assumptions,
      };
    });
  },

  /**
   * The plan a run of `recipe` would make (the prune stage's own planner), for the estimate, the
   * group list and the inspector. Not a job: it may answer while a run is in progress.
   */
  plan(recipe: Recipe, inputShapes?: InputShapes): Promise<PlanReply> {
    return answer(async () => ({ ok: true as const, plan: await planOnce(recipe, inputShapes) }), {
      code: 'plan',
    });
  },

  /**
   * The open model's latency in onnxruntime-web wasm with `threads` (the run's runtime), for the
   * latency target in milliseconds. Not a job (a run need not be refused for it): the page measures
   * only while no run is in progress, and a run waits for a measurement under way.
   */
  latency(threads: number, again = false): Promise<LatencyReply> {
    return answer(async () => ({ ok: true as const, ...(await measureModelLatency(threads, again)) }), {
      code: 'latency',
    });
  },

  /** The open model's MACs at `inputShapes`, for a model whose input size is symbolic. */
  costs(inputShapes: InputShapes): Promise<CostsReply> {
    return answer(() => {
      const model = session.model;
      if (!model) throw new Error('Open a model before counting its costs.');
      return { ok: true as const, costs: boundCosts(model.graph, model.shapes, inputShapes) };
    });
  },

  /**
   * Runs the pipeline on the open model and datasets. Stage models stay here under `runId`
   * (`stageModel` hands one out); the reply carries results only.
   */
  async run(
    request: RunRequest,
    onProgress?: (p: RunProgress) => void,
    onTraining?: (event: TrainingEvent) => void | Promise<void>,
  ): Promise<RunReply> {
    return job(async (signal) => ({
      ok: true as const,
      summary: await runOnce(request, signal, relay(onProgress), (event) => onTraining?.(event)),
    }));
  },

  /** Pauses fine-tuning at its next step, after a checkpoint; the run waits for `resumeTraining`. */
  pauseTraining(): void {
    requestPause();
  },

  resumeTraining(): void {
    resumeTraining();
  },

  /** Accuracy against pruning ratio, quantization off. */
  async sweep(request: SweepRequest, onProgress?: (p: RunProgress) => void): Promise<SweepReply> {
    return job(async (signal) => ({
      ok: true as const,
      ...(await sweepRatios(request.recipe, request.ratios, signal, relay(onProgress))),
    }));
  },

  /** Per-group sensitivity: the metric drop when only that group is pruned, on a subset. */
  async sensitivity(
    request: SensitivityRequest,
    onProgress?: (p: RunProgress) => void,
  ): Promise<SensitivityReply> {
    return job((signal) => groupSensitivity(request, signal, relay(onProgress)));
  },

  /** The open model's accuracy on the evaluation set, in this worker's onnxruntime. */
  async evaluate(request: EvaluateRequest): Promise<EvaluateReply> {
    return job(() => evaluateOpen(request) as Promise<Extract<EvaluateReply, { ok: true }>>);
  },

  /** Aborts the current run, sweep or analysis (it answers `cancelled`). */
  cancel(): void {
    cancelJob();
  },

  /** A copy of one stage's model (the worker keeps its own for later downloads). */
  async stageModel(runId: number, stage: string): Promise<Uint8Array> {
    const bytes = stageModels.get(runId)?.get(stage);
    if (!bytes) throw new Error(`Run ${runId} has no stage “${stage}” here.`);
    const copy = bytes.slice();
    return transfer(copy, [copy.buffer]);
  },

  /** Forgets a dataset, so runs stop using it. */
  clearDataset(role: DatasetRequest['role']): void {
    delete session.datasets[role];
  },

  /** Forgets a run's stage models. */
  dropRun(runId: number): void {
    stageModels.delete(runId);
  },
};

expose(api);

export type CoreWorkerApi = typeof api;
