/**
 * A pipeline run in the worker: the open model and datasets through `runPipeline`, every stage timed
 * on wasm and, when an adapter exists, WebGPU; the stage models are kept here under the run's id and
 * only results go back to the page.
 */
import { compareLatency, type Dataset, type InferenceRuntime, type LatencyStats } from '../src/core/eval';
import { preprocessOf, runPipeline, type PipelineResult, type Recipe } from '../src/core/pipeline';
import { describeFloatBias } from '../src/core/quant';
import type { StageMetricKind } from '../src/core/report';
import { predictPictures, type TaskPictures } from '../src/core/tasks';
import { decideTask } from './task-guess';
import { kernelBackend, wasmRuntime, webgpuRuntime } from './engines';
import { modelBytes, requireCalibration, session } from './session';
import { finetuneControl } from './train-control';
import type { RunProgress, RunRequest, RunSummary, TrainingEvent } from './run-protocol';

/** Stage models of finished runs, by run id and stage name. */
export const stageModels = new Map<number, Map<string, Uint8Array>>();

export async function runOnce(
  { runId, recipe, resume }: RunRequest,
  signal: AbortSignal,
  onProgress: (p: RunProgress) => void,
  onTraining: (event: TrainingEvent) => void | Promise<void> = () => {},
): Promise<RunSummary> {
  const model = session.model;
  if (!model) throw new Error('Open a model before running the pipeline.');
  const calibration = requireCalibration();
  const evaluation = session.datasets.evaluation;
  const runtime = await wasmRuntime(recipe.evaluate.threads);
  const kernels = await kernelBackend(recipe.compute.kernels);
  // Asked first, so the benchmark phase's total counts the WebGPU runs only when they will happen.
  const gpu = recipe.evaluate.backends.includes('webgpu') ? await webgpuRuntime() : undefined;
  const timesGpu = !!gpu?.runtime && (!gpu.software || recipe.evaluate.softwareGpu);
  // WebGPU timing follows the pipeline's own (wasm) timing: as many runs again.
  const widen = (p: RunProgress): RunProgress =>
    p.phase === 'benchmark' && timesGpu ? { ...p, total: 2 * p.total, fraction: p.done / (2 * p.total) } : p;
  const result = await runPipeline({
    model: modelBytes(),
    recipe,
    calibration,
    training: session.datasets.training,
    evaluation,
    ...(session.priors ? { priors: session.priors.values } : {}),
    runtime,
    latencyRuntimes: [runtime],
    kernels,
    signal,
    onTrainProgress: (progress) => void onTraining({ kind: 'step', progress }),
    finetuneControl: finetuneControl(signal, onTraining, resume),
    onProgress: (p) => onProgress(widen(p)),
  });

  const notes: string[] = [];
  const pictures = await picturesOf(result, recipe, evaluation ?? calibration, runtime, signal, notes);
  if (result.plan?.note) notes.push(result.plan.note);
  if (result.measuredOn) notes.push(result.measuredOn);
  for (const b of result.floatBiases) notes.push(`${b.stage}: ${describeFloatBias(b)}`);
  const latencyBackends = ['wasm'];
  let adapter: string | undefined;
  if (gpu) {
    if (!gpu.runtime) notes.push(`Not timed on WebGPU: ${gpu.reason}.`);
    else if (gpu.software && !recipe.evaluate.softwareGpu)
      notes.push(
        `Not timed on WebGPU: the adapter (${gpu.adapter}) is a software fallback whose timings say nothing about a GPU; tick “Time a software WebGPU adapter too” to time it anyway.`,
      );
    else {
      adapter = gpu.adapter;
      const runs = recipe.evaluate.runs;
      const timed = await timeOnGpu(result, gpu.runtime, recipe, signal, (f) =>
        onProgress({
          phase: 'benchmark',
          done: runs * (1 + f),
          total: 2 * runs,
          unit: 'runs',
          fraction: (1 + f) / 2,
          message: 'Timing every stage on WebGPU',
        }),
      );
      notes.push(...timed.notes);
      if (timed.latency.some((l) => l)) {
        latencyBackends.push('webgpu');
        result.stages.forEach((s, i) => {
          const l = timed.latency[i];
          if (l) s.result = { ...s.result, latency: [...s.result.latency, l] };
        });
      }
      if (gpu.software)
        notes.push('WebGPU ran on a software adapter: its timings say nothing about a real GPU.');
    }
  }
  const unknownBackends = recipe.evaluate.backends.filter((b) => b !== 'wasm' && b !== 'webgpu');
  if (unknownBackends.length)
    notes.push(`Not timed on ${unknownBackends.join(', ')}: not available in a browser.`);

  stageModels.set(runId, new Map(result.stages.map((s) => [s.name, s.bytes])));
  const first = result.stages[0].result;
  const metric: StageMetricKind = first.score
    ? 'accuracy'
    : result.task.kind === 'classification'
      ? 'fidelity'
      : 'cosine';
  return {
    runId,
    modelFile: model.fileName,
    recipe,
    stages: result.stages.map((s) => ({
      name: s.name,
      label: s.label,
      bytes: s.bytes.byteLength,
      result: s.result,
    })),
    final: result.final,
    metric,
    samples: first.score?.count ?? first.accuracy?.count ?? result.stages[1]?.result.fidelity?.count ?? 0,
    task: { ...result.task, metric: first.score?.metric ?? (metric === 'cosine' ? 'min cosine' : 'top-1') },
    ...(pictures ? { pictures } : {}),
    datasets: {
      calibration: calibration.name,
      ...(evaluation ? { evaluation: evaluation.name } : {}),
      ...(result.finetune && session.datasets.training ? { training: session.datasets.training.name } : {}),
    },
    ...(result.finetune ? { finetune: { ...result.finetune, resumed: resume !== undefined } } : {}),
    runtime: { backend: runtime.backend, threads: runtime.threads, crossOriginIsolated },
    kernels: kernels.name,
    latencyBackends,
    ...(adapter ? { webgpuAdapter: adapter } : {}),
    notes,
    assumptions: result.assumptions,
    timings: result.timings,
    memory: {
      peakTrackedBytes: result.peakTrackedBytes,
      budgetBytes: result.recipe.compute.memoryBudgetMB * 1024 ** 2,
    },
    ...(result.plan
      ? {
          plan: {
            prunedChannels: result.plan.prunedChannels,
            prunableChannels: result.plan.prunableChannels,
            groups: result.plan.groups.length,
          },
        }
      : {}),
    ...(result.latencyTarget ? { latencyTarget: result.latencyTarget } : {}),
    ...(result.precision ? { precision: result.precision } : {}),
    ...(result.fusion
      ? {
          fusion: {
            fused: result.fusion.fused,
            unfused: result.fusion.unfused,
            predictedOps: { ...result.fusion.predictedOps },
          },
        }
      : {}),
  };
}

