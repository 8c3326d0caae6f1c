/** `whittle eval MODEL --data DIR|FILE …`: accuracy on a labelled set, fidelity against a reference model. */
import { basename } from 'node:path';
import {
  createOrtRuntime,
  DatasetError,
  PreprocessError,
  type Backend,
  type EvaluationReport,
  type RuntimeSession,
  type TaskScore,
} from '../../core/eval';
import { readPreprocessArg } from '../../core/eval/node';
import { DEFAULT_TASK, evaluateTask, resolveTask, TaskError, type TaskKind } from '../../core/tasks';
import { openTaskDatasetPath, readPriors } from '../../core/tasks/node';
import { onePositional, parseCommandArgs } from '../args';
import { UserError } from '../errors';
import { readModelFile } from '../model-file';

export const summary = 'accuracy on a dataset, or fidelity against a reference model';

const usage = `Usage: whittle eval MODEL.onnx --data DIR|FILE [options]

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
  --json                print the report as JSON`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('eval', argv, {
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
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const modelPath = onePositional('eval', positionals, 'MODEL.onnx path');
  if (!values.data) throw new UserError('eval: --data is required; see `whittle eval --help`.');
  const backend = values.backend ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'native')
    throw new UserError(`eval: --backend must be wasm or native, not "${backend}".`);
  const batchSize = positiveInt('batch', values.batch) ?? 64;
  const limit = positiveInt('limit', values.limit);
  const threads = positiveInt('threads', values.threads);
  const kind = values.task ?? 'auto';
  if (!['auto', 'classification', 'segmentation', 'detection', 'outputs'].includes(kind))
    throw new UserError(
      `eval: --task must be auto, classification, segmentation, detection or outputs, not "${kind}".`,
    );
  const ignoreIndex =
    values['ignore-index'] === undefined ? DEFAULT_TASK.ignoreIndex : Number(values['ignore-index']);
  if (!Number.isInteger(ignoreIndex) || ignoreIndex < 0)
    throw new UserError(
      `eval: --ignore-index must be a non-negative integer, not "${values['ignore-index']}".`,
    );

  try {
    const preprocess = values.preprocess ? await readPreprocessArg(values.preprocess) : undefined;
    const hint = kind === 'auto' ? undefined : (kind as TaskKind);
    const dataset = await openTaskDatasetPath(values.data, values.labels, hint);
    if (!dataset.labels && !dataset.targets && !values.ref) {
      throw new UserError(
        `eval: ${values.data} has no labels, masks or boxes; pass --labels for accuracy or --ref for fidelity.`,
      );
    }
    const priors = values.priors ? await readPriors(values.priors) : undefined;
    const runtime = await createOrtRuntime({ backend: backend as Backend, threads });
    const session = await load(runtime.createSession.bind(runtime), modelPath);
    const reference = values.ref ? await load(runtime.createSession.bind(runtime), values.ref) : undefined;
    const decision = resolveTask(
      { ...DEFAULT_TASK, kind: kind as TaskKind | 'auto', ignoreIndex },
      session.outputs,
      dataset,
      priors,
    );
    const report = await evaluateTask(session, dataset, decision.task, {
      preprocess,
      batchSize,
      limit,
      reference,
    });
    const result = {
      model: modelPath,
      ref: values.ref,
      data: dataset.description,
      task: { kind: decision.task.kind, reason: decision.reason },
      backend,
      threads: runtime.threads,
      batch: batchSize,
      ...report,
    };
    console.log(
      values.json
        ? JSON.stringify(result, finiteOrString, 2)
        : formatReport(
            basename(modelPath),
            dataset.description,
            { ...report, taskLine: `task: ${decision.task.kind} (${decision.reason})` },
            backend,
            runtime.threads,
            values.ref,
          ),
    );
    return 0;
  } catch (e) {
    if (e instanceof DatasetError || e instanceof PreprocessError || e instanceof TaskError)
      throw new UserError(`eval: ${e.message}`);
    throw e;
  }
}

async function load(
  create: (bytes: Uint8Array) => Promise<RuntimeSession>,
  path: string,
): Promise<RuntimeSession> {
  // Self-contained bytes: external data is inlined, since onnxruntime gets no folder to look in.
  const { bytes } = await readModelFile(path);
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
  r: EvaluationReport & { score?: TaskScore; taskLine: string },
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
  if (r.accuracy)
    lines.push(
      `  top-1 ${pct(r.accuracy.top1)}   top-5 ${pct(r.accuracy.top5)}   (${r.accuracy.count} samples)`,
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

function positiveInt(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new UserError(`eval: --${flag} must be a positive integer, not "${text}".`);
  return n;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0].trim();
}
