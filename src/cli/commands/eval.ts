/** `whittle eval MODEL --data DIR|FILE …`: accuracy on a labelled set, fidelity against a reference model. */
import { basename } from 'node:path';
import {
  checkFeed,
  createOrtRuntime,
  modelInput,
  resolvePreprocess,
  sampleCoverage,
  type Backend,
  type EvaluationReport,
  type RuntimeSession,
  type SampleCoverage,
  type TaskScore,
} from '../../core/eval';
import { readPreprocessArg } from '../../core/eval/node';
import { importModel } from '../../core/graph';
import { DEFAULT_TASK, evaluateTask, resolveTask } from '../../core/tasks';
import { openTaskDatasetPath, readPriors } from '../../core/tasks/node';
import { defineCommand } from '../command';
import { UserError } from '../errors';
import { readModelFile } from '../model-file';

export const { summary, run } = defineCommand({
  name: 'eval',
  summary: 'accuracy on a dataset, or fidelity against a reference model',
  usage: `Usage: whittle eval MODEL.onnx --data DIR|FILE [options]

  --data DIR|FILE       images in class folders, a .zip, IDX files (or their folder), .npy/.npz;
                        images with masks (PNG, .npy/.npz) or boxes (COCO JSON, YOLO txt, VOC XML)
  --task T              auto (default: from the outputs and the data), classification,
                        segmentation, detection or outputs (fidelity of every output only)
  --priors FILE.npy     SSD-style detection: priors [A, 4] (cx, cy, w, h relative to the input)
  --ignore-index N      segmentation: mask value not scored (default 255)
  --labels FILE         labels apart from the data (IDX, .npy, or text: one per line or "file label")
  --preprocess P        preset (imagenet, unit, signed), JSON, or a JSON file; default: inferred
  --ref REF.onnx        also report fidelity against this reference model (no labels needed)
  --batch N             samples per inference run (default 64)
  --limit N             use only the first N samples
  --backend B           wasm (default) or native (onnxruntime-node)
  --threads N           intra-op threads
  --json                print the report as JSON`,
  options: {
    data: { type: 'string' },
    labels: { type: 'string' },
    preprocess: { type: 'string' },
    ref: { type: 'string' },
    task: { type: 'string' },
    priors: { type: 'string' },
    'ignore-index': { type: 'string' },
    batch: { type: 'string' },
    limit: { type: 'string' },
    backend: { type: 'string' },
    threads: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, one, required, choice, integer, fail }) {
    const modelPath = one('MODEL.onnx path');
    const data = required('data');
    const backend: Backend = choice('backend', ['wasm', 'native']);
    const batchSize = integer('batch') ?? 64;
    const limit = integer('limit');
    const threads = integer('threads');
    const kind = choice('task', ['auto', 'classification', 'segmentation', 'detection', 'outputs']);
    const ignoreIndex = integer('ignore-index', 0) ?? DEFAULT_TASK.ignoreIndex;

    const preprocess = values.preprocess ? await readPreprocessArg(values.preprocess) : undefined;
    const dataset = await openTaskDatasetPath(data, values.labels, kind === 'auto' ? undefined : kind);
    if (!dataset.labels && !dataset.targets && !values.ref)
      fail(`${data} has no labels, masks or boxes; pass --labels for accuracy or --ref for fidelity.`);
    const priors = values.priors ? await readPriors(values.priors) : undefined;
    const file = await readModelFile(modelPath);
    // The data must fit the model before onnxruntime runs it: one sentence, exit 2, instead of its error.
    const graph = importModel(file.model);
    const input = modelInput(graph);
    if (input) checkFeed(graph, input, resolvePreprocess(preprocess, input, dataset), dataset);
    const runtime = await createOrtRuntime({ backend, threads });
    const session = await load(runtime.createSession.bind(runtime), modelPath, file.bytes);
    const reference = values.ref
      ? await load(runtime.createSession.bind(runtime), values.ref, (await readModelFile(values.ref)).bytes)
      : undefined;
    const decision = resolveTask({ ...DEFAULT_TASK, kind, ignoreIndex }, session.outputs, dataset, priors);
    const report = await evaluateTask(session, dataset, decision.task, {
      preprocess,
      batchSize,
      limit,
      reference,
    });
    // Per-sample hits are for pairing two models, not for the report.
    const { top1Hits, ...figures } = report;
    const sampling = sampleCoverage(report.samples, dataset.size, top1Hits);
    const result = {
      model: modelPath,
      ref: values.ref,
      data: dataset.description,
      task: { kind: decision.task.kind, reason: decision.reason },
      backend,
      threads: runtime.threads,
      batch: batchSize,
      ...figures,
      sampling,
    };
    console.log(
      values.json
        ? JSON.stringify(result, finiteOrString, 2)
        : formatReport(
            basename(modelPath),
            dataset.description,
            { ...figures, sampling, taskLine: `task: ${decision.task.kind} (${decision.reason})` },
            backend,
            runtime.threads,
            values.ref,
          ),
    );
    return 0;
  },
});

