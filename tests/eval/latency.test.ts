import { describe, expect, it } from 'vitest';
import { compareLatency, createOrtRuntime, measureLatency, syntheticFeeds } from '../../src/core/eval';
import { fixture } from './helpers';

describe('latency', () => {
  it('times models interleaved and reports order statistics, bytes and ratios', async () => {
    const runtime = await createOrtRuntime({ backend: 'wasm', threads: 1 });
    const models = [
      { label: 'resnet8', bytes: fixture('fmnist-resnet8.onnx') },
      { label: 'mobilenetv2', bytes: fixture('fmnist-mobilenetv2.onnx') },
    ];
    const result = await compareLatency(runtime, models, { warmup: 1, runs: 5, batch: 4 });
    expect(result.models.map((m) => m.label)).toEqual(['resnet8', 'mobilenetv2']);
    for (const [i, m] of result.models.entries()) {
      expect(m).toMatchObject({
        backend: 'wasm',
        threads: 1,
        batch: 4,
        warmup: 1,
        runs: 5,
        modelBytes: models[i].bytes.byteLength,
      });
      expect(m.p10Ms).toBeLessThanOrEqual(m.medianMs);
      expect(m.medianMs).toBeLessThanOrEqual(m.p90Ms);
      expect(m.sessionCreateMs).toBeGreaterThan(0);
      expect(m.samplesPerSecond).toBeCloseTo(4000 / m.medianMs, 6);
    }
    expect(result.ratios).toHaveLength(1);
    expect(result.ratios[0]).toMatchObject({ a: 'resnet8', b: 'mobilenetv2' });
    expect(result.ratios[0].ratio).toBeGreaterThan(0);
  });

  it('runs on onnxruntime-node as the native backend', async () => {
    const runtime = await createOrtRuntime({ backend: 'native', threads: 1 });
    const stats = await measureLatency(
      runtime,
      { label: 'resnet8', bytes: fixture('fmnist-resnet8.onnx') },
      { warmup: 1, runs: 3 },
    );
    expect(stats).toMatchObject({ backend: 'native', threads: 1, batch: 1, runs: 3 });
  });

  it('makes inputs for a symbolic batch and refuses other symbolic dims', () => {
    const feeds = syntheticFeeds([{ name: 'input', type: 'float32', shape: ['batch', 1, 28, 28] }], 3);
    expect(feeds.input.dims).toEqual([3, 1, 28, 28]);
    expect(feeds.input.data.length).toBe(3 * 784);
    expect(() => syntheticFeeds([{ name: 'x', type: 'float32', shape: ['b', 'h', 4] }], 1)).toThrow(
      /symbolic dim 'h'/,
    );
  });
});
