/**
 * Studies beside the main run: accuracy against pruning ratio (one pipeline run per ratio, INT8 off),
 * per-group sensitivity on a subset, and plain evaluation of the open model.
 */
import { PREPROCESS_PRESETS, evaluateModel, parsePreprocess, type PreprocessSpec } from '../src/core/eval';
import { runPipeline, type Recipe } from '../src/core/pipeline';
import {
  accuracyMetric,
  agreementMetric,
  analyzeSensitivity,
  calibrationFromDataset,
  scoreChannels,
} from '../src/core/prune';
import type { SweepPoint } from '../src/core/report';
import { kernelBackend, wasmRuntime } from './engines';
import { firstInput, modelBytes, requireCalibration, session } from './session';
import type {
  EvaluateReply,
  EvaluateRequest,
  RunProgress,
  SensitivityReply,
  SensitivityRequest,
} from './run-protocol';

const preprocessOf = (recipe: Recipe): PreprocessSpec | undefined => {
  const p = recipe.data.preprocess;
  return typeof p === 'string' ? PREPROCESS_PRESETS[p] : p;
};

/** The recipe's pruning at each ratio, recovered, quantization off, timed once (only accuracy is read). */
export async function sweepRatios(
  recipe: Recipe,
  ratios: readonly number[],
  signal: AbortSignal,
  onProgress: (p: RunProgress) => void,
): Promise<{ metric: 'accuracy' | 'fidelity'; points: SweepPoint[] }> {
  const runtime = await wasmRuntime(recipe.evaluate.threads);
  const kernels = await kernelBackend(recipe.compute.kernels);
  const calibration = requireCalibration();
  const evaluation = session.datasets.evaluation;
  const labelled = evaluation?.labels !== undefined;
  const points: SweepPoint[] = [];
  for (const [k, ratio] of ratios.entries()) {
    const step = {
      ...recipe,
      prune: { ...recipe.prune, enabled: ratio > 0, ratio, macsTarget: undefined, overrides: {} },
      quantize: { ...recipe.quantize, enabled: false },
      evaluate: { ...recipe.evaluate, runs: 1, warmup: 0 },
    };
    const result = await runPipeline({
      model: modelBytes(),
      recipe: step,
      calibration,
      evaluation,
      runtime,
      kernels,
      signal,
      // A sweep's unit is one ratio's whole run; each phase advances within it.
      onProgress: (p) =>
        onProgress({
          ...p,
          done: k + p.fraction,
          total: ratios.length,
          unit: 'ratios',
          fraction: (k + p.fraction) / ratios.length,
          message: `Ratio ${Math.round(ratio * 100)} %: ${p.message}`,
        }),
    });
    const last = result.stages[result.stages.length - 1].result;
    points.push({
      ratio,
      metric: labelled ? (last.accuracy?.top1 ?? 0) : (last.fidelity?.top1Agreement ?? 1),
      parameters: last.parameters ?? 0,
      macs: last.macs ?? 0,
      bytes: last.modelBytes,
    });
  }
  return { metric: labelled ? 'accuracy' : 'fidelity', points };
}

/** Metric drop (points) per group when only that group is pruned at `request.ratio`. */
export async function groupSensitivity(
  request: SensitivityRequest,
  signal: AbortSignal,
  onProgress: (p: RunProgress) => void,
): Promise<Extract<SensitivityReply, { ok: true }>> {
  const model = session.model;
  const input = firstInput();
  if (!model || !input) throw new Error('Open a model before analysing sensitivity.');
  const { recipe } = request;
  const runtime = await wasmRuntime(recipe.evaluate.threads);
  const kernels = await kernelBackend(recipe.compute.kernels);
  const preprocess = preprocessOf(recipe);
  const evaluation = session.datasets.evaluation;
  const calibration = session.datasets.calibration;
  const data = evaluation ?? calibration;
  if (!data) throw new Error('Drop an evaluation or calibration set before analysing sensitivity.');
  const options = { limit: request.limit, preprocess, batchSize: recipe.data.batchSize };
  const labelled = evaluation?.labels !== undefined;
  const metric = labelled
    ? accuracyMetric(runtime, evaluation, options)
    : agreementMetric(runtime, model.graph, data, options);
  onProgress({
    phase: 'analyse',
    done: 0,
    total: 1,
    unit: 'rankings',
    fraction: 0,
    message: 'Scoring channels',
  });
  const batches =
    recipe.prune.criterion === 'activation'
      ? await calibrationFromDataset(calibration ?? data, {
          input,
          preprocess,
          limit: recipe.data.calibrationSamples,
          batchSize: recipe.data.batchSize,
        })
      : undefined;
  const scores = await scoreChannels(
    model.graph,
    model.analysis.groups,
    { criterion: recipe.prune.criterion },
    kernels,
    runtime,
    batches,
  );
  const report = await analyzeSensitivity(model.graph, model.analysis, scores, metric, {
    ratios: [request.ratio],
    metricName: labelled ? 'accuracy' : 'agreement',
    samples: Math.min(request.limit, data.size),
    rules: {
      includeFirst: recipe.prune.includeFirst,
      includeClassifier: recipe.prune.includeClassifier,
      roundTo: recipe.prune.roundTo,
    },
    onProgress: (done, total) => {
      if (signal.aborted) throw new Error('The analysis was cancelled.');
      onProgress({
        phase: 'evaluate',
        done,
        total,
        unit: 'models',
        fraction: done / total,
        message: `Pruning one group at a time (${done}/${total})`,
      });
    },
  });
  return {
    ok: true,
    metric: report.metric,
    baseline: report.baseline,
    samples: report.samples,
    groups: report.groups.map((g) => ({ group: g.group, drop: 100 * g.drops[0] })),
  };
}

/** Top-1 accuracy of the open model on the evaluation set, in this worker's onnxruntime. */
export async function evaluateOpen(request: EvaluateRequest): Promise<EvaluateReply> {
  const data = session.datasets.evaluation;
  if (!data) throw new Error('Drop an evaluation set first.');
  const runtime = await wasmRuntime(request.threads ?? 1);
  const model = await runtime.createSession(modelBytes());
  try {
    const r = await evaluateModel(model, data, {
      preprocess: parsePreprocess(request.preprocess),
      limit: request.limit,
      batchSize: request.batchSize ?? 100,
      inputName: firstInput()?.name,
    });
    return {
      ok: true,
      accuracy: r.accuracy,
      samples: r.samples,
      timeMs: r.timeMs,
      backend: runtime.backend,
      threads: runtime.threads,
    };
  } finally {
    await model.release();
  }
}
