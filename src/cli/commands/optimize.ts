/** `whittle optimize MODEL --recipe R.json --calib DATA …`: the whole pipeline as one recipe. */
import { readFile } from 'node:fs/promises';
import { createOrtRuntime, type InferenceRuntime } from '../../core/eval';
import { readPreprocessArg } from '../../core/eval/node';
import { openTaskDatasetPath, readPriors } from '../../core/tasks/node';
import {
  parseRecipe,
  parseRecipeJson,
  runPipeline,
  type PipelineResult,
  type Recipe,
} from '../../core/pipeline';
import { parseByteSize, peakRssBytes } from '../args';
import { defineCommand } from '../command';
import { kernelsLine, kernelsReport, pickKernels } from '../kernels';
import { modelOutputs, readModelFile, WEIGHTS_OPTION, writeModelFile } from '../model-file';
import { checkOutputs, writeFileAtomic } from '../output';
import { formatStages } from '../format-stages';
import { progressBar } from '../progress-bar';

export const { summary, run } = defineCommand({
  name: 'optimize',
  summary: 'prune → recover → remove channels → fine-tune → INT8, every stage measured, from one recipe',
  usage: `Usage: whittle optimize MODEL.onnx --recipe RECIPE.json --calib DATA [options]

  --recipe FILE         the recipe (JSON; see the studio's recipe export for every field)
  --calib DIR|FILE      calibration data: IDX, .npy/.npz, image folders or a .zip
  --eval DIR|FILE       labelled data for the task's metric: class labels, masks or boxes
                        (without it: fidelity to the original); the recipe's task section decides
  --priors FILE.npy     SSD-style detection: priors [A, 4] (cx, cy, w, h relative to the input)
  --train DIR|FILE      your training images for the recipe's finetune stage (default: --calib)
  --preprocess P        preset, JSON or JSON file; overrides the recipe's data.preprocess
  --backend B           wasm (default: the same runtime as the studio) or native (onnxruntime-node)
  --precision P         INT8 per node: size (INT8 everywhere: the smallest file), or by measured
                        latency on the backend: speed (only where faster) or auto (unless > 5 %
                        slower); default: the recipe's quantize.precision (size)
  --latency-target F    prune to this fraction of the original latency (0.33), planned from a
                        per-node profile on the backend, then verified; overrides the recipe's target
  --widths measured     kept channels per group snapped to the width with the best measured
                        latency per channel, the MAC or latency target re-planned to hold
                        (default: the recipe's prune.widths)
  --allocate latency    spread the recipe's MAC target where the measured milliseconds are (least
                        importance per ms saved) instead of a uniform ratio (default: prune.allocate)
  --threads N           threads of the backend (overrides evaluate.threads)
  --qat                 quantization-aware fine-tuning: the pruned INT8 model is trained with its
                        INT8 plan fake-quantized and step sizes learned (sets finetune.qat; needs
                        the recipe's finetune and quantize stages)
  --memory-budget SIZE  memory the data passes may use, e.g. 1G or 512M (overrides compute.memoryBudgetMB)
  --out OUT.onnx        the final stage's model (default MODEL.optimized.onnx)
  --report FILE.json    every stage's measurements, the plan summary and the recipe
${WEIGHTS_OPTION.usage}
  --json                print the report as JSON`,
  options: {
    recipe: { type: 'string' },
    calib: { type: 'string' },
    eval: { type: 'string' },
    priors: { type: 'string' },
    train: { type: 'string' },
    preprocess: { type: 'string' },
    backend: { type: 'string' },
    'memory-budget': { type: 'string' },
    precision: { type: 'string' },
    'latency-target': { type: 'string' },
    widths: { type: 'string' },
    allocate: { type: 'string' },
    threads: { type: 'string' },
    qat: { type: 'boolean' },
    out: { type: 'string' },
    weights: { type: 'string' },
    report: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, one, required, choice, fraction, integer, fail }) {
    const modelPath = one('MODEL.onnx path');
    const recipePath = required('recipe');
    const calib = required('calib');
    const backend = choice('backend', ['wasm', 'native']);
    const precision = values.precision ? choice('precision', ['size', 'speed', 'auto']) : undefined;
    const latencyTarget = fraction('latency-target');
    const widths = values.widths ? choice('widths', ['measured', 'fixed']) : undefined;
    const allocate = values.allocate ? choice('allocate', ['latency', 'macs']) : undefined;
    const threads = integer('threads');
    const out = values.out ?? modelPath.replace(/(\.onnx)?$/i, '.optimized.onnx');

    const input = await readModelFile(modelPath);
    const placement = WEIGHTS_OPTION.parse('optimize', values.weights, input);
    checkOutputs('optimize', { ...modelOutputs(out, placement), '--report': values.report }, [
      modelPath,
      ...input.dataFiles,
      recipePath,
      calib,
      values.eval,
      values.train,
      values.priors,
      values.preprocess,
    ]);
    const bar = progressBar();
    try {
      let recipe = parseRecipeJson(await readFile(recipePath, 'utf8'));
      if (values.preprocess)
        recipe = parseRecipe({
          ...recipe,
          data: { ...recipe.data, preprocess: await readPreprocessArg(values.preprocess) },
        });
      if (values['memory-budget'] !== undefined) {
        const bytes = parseByteSize('optimize', 'memory-budget', values['memory-budget']);
        recipe = parseRecipe({
          ...recipe,
          compute: { ...recipe.compute, memoryBudgetMB: Math.round(bytes / 1024 ** 2) },
        });
      }
      recipe = withFlags(recipe, { precision, latencyTarget, widths, allocate, threads, qat: values.qat });
      if (values.qat && !(recipe.finetune.enabled && recipe.quantize.enabled))
        fail(`--qat needs the recipe's finetune and quantize stages enabled (${recipePath}).`);
      const cpu0 = process.cpuUsage();
      const runtime: InferenceRuntime = await createOrtRuntime({ backend, threads: recipe.evaluate.threads });
      const selection = await pickKernels(
        recipe.compute.kernels,
        "optimize: the recipe's compute.kernels cannot be honoured",
      );
      const hint = recipe.task.kind === 'auto' ? undefined : recipe.task.kind;
      const result = await runPipeline({
        model: input.bytes,
        recipe,
        calibration: await openTaskDatasetPath(calib, undefined, hint),
        evaluation: values.eval ? await openTaskDatasetPath(values.eval, undefined, hint) : undefined,
        priors: values.priors ? await readPriors(values.priors) : undefined,
        training: values.train ? await openTaskDatasetPath(values.train) : undefined,
        runtime,
        kernels: selection.backend,
        cpuClock: () => cpuSeconds({ user: 0, system: 0 }) * 1000, // all of the process's CPU time so far
        onProgress: bar.show,
      });
      bar.done();
      const final = result.stages[result.stages.length - 1];
      const written = await writeModelFile('optimize', out, final.bytes, placement);
      const report = {
        ...reportOf(result, modelPath, out),
        files: written.paths,
        kernels: kernelsReport(selection),
        memory: { peakRssBytes: peakRssBytes(), peakTrackedBytes: result.peakTrackedBytes },
        cpuSeconds: cpuSeconds(cpu0),
      };
      if (values.report) await writeFileAtomic(values.report, JSON.stringify(report, jsonSafe, 2));
      console.log(
        values.json
          ? JSON.stringify(report, jsonSafe, 2)
          : `${formatStages(result)}\n\n${kernelsLine(selection)}\nWrote ${written.paths.join(' and ')}`,
      );
      return 0;
    } finally {
      bar.done();
    }
  },
});

