/** Dataset → calibration feeds, through the eval module's preprocessing and batching. */
import { batches, resolvePreprocess, type Dataset, type PreprocessSpec, type ValueMeta } from '../../eval';
import type { Feeds } from './calibrate';

export interface FeedOptions {
  readonly preprocess?: PreprocessSpec;
  /** Samples per batch (default 32). */
  readonly batchSize?: number;
  /** Use only the first `limit` samples. */
  readonly limit?: number;
  readonly signal?: AbortSignal;
}

/** Batches of `dataset` as feeds for model input `input`, streamed (one batch decoded at a time). */
export async function* datasetFeeds(
  dataset: Dataset,
  input: ValueMeta,
  options: FeedOptions = {},
): AsyncGenerator<Feeds> {
  const { preprocess } = resolvePreprocess(options.preprocess, input, dataset);
  for await (const b of batches(dataset, preprocess, {
    batchSize: options.batchSize ?? 32,
    limit: options.limit,
    signal: options.signal,
  })) {
    yield { [preprocess.inputName]: { type: 'float32', data: b.input, dims: b.dims } };
  }
}