/**
 * A few samples with each stage's predictions (segmentation, detection), made by the stage models in
 * onnxruntime here; a failure is a note, not a failed run.
 */
async function picturesOf(
  result: PipelineResult,
  recipe: Recipe,
  dataset: Dataset,
  runtime: InferenceRuntime,
  signal: AbortSignal,
  notes: string[],
): Promise<TaskPictures | undefined> {
  if (result.task.kind !== 'segmentation' && result.task.kind !== 'detection') return undefined;
  try {
    return await predictPictures({
      runtime,
      stages: result.stages,
      dataset,
      task: decideTask(recipe.task).task,
      preprocess: preprocessOf(recipe),
      signal,
    });
  } catch (err) {
    if (signal.aborted) throw err;
    notes.push(`No pictures of predictions: ${(err as Error).message}`);
    return undefined;
  }
}

/**
 * Times every stage on WebGPU, interleaved; if one stage cannot run there (onnxruntime's WebGPU
 * backend lacks some INT8 kernels), the others are timed alone and the failure is noted.
 */
async function timeOnGpu(
  result: PipelineResult,
  runtime: InferenceRuntime,
  recipe: Recipe,
  signal: AbortSignal,
  onFraction: (f: number) => void,
): Promise<{ latency: (LatencyStats | undefined)[]; notes: string[] }> {
  const options = {
    warmup: recipe.evaluate.warmup,
    runs: recipe.evaluate.runs,
    batch: recipe.evaluate.batch,
    signal,
  };
  const models = result.stages.map((s) => ({ label: s.label, bytes: s.bytes }));
  try {
    const cmp = await compareLatency(runtime, models, {
      ...options,
      onProgress: (done, total) => onFraction(done / total),
    });
    return { latency: cmp.models, notes: [] };
  } catch (err) {
    if (signal.aborted) throw err;
  }
  const latency: (LatencyStats | undefined)[] = [];
  const notes: string[] = [];
  for (const [i, m] of models.entries()) {
    try {
      latency.push((await compareLatency(runtime, [m], options)).models[0]);
    } catch (err) {
      if (signal.aborted) throw err;
      latency.push(undefined);
      notes.push(`WebGPU could not run “${m.label}”: ${(err as Error).message}`);
    }
    onFraction((i + 1) / models.length);
  }
  return { latency, notes };
}
