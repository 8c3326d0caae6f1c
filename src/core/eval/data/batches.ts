import { DatasetError } from '../errors';
import type { Dataset, Sample } from './dataset';
import { PixelWriter } from './pixels';
import type { ResolvedPreprocess } from './resolve-preprocess';

/** One model-ready batch. `input` is fresh for every batch, so a consumer may keep it. */
export interface DatasetBatch {
  readonly input: Float32Array;
  /** `[n, ...sampleDims]`. */
  readonly dims: readonly number[];
  /** Labels of these samples when the dataset has them. */
  readonly labels?: Int32Array;
  /** Index of the first sample in the dataset. */
  readonly start: number;
}

export interface BatchOptions {
  readonly batchSize: number;
  /** Use only the first `limit` samples. */
  readonly limit?: number;
  readonly signal?: AbortSignal;
}

/**
 * Streams a dataset as batches. Samples are read (decoded) one batch at a time, the next batch's read
 * overlapping the consumer's work on this one, so memory holds at most two batches of decoded samples.
 */
export async function* batches(
  dataset: Dataset,
  pre: ResolvedPreprocess,
  options: BatchOptions,
): AsyncGenerator<DatasetBatch> {
  const total = Math.min(dataset.size, options.limit ?? Infinity);
  const size = Math.max(1, Math.min(options.batchSize, pre.fixedBatch ?? Infinity));
  const sampleLength = pre.sampleDims.reduce((a, b) => a * b, 1);
  const writer = new PixelWriter(pre);
  let pending: Promise<Sample[]> | undefined = total > 0 ? dataset.read(0, Math.min(size, total)) : undefined;
  for (let start = 0; start < total; start += size) {
    options.signal?.throwIfAborted();
    const samples = await (pending as Promise<Sample[]>);
    const next = start + size;
    pending = next < total ? dataset.read(next, Math.min(size, total - next)) : undefined;
    // Whatever the consumer does, a failed prefetch must not surface as an unhandled rejection.
    pending?.catch(() => undefined);
    const n = samples.length;
    const input = new Float32Array(n * sampleLength);
    for (let i = 0; i < n; i++) fill(samples[i], pre, writer, input, i, sampleLength);
    const labels = dataset.labels?.subarray(start, start + n);
    yield { input, dims: [n, ...pre.sampleDims], labels, start };
  }
}

function fill(
  sample: Sample,
  pre: ResolvedPreprocess,
  writer: PixelWriter,
  out: Float32Array,
  i: number,
  length: number,
): void {
  if (sample.kind === 'image') {
    if (pre.asIs)
      throw new DatasetError(
        sample.path,
        `${sample.path} is an image but the dataset was planned as tensors.`,
      );
    writer.write(sample.image, sample.path, out, i);
    return;
  }
  if (sample.data.length !== length) {
    throw new DatasetError(
      sample.path,
      `Wrong sample shape: ${sample.path} has ${sample.data.length} values, the model input takes ${length}.`,
    );
  }
  const offset = i * length;
  const data = sample.data;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let k = 0; k < length; k++) out[offset + k] = Number(data[k]);
  } else {
    out.set(data, offset);
  }
}
