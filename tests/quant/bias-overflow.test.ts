/**
 * A classifier whose input range is tiny (activations ~1e-6, as deep random-weight exports produce):
 * the bias scale s_x·s_w is ~1e-11, so the int32 bias b/(s_x·s_w) ~1e10 cannot be stored. Clamped to
 * 2³¹ − 1 it became a far smaller bias and the output collapsed with no warning (GoogLeNet's `fc`,
 * cosine 0.036). The bias must stay float, the output must match the float model, and every report
 * must name the node.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { run as quantize } from '../../src/cli/commands/quantize';
import { openDatasetPath } from '../../src/core/eval/node';
import { parseRecipe, runPipeline } from '../../src/core/pipeline';
import { INT32_LIMIT, quantizeModel, type QuantizeResult } from '../../src/core/quant';
import { createReferenceBackend } from '../../src/kernels';
import { ModelBuilder } from '../helpers/model-builder';
import { calibFeeds, FIXTURES, FMNIST_SPEC, gaussian, nativeRuntime } from './helpers';

const BIAS = [0.3, -0.2, 0.5, 0.1, -0.4, 0.25, -0.15, 0.05, 0.35, -0.3];

/** Conv 1→8 with weights and bias ×1e-6, Relu, average pool, Gemm 8→10 with ordinary weights and `BIAS`. */
function tinyInputClassifier(): Uint8Array {
  const w1 = gaussian(8 * 9, 3).map((v) => v * 1e-6);
  const b1 = gaussian(8, 4).map((v) => v * 1e-7);
  return new ModelBuilder({ seed: 5 })
    .input('input', 'float32', ['batch', 1, 28, 28])
    .initializer('conv.weight', [8, 1, 3, 3], w1)
    .initializer('conv.bias', [8], b1)
    .initializer('fc.weight', [10, 8])
    .initializer('fc.bias', [10], BIAS)
    .node('Conv', ['input', 'conv.weight', 'conv.bias'], ['c'], { pads: [1, 1, 1, 1] }, { name: 'conv' })
    .node('Relu', ['c'], ['r'], {}, { name: 'relu' })
    .node('GlobalAveragePool', ['r'], ['p'], {}, { name: 'pool' })
    .node('Flatten', ['p'], ['f'], {}, { name: 'flatten' })
    .node('Gemm', ['f', 'fc.weight', 'fc.bias'], ['logits'], { transB: 1 }, { name: 'fc' })
    .output('logits', 'float32', ['batch', 10])
    .build().bytes;
}

/** Cosine similarity of two vectors after subtracting `offset` (repeated per row) from both. */
function cosine(a: Float32Array, b: Float32Array, offset: readonly number[] = []): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const o = offset.length ? offset[i % offset.length] : 0;
    ab += (a[i] - o) * (b[i] - o);
    aa += (a[i] - o) ** 2;
    bb += (b[i] - o) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

async function logits(bytes: Uint8Array, input: Float32Array): Promise<Float32Array> {
  const session = await (await nativeRuntime()).createSession(bytes);
  try {
    const out = await session.run({ input: { type: 'float32', data: input, dims: [16, 1, 28, 28] } });
    return out.logits.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('an int32 bias that would overflow', () => {
  const model = tinyInputClassifier();
  let result: QuantizeResult;

  beforeAll(async () => {
    result = await quantizeModel(model, { runtime: await nativeRuntime(), calibration: calibFeeds(200) });
  });

  it('stays float, and the INT8 model computes what the float one does', async () => {
    expect(result.floatBiases.map((b) => [b.node, b.bias])).toEqual([['fc', 'fc.bias']]);
    expect(result.floatBiases[0].peak).toBeGreaterThan(INT32_LIMIT);
    const input = gaussian(16 * 28 * 28, 9);
    const [float, int8] = [await logits(model, input), await logits(result.bytes, input)];
    expect(cosine(float, int8)).toBeGreaterThan(0.9999);
    // The input-dependent part (≈1e-5 of the bias) still goes through the quantized weights.
    expect(cosine(float, int8, BIAS)).toBeGreaterThan(0.95);
  });

  it('is named per node in the fusion report; the other biases are int32', () => {
    const fc = result.fusion.units.find((u) => u.node === 'fc')!;
    expect(fc.fused).toBe(false);
    expect(fc.reason).toMatch(/bias stays float/);
    expect(result.fusion.units.find((u) => u.node === 'conv')!.fused).toBe(true);
    expect(result.quantized.initializers.has('conv.bias_q')).toBe(true);
    expect(result.quantized.initializers.has('fc.bias')).toBe(true);
  });

  it('is listed per stage in the pipeline result', async () => {
    const r = await runPipeline({
      model,
      recipe: parseRecipe({
        version: 1,
        prune: { enabled: false },
        data: { preprocess: FMNIST_SPEC, calibrationSamples: 100, batchSize: 50 },
        evaluate: { runs: 1, warmup: 0 },
      }),
      calibration: await openDatasetPath(join(FIXTURES, 'fmnist-calib')),
      runtime: await nativeRuntime(),
      kernels: createReferenceBackend(),
    });
    expect(r.floatBiases.map((b) => [b.stage, b.node])).toEqual([['int8', 'fc']]);
  });

  describe('whittle quantize', () => {
    const dir = mkdtempSync(join(tmpdir(), 'whittle-bias-'));
    const path = join(dir, 'tiny.onnx');
    writeFileSync(path, model);
    const args = [
      path,
      '--calib',
      join(FIXTURES, 'fmnist-calib'),
      '--preprocess',
      JSON.stringify(FMNIST_SPEC),
      '--samples',
      '100',
    ];
    afterEach(() => vi.restoreAllMocks());

    it('warns in its text output and lists the bias in --json', async () => {
      const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
      expect(await quantize([...args, '--out', join(dir, 'a.onnx')])).toBe(0);
      expect(log.mock.calls.join('\n')).toMatch(/warning: Bias 'fc\.bias' of 'fc' kept in float/);
      log.mockClear();
      expect(await quantize([...args, '--out', join(dir, 'b.onnx'), '--json'])).toBe(0);
      const report = JSON.parse(log.mock.calls.join('\n'));
      expect(report.floatBiases.map((b: { node: string }) => b.node)).toEqual(['fc']);
      expect(readFileSync(join(dir, 'b.onnx')).length).toBe(report.bytes.int8);
    });
  });
});
