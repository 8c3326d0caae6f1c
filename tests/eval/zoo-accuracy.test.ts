import { beforeAll, describe, expect, it } from 'vitest';
import { createOrtRuntime, evaluateModel, type Dataset, type InferenceRuntime } from '../../src/core/eval';
import { openDatasetPath } from '../../src/core/eval/node';
import { FIXTURES, FMNIST_SPEC, fixture } from './helpers';
import { join } from 'node:path';

// Published top-1 on all 10,000 Fashion-MNIST test images (shared/zoo/README.md), in percent.
const ZOO = [
  { model: 'fmnist-resnet8.onnx', top1: 91.6 },
  { model: 'fmnist-resnet8-bn.onnx', top1: 91.6 },
  { model: 'fmnist-mobilenetv2.onnx', top1: 91.87 },
  { model: 'fmnist-mobilenetv2-bn.onnx', top1: 91.87 },
];

describe('zoo accuracy through onnxruntime-web wasm', () => {
  let runtime: InferenceRuntime;
  let test: Dataset;
  beforeAll(async () => {
    runtime = await createOrtRuntime({ backend: 'wasm', threads: 1 });
    test = await openDatasetPath(join(FIXTURES, 'fmnist-test'));
  });

  it('reads the whole labelled test split', () => {
    expect(test.size).toBe(10_000);
    expect(test.labels?.length).toBe(10_000);
    // The official split has 1,000 images per class.
    const counts = new Array<number>(10).fill(0);
    for (const l of test.labels ?? []) counts[l]++;
    expect(counts).toEqual(new Array<number>(10).fill(1000));
  });

  it.each(ZOO)('$model reaches $top1 % top-1', async ({ model, top1 }) => {
    const session = await runtime.createSession(fixture(model));
    try {
      const report = await evaluateModel(session, test, { preprocess: FMNIST_SPEC, batchSize: 500 });
      expect(report.samples).toBe(10_000);
      expect(report.assumptions).toBe('');
      expect(Math.abs((report.accuracy?.top1 ?? 0) * 100 - top1)).toBeLessThanOrEqual(0.1);
      expect(report.accuracy?.top5).toBeGreaterThan(report.accuracy?.top1 ?? 1);
    } finally {
      await session.release();
    }
  });
});
