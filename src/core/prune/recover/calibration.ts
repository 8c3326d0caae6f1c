/**
 * Calibration data for data-aware criteria and recovery: a re-iterable source of model feeds, and a
 * pass that runs a graph over it with chosen inner tensors exposed.
 */
import {
  batches,
  resolvePreprocess,
  type Dataset,
  type InferenceRuntime,
  type PreprocessSpec,
  type TensorData,
  type ValueMeta,
} from '../../eval';
import { exportModel, inferShapes, typeProtoOf, type Graph } from '../../graph';
import { emptyNode, emptyValueInfo, encodeModel } from '../../onnx';
import { prefixModel } from './prefix';

/** Feeds by input name, one batch at a time; callable again for another pass. */
export type CalibrationBatches = () => AsyncIterable<Readonly<Record<string, TensorData>>>;

/** A source over batches already in memory. */
export function calibrationFromFeeds(feeds: readonly Readonly<Record<string, TensorData>>[]): CalibrationBatches {
  return async function* () {
    yield* feeds;
  };
}

export interface CalibrationOptions {
  /** The model input the samples feed (`name`, `shape` as the model declares it). */
  input: ValueMeta;
  preprocess?: PreprocessSpec;
  /** Samples to use (default: all). */
  limit?: number;
  /** Samples per batch (default 100). */
  batchSize?: number;
  /** Called after each batch with the samples read so far. */
  onProgress?: (samples: number) => void;
}

/**
 * Decodes and preprocesses `limit` samples of `dataset` once, into memory, as a re-iterable source
 * (calibration sets are small; recovery makes many passes over them).
 */
export async function calibrationFromDataset(
  dataset: Dataset,
  options: CalibrationOptions,
): Promise<CalibrationBatches> {
  const { preprocess } = resolvePreprocess(options.preprocess, options.input, dataset);
  const list: Record<string, TensorData>[] = [];
  let samples = 0;
  for await (const b of batches(dataset, preprocess, { batchSize: options.batchSize ?? 100, limit: options.limit })) {
    list.push({ [preprocess.inputName]: { type: 'float32', data: b.input, dims: b.dims } });
    samples += b.dims[0];
    options.onProgress?.(samples);
  }
  return calibrationFromFeeds(list);
}

/** One batch of a capture pass: the feeds and the requested tensors. */
export interface CapturedBatch {
  feeds: Readonly<Record<string, TensorData>>;
  values: Record<string, TensorData>;
}

/**
 * Runs `graph` over every calibration batch and yields the tensors `names` (graph inputs come from
 * the feeds; node outputs are exposed as extra graph outputs for the pass).
 */
export async function* capture(
  runtime: InferenceRuntime,
  graph: Graph,
  names: readonly string[],
  calibration: CalibrationBatches,
): AsyncGenerator<CapturedBatch> {
  const fromNodes = [...new Set(names)].filter((n) => !graph.isGraphInput(n));
  // Each tensor is exposed through an Identity, with its inferred type: onnxruntime-web (1.30)
  // returns no data for a fused Conv's output exposed directly (Conv + Add), nor for an untyped output.
  const shapes = inferShapes(graph);
  const model = exportModel(graph, shapes);
  const exposed = new Map<string, string>();
  for (const name of fromNodes) {
    const out = graph.uniqueName(`${name}::capture`);
    exposed.set(name, out);
    const t = shapes.types.get(name);
    model.graph!.node.push(emptyNode({ opType: 'Identity', name: out, input: [name], output: [out] }));
    model.graph!.output.push(emptyValueInfo({ name: out, ...(t ? { type: typeProtoOf(t) } : {}) }));
  }
  // Only the exposed tensors and what they need: a pass over the first layers runs only those.
  if (exposed.size) prefixModel(model, [...exposed.values()]);
  const bytes = encodeModel(model);
  // Without onnxruntime's rewrites: its Pad + AveragePool/Conv fusion drops the producer's edge to the
  // pool, Identity elimination then renames the exposed tensor away, and the model no longer loads
  // ("Node input '…/Conv_output_0' is not a graph input …", DenseNet's transitions).
  const session = await runtime.createSession(bytes, { optimize: false, interleaved: true });
  try {
    for await (const feeds of calibration()) {
      const out = exposed.size ? await session.run(feeds, [...exposed.values()]) : {};
      const values: Record<string, TensorData> = {};
      for (const [name, as] of exposed) values[name] = out[as];
      for (const n of names) if (graph.isGraphInput(n)) values[n] = feeds[n];
      yield { feeds, values };
    }
  } finally {
    await session.release();
  }
}
