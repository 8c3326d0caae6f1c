/** `whittle quantize MODEL --calib DATA …`: INT8 QDQ post-training quantization with a fusion report. */
import { basename } from 'node:path';
import { checkFeed, createOrtRuntime, modelInput, resolvePreprocess, type ValueMeta } from '../../core/eval';
import { readPreprocessArg } from '../../core/eval/node';
import { openTaskDatasetPath } from '../../core/tasks/node';
import { importModel, type Graph } from '../../core/graph';
import {
  datasetFeeds,
  describeFloatBias,
  quantizeModel,
  type CalibrationMethod,
  type QuantizeResult,
} from '../../core/quant';
import { createWasmBackend } from '../../kernels';
import { nodeWasmLoader } from '../../kernels/wasm/node-loader';
import { parseByteSize, peakRssBytes } from '../args';
import { defineCommand } from '../command';
import { modelOutputs, readModelFile, WEIGHTS_OPTION, writeModelFile } from '../model-file';
import { progressTracker } from '../../core/progress';
import { progressBar } from '../progress-bar';
import { checkOutputs } from '../output';
import { UserError } from '../errors';

const METHODS: readonly CalibrationMethod[] = ['minmax', 'ema', 'percentile', 'entropy', 'mse'];

export const { summary, run } = defineCommand({
  name: 'quantize',
  summary: 'INT8 post-training quantization (QDQ) with calibration and a fusion report',
  usage: `Usage: whittle quantize MODEL.onnx --calib DIR|FILE [options]

  --calib DIR|FILE      calibration data: IDX, .npy/.npz, image folders or a .zip (labels not needed)
  --preprocess P        preset (imagenet, unit, signed), JSON, or a JSON file; default: inferred
  --method M            minmax (default), ema, percentile, entropy, mse
  --per-tensor          one weight scale per tensor (default: per output channel)
  --activations T       uint8 (default, asymmetric; fuses in onnxruntime) or int8 (symmetric)
  --samples N           calibration samples (default 1000)
  --exclude N1,N2       node names kept in float
  --memory-budget SIZE  memory calibration may use, e.g. 1G (default) or 512M: sets batch size and passes
  --out OUT.onnx        where to write the INT8 model (default MODEL.int8.onnx)
${WEIGHTS_OPTION.usage}
  --json                print the report as JSON`,
  options: {
    calib: { type: 'string' },
    preprocess: { type: 'string' },
    method: { type: 'string' },
    'per-tensor': { type: 'boolean' },
    activations: { type: 'string' },
    samples: { type: 'string' },
    exclude: { type: 'string' },
    'memory-budget': { type: 'string' },
    out: { type: 'string' },
    weights: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, one, required, choice, integer, list }) {
    const modelPath = one('MODEL.onnx path');
    const calib = required('calib');
    const method = choice('method', METHODS);
    const activations = choice('activations', ['uint8', 'int8']);
    const samples = integer('samples') ?? 1000;
    const memoryBudget =
      values['memory-budget'] === undefined
        ? undefined
        : parseByteSize('quantize', 'memory-budget', values['memory-budget']);
    const out = values.out ?? modelPath.replace(/(\.onnx)?$/i, '.int8.onnx');

    const input = await readModelFile(modelPath);
    const placement = WEIGHTS_OPTION.parse('quantize', values.weights, input);
    checkOutputs('quantize', modelOutputs(out, placement), [
      modelPath,
      ...input.dataFiles,
      calib,
      values.preprocess,
    ]);
    const graph = importModel(input.model);
    const preprocess = values.preprocess ? await readPreprocessArg(values.preprocess) : undefined;
    const dataset = await openTaskDatasetPath(calib);
    // The calibration data must fit the model before onnxruntime runs it.
    const feedsInput = inputMeta(graph);
    checkFeed(graph, feedsInput, resolvePreprocess(preprocess, feedsInput, dataset), dataset);
    const runtime = await createOrtRuntime({ backend: 'native' });
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    // Observers and weight rounding run in the WASM SIMD kernels, as in the studio.
    const kernels = await createWasmBackend(nodeWasmLoader);
    const bar = progressBar();
    const total = Math.min(samples, dataset.size);
    const progress = progressTracker(bar.show);
    progress.start('calibrate', total, 'samples', 'Calibrating');
    const result = await quantizeModel(graph, {
      runtime,
      kernels,
      method,
      activations,
      memoryBudget,
      perChannel: !values['per-tensor'],
      exclude: list('exclude'),
      calibration: datasetFeeds(dataset, feedsInput, { preprocess, limit: samples }),
      // Each of `passes` passes reads every sample.
      onProgress: (seen, pass, passes) =>
        progress.set(
          'calibrate',
          ((pass + Math.min(1, seen / total)) / passes) * total,
          passes > 1 ? `Calibrating, pass ${pass + 1} of ${passes}` : 'Calibrating',
        ),
    }).finally(() => bar.done());
    const written = await writeModelFile('quantize', out, result.bytes, placement);
    const seconds = (performance.now() - started) / 1000;
    const report = {
      model: modelPath,
      out,
      calibration: dataset.description,
      samples: Math.min(samples, dataset.size),
      method,
      scheme: result.plan.scheme,
      prepare: result.prepare,
      files: written.paths,
      bytes: { float: input.fileBytes, int8: written.bytes, ratio: input.fileBytes / written.bytes },
      excluded: result.plan.excluded,
      keptFloat: result.plan.kept,
      fusion: result.fusion,
      floatBiases: result.floatBiases,
      seconds,
      cpuSeconds: (process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1e6,
      calibrationPlan: {
        batchSize: result.calibration.plan.batchSize,
        passes: result.calibration.plan.passes.length,
        estimatedBytes: result.calibration.plan.estimatedBytes,
      },
      memory: { peakRssBytes: peakRssBytes(), peakTrackedBytes: result.calibration.peakTrackedBytes },
    };
    console.log(values.json ? JSON.stringify(report, null, 2) : format(modelPath, out, report, result));
    return 0;
  },
});