async function load(
  create: (bytes: Uint8Array) => Promise<RuntimeSession>,
  path: string,
  // Self-contained bytes: external data is inlined, since onnxruntime gets no folder to look in.
  bytes: Uint8Array,
): Promise<RuntimeSession> {
  try {
    return await create(bytes);
  } catch (e) {
    // The runtime's ModelLoadError already says "onnxruntime cannot load the model (why)."
    throw new UserError(`eval: ${path}: ${firstLine((e as Error).message)}`);
  }
}

function formatReport(
  model: string,
  data: string,
  r: EvaluationReport & { score?: TaskScore; sampling: SampleCoverage; taskLine: string },
  backend: string,
  threads: number,
  ref?: string,
): string {
  const lines = [`${model} on ${data}`, `  ${r.taskLine}`];
  if (r.score && r.score.task !== 'classification')
    lines.push(
      `  ${Object.entries(r.score.figures)
        .filter(([, v]) => !Number.isNaN(v))
        .map(([k, v]) => `${k} ${pct(v)}`)
        .join('   ')}   (${r.score.count} samples)`,
    );
  if (r.accuracy) {
    const ci = r.sampling.top1Interval;
    lines.push(
      `  top-1 ${pct(r.accuracy.top1)}${ci ? ` (95 % interval ${pct(ci.low)} to ${pct(ci.high)}, Wilson)` : ''}   top-5 ${pct(r.accuracy.top5)}`,
    );
  }
  const { evaluated, available } = r.sampling;
  lines.push(
    evaluated < available
      ? `  on ${evaluated} of ${available} samples (a subset)`
      : `  on all ${available} samples`,
  );
  if (r.fidelity && ref) {
    const f = r.fidelity;
    lines.push(`  vs ${basename(ref)}, per output:`);
    for (const o of f.outputs) {
      const sqnr = Number.isFinite(o.sqnrDb) ? `${o.sqnrDb.toFixed(2)} dB` : '∞ dB (identical)';
      lines.push(
        `    ${o.output}: argmax agreement ${pct(o.top1Agreement)}, cosine ${o.meanCosine.toFixed(6)}, SQNR ${sqnr}, max |error| ${o.maxAbsError.toPrecision(4)}`,
      );
    }
  }
  const seconds = r.timeMs / 1000;
  lines.push(
    `  ${r.samples} samples in ${seconds.toFixed(1)} s (${Math.round(r.samples / seconds)}/s), ${backend}, ${threads} thread${threads === 1 ? '' : 's'}`,
  );
  if (r.assumptions) lines.push(`  ${r.assumptions}`);
  return lines.join('\n');
}

const pct = (v: number) => `${(v * 100).toFixed(2)} %`;

/** JSON has no Infinity: a lossless SQNR is written as the string "Infinity". */
function finiteOrString(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? String(value) : value;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0].trim();
}
