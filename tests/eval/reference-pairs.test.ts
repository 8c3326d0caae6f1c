import { beforeAll, describe, expect, it } from 'vitest';
import {
  batches,
  createOrtRuntime,
  resolvePreprocess,
  type Dataset,
  type InferenceRuntime,
} from '../../src/core/eval';
import { openDatasetPath } from '../../src/core/eval/node';
import { FIXTURES, FMNIST_SPEC, fixture, readIoBin } from './helpers';
import { join } from 'node:path';

const PAIRS = [
  { io: 'fmnist-resnet8.io.bin', models: ['fmnist-resnet8.onnx', 'fmnist-resnet8-bn.onnx'] },
  { io: 'fmnist-mobilenetv2.io.bin', models: ['fmnist-mobilenetv2.onnx', 'fmnist-mobilenetv2-bn.onnx'] },
];

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('FMIO reference pairs', () => {
  let runtime: InferenceRuntime;
  let test: Dataset;
  let first32: Float32Array;
  beforeAll(async () => {
    runtime = await createOrtRuntime({ backend: 'wasm', threads: 1 });
    test = await openDatasetPath(join(FIXTURES, 'fmnist-test'));
    const input = { name: 'input', type: 'float32' as const, shape: ['batch', 1, 28, 28] };
    const { preprocess } = resolvePreprocess(FMNIST_SPEC, input, test);
    const iterator = batches(test, preprocess, { batchSize: 32, limit: 32 });
    const batch = (await iterator.next()).value;
    if (!batch) throw new Error('no batch');
    expect(batch.dims).toEqual([32, 1, 28, 28]);
    first32 = batch.input;
  });

  it.each(PAIRS)('IDX test images 0–31 preprocess to the inputs of $io', ({ io }) => {
    const ref = readIoBin(io);
    expect(ref.inputDims).toEqual([32, 1, 28, 28]);
    expect(maxAbsDiff(first32, ref.input)).toBeLessThan(1e-6);
  });

  it.each(PAIRS)('both variants reproduce the logits of $io', async ({ io, models }) => {
    const ref = readIoBin(io);
    for (const model of models) {
      const session = await runtime.createSession(fixture(model));
      const out = await session.run({ input: { type: 'float32', data: first32, dims: [32, 1, 28, 28] } });
      const logits = out.logits.data as Float32Array;
      expect(out.logits.dims).toEqual(ref.outputDims);
      expect(maxAbsDiff(logits, ref.output), model).toBeLessThan(1e-4);
      await session.release();
    }
  });
});