/** The model's first input as the eval module describes inputs. */
function inputMeta(graph: Graph): ValueMeta {
  const input = modelInput(graph);
  if (!input) throw new UserError('quantize: the model has no inputs.');
  return input;
}

function format(
  modelPath: string,
  out: string,
  r: {
    bytes: { float: number; int8: number; ratio: number };
    samples: number;
    method: string;
    seconds: number;
    calibrationPlan: { batchSize: number; passes: number };
    memory: { peakRssBytes: number; peakTrackedBytes: number };
  },
  result: QuantizeResult,
): string {
  const f = result.fusion;
  const p = result.prepare;
  const lines = [
    `${basename(modelPath)} → ${out}`,
    `  size ${kb(r.bytes.float)} → ${kb(r.bytes.int8)} (${r.bytes.ratio.toFixed(2)}× smaller)`,
    `  scheme: ${result.plan.scheme.activations} activations, int8 weights ${result.plan.scheme.perChannel ? 'per channel' : 'per tensor'}; ${r.method} calibration on ${r.samples} samples in ${r.seconds.toFixed(1)} s`,
  ];
  lines.push(
    `  memory: peak ${mb(r.memory.peakRssBytes)} resident, ${mb(r.memory.peakTrackedBytes)} of activations held; batches of ${r.calibrationPlan.batchSize}, ${r.calibrationPlan.passes} pass${r.calibrationPlan.passes === 1 ? '' : 'es'}`,
  );
  if (p.fromOpset !== p.toOpset || p.batchNormsFolded > 0)
    lines.push(`  prepared: opset ${p.fromOpset} → ${p.toOpset}, ${p.batchNormsFolded} BatchNorm folded`);
  const ops = Object.entries(f.predictedOps)
    .map(([k, v]) => `${k}×${v}`)
    .join(', ');
  lines.push(
    `  fusion: ${f.fused} of ${f.units.length} units fuse in onnxruntime${f.fullyFused ? ' (fully fused)' : ''}: ${ops}`,
  );
  const reasons = new Map<string, string[]>();
  for (const u of f.units)
    if (!u.fused)
      reasons.set(`${u.opType}: ${u.reason}`, [...(reasons.get(`${u.opType}: ${u.reason}`) ?? []), u.node]);
  for (const [reason, nodes] of reasons)
    lines.push(`    not fused — ${reason} (${nodes.length === 1 ? nodes[0] : `${nodes.length} nodes`})`);
  const kept = new Map<string, string[]>();
  for (const [node, reason] of Object.entries(result.plan.kept))
    kept.set(reason, [...(kept.get(reason) ?? []), node]);
  for (const [reason, nodes] of kept)
    lines.push(
      `  ${reason}: ${nodes.length === 1 ? nodes[0] : `${nodes.length} nodes (${nodes.join(', ')})`}`,
    );
  for (const b of result.floatBiases) lines.push(`  warning: ${describeFloatBias(b)}`);
  return lines.join('\n');
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const mb = (n: number) => `${(n / 1024 ** 2).toFixed(0)} MiB`;