/** The recipe with the command line's profile flags laid over it. */
function withFlags(
  recipe: Recipe,
  f: { precision?: string; latencyTarget?: number; widths?: string; allocate?: string; threads?: number; qat?: boolean },
): Recipe {
  const prune = { ...recipe.prune };
  if (f.latencyTarget !== undefined) {
    delete prune.ratio;
    delete prune.macsTarget;
    prune.latencyTarget = f.latencyTarget;
  }
  if (f.widths) prune.widths = f.widths as Recipe['prune']['widths'];
  if (f.allocate) prune.allocate = f.allocate as Recipe['prune']['allocate'];
  return parseRecipe({
    ...recipe,
    prune,
    quantize: f.precision ? { ...recipe.quantize, precision: f.precision } : recipe.quantize,
    evaluate: f.threads ? { ...recipe.evaluate, threads: f.threads } : recipe.evaluate,
    finetune: f.qat ? { ...recipe.finetune, qat: true } : recipe.finetune,
  });
}

/** CPU time of the whole process (all runtime threads) since `from`, in seconds. */
function cpuSeconds(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
}

/** SQNR of a lossless stage is Infinity, which JSON cannot hold. */
const jsonSafe = (_key: string, value: unknown) => (value === Infinity ? 'Infinity' : value);

function reportOf(result: PipelineResult, model: string, out: string) {
  return {
    model,
    out,
    recipe: result.recipe,
    task: result.task,
    assumptions: result.assumptions,
    ...(result.measuredOn ? { measuredOn: result.measuredOn } : {}),
    stages: result.stages.map((s) => ({ name: s.name, ...s.result })),
    plan: result.plan && {
      criterion: result.plan.criterion,
      mode: result.plan.mode,
      before: result.plan.before,
      after: result.plan.after,
      prunedChannels: result.plan.prunedChannels,
      prunableChannels: result.plan.prunableChannels,
    },
    fusion: result.fusion,
    floatBiases: result.floatBiases,
    precision: result.precision,
    widths: result.widths,
    latencyTarget: result.latencyTarget,
    keptFloat: result.keptFloat,
    timingsMs: result.timings,
    ...(result.cpuTimings ? { cpuTimingsMs: result.cpuTimings } : {}),
  };
}
