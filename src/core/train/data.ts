/**
 * The user's training images in memory, preprocessed once, with a seeded held-out split. Training
 * revisits every sample each epoch in a new order, so decoding once beats streaming; memory is
 * samples × sample size × 4 bytes (59,000 Fashion-MNIST images: 185 MB).
 */
import { batches, resolvePreprocess, type Dataset, type PreprocessSpec, type ValueMeta } from '../eval';
import { seededRandom } from '../prune';
import { TrainError } from './errors';

export interface TrainingData {
  /** [count, ...sampleDims], preprocessed as the model's input expects. */
  images: Float32Array;
  sampleDims: readonly number[];
  count: number;
  labels?: Int32Array;
  inputName: string;
}

export interface LoadOptions {
  input: ValueMeta;
  preprocess?: PreprocessSpec;
  /** Use at most this many samples (the first ones). */
  limit?: number;
  signal?: AbortSignal;
}

export async function loadTrainingData(dataset: Dataset, options: LoadOptions): Promise<TrainingData> {
  const { preprocess } = resolvePreprocess(options.preprocess, options.input, dataset);
  const count = Math.min(dataset.size, options.limit ?? Infinity);
  if (count < 2) throw new TrainError(`Fine-tuning needs at least 2 samples; ${dataset.name} has ${count}.`);
  const size = preprocess.sampleDims.reduce((a, b) => a * b, 1);
  const images = new Float32Array(count * size);
  const labels = dataset.labels ? new Int32Array(count) : undefined;
  for await (const b of batches(dataset, preprocess, {
    batchSize: 256,
    limit: count,
    signal: options.signal,
  })) {
    images.set(b.input, b.start * size);
    if (labels && b.labels) labels.set(b.labels, b.start);
  }
  return { images, sampleDims: preprocess.sampleDims, count, labels, inputName: preprocess.inputName };
}

/** A seeded permutation of 0…n−1 (Fisher–Yates). */
export function shuffled(n: number, random: () => number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** Splits sample indices into training and held-out sets (held-out: `fraction` of them, ≥ 1 when > 0). */
export function splitHeldOut(
  count: number,
  fraction: number,
  seed: number,
): { train: Int32Array; heldOut: Int32Array } {
  const order = shuffled(count, seededRandom(seed));
  const held = fraction > 0 ? Math.max(1, Math.min(count - 1, Math.round(count * fraction))) : 0;
  return { train: order.subarray(held), heldOut: order.subarray(0, held) };
}

/** Copies the samples at `indices` into `out` (and their labels into `labels`). */
export function gather(
  data: TrainingData,
  indices: ArrayLike<number>,
  out: Float32Array,
  labels?: Int32Array,
): void {
  const size = data.images.length / data.count;
  for (let i = 0; i < indices.length; i++) {
    const s = indices[i];
    out.set(data.images.subarray(s * size, (s + 1) * size), i * size);
    if (labels && data.labels) labels[i] = data.labels[s];
  }
}
