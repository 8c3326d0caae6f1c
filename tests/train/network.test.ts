// Whole networks: a small CNN's gradient against finite differences, the zoo models' forward against
// the torch reference outputs, a zoo model's gradient spot-checked, and freezing behind an op without
// a gradient.
import { describe, expect, test } from 'vitest';
import { decodeModel } from '../../src/core/onnx';
import { importModel } from '../../src/core/graph';
import { createReferenceBackend } from '../../src/kernels';
import { createOrtRuntime } from '../../src/core/eval';
import { openTaskDatasetPath } from '../../src/core/tasks/node';
import { backendCompute, float64Compute, loadTrainingData, TrainableModel } from '../../src/core/train';
import { fixture, readIoBin } from '../eval/helpers';
import { ModelBuilder, ints } from '../helpers/model-builder';
import { gradCheck } from './gradcheck';

function smallCnn() {
  return new ModelBuilder({ opset: 13, seed: 11 })
    .input('x', 'float32', [2, 3, 9, 9])
    .initializer('w1', [8, 3, 3, 3])
    .initializer('b1', [8])
    .initializer('s1', [8], { min: 0.5, max: 1.5 })
    .initializer('t1', [8])
    .initializer('m1', [8])
    .initializer('v1', [8], { min: 0.5, max: 1.5 })
    .initializer('w2', [8, 2, 3, 3])
    .initializer('w3', [8, 8, 1, 1])
    .initializer('fc', [5, 8])
    .initializer('fb', [5])
    .node('Conv', ['x', 'w1', 'b1'], ['c1'], { pads: ints([1, 1, 1, 1]), strides: ints([2, 2]) })
    .node('BatchNormalization', ['c1', 's1', 't1', 'm1', 'v1'], ['n1'])
    .node('Relu', ['n1'], ['r1'])
    .node('Conv', ['r1', 'w2'], ['c2'], { pads: ints([1, 1, 1, 1]), group: 4 })
    .node('Conv', ['r1', 'w3'], ['c3'])
    .node('Add', ['c2', 'c3'], ['a'])
    .node('MaxPool', ['a'], ['p'], { kernel_shape: ints([2, 2]), strides: ints([2, 2]) })
    .node('GlobalAveragePool', ['p'], ['g'])
    .node('Flatten', ['g'], ['f'])
    .node('Gemm', ['f', 'fc', 'fb'], ['logits'], { transB: 1 })
    .output('logits', 'float32', [2, 5]);
}

describe('whole networks', () => {
  test('a small CNN (conv, BN, relu, grouped conv, residual add, pools, gemm): every parameter', async () => {
    const x = new Float64Array(2 * 3 * 9 * 9).map((_, i) => Math.sin(i * 0.71) * 1.5);
    const { mismatches, params, checked } = await gradCheck(smallCnn().build().model, {
      feeds: { x: { data: x, shape: [2, 3, 9, 9] } },
      samples: 24,
    });
    expect(params.sort()).toEqual(['b1', 'fb', 'fc', 's1', 't1', 'w1', 'w2', 'w3']);
    expect(checked).toBeGreaterThan(120);
    expect(mismatches).toEqual([]);
  });

  test.each(['fmnist-resnet8', 'fmnist-resnet8-bn', 'fmnist-mobilenetv2'])(
    '%s forward (f32, reference kernels) reproduces the torch logits of 8 test images',
    async (name) => {
      const io = readIoBin(`${name.replace('-bn', '')}.io.bin`);
      const graph = importModel(decodeModel(fixture(`${name}.onnx`)));
      const engine = new TrainableModel(graph, { compute: backendCompute(createReferenceBackend()) });
      const images = 8;
      const input = io.input.subarray(0, images * 784);
      const tape = await engine.forward({ input: { data: input, shape: [images, 1, 28, 28] } });
      const logits = tape.values.get('logits')!.data;
      expect(logits.length).toBe(images * 10);
      let worst = 0;
      for (let i = 0; i < logits.length; i++) worst = Math.max(worst, Math.abs(logits[i] - io.output[i]));
      expect(worst).toBeLessThan(2e-4);
      expect(engine.frozen.params).toEqual([]);
    },
  );

  test('the task segmenter (nearest ×2 and bilinear Resize, Concat) reproduces onnxruntime on 4 images', async () => {
    const bytes = fixture('tasks/seg-unet.onnx');
    const data = await loadTrainingData(await openTaskDatasetPath('tests/fixtures/tasks/calib.npz'), {
      input: { name: 'input', type: 'float32', shape: ['N', 1, 96, 96] },
      preprocess: { scale: 1 / 255 },
      limit: 4,
    });
    const engine = new TrainableModel(importModel(decodeModel(bytes)), {
      compute: backendCompute(createReferenceBackend()),
    });
    const tape = await engine.forward({ input: { data: data.images, shape: [4, 1, 96, 96] } });
    const logits = tape.values.get('logits')!;
    const runtime = await createOrtRuntime({ backend: 'wasm', threads: 1 });
    const session = await runtime.createSession(bytes);
    const want = (await session.run({ input: { type: 'float32', data: data.images, dims: [4, 1, 96, 96] } }))
      .logits;
    await session.release();
    expect(logits.shape).toEqual(want.dims);
    const expected = want.data as Float32Array;
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(logits.data[i] - expected[i]));
    expect(worst).toBeLessThan(1e-4);
  });

  test('fmnist-mobilenetv2 (depthwise, Clip, residuals): gradient spot check in float64', async () => {
    const io = readIoBin('fmnist-mobilenetv2.io.bin');
    const x = Float64Array.from(io.input.subarray(0, 784));
    const { mismatches, checked } = await gradCheck(decodeModel(fixture('fmnist-mobilenetv2.onnx')), {
      feeds: { input: { data: x, shape: [1, 1, 28, 28] } },
      samples: 2,
      seed: 5,
      stride: 7,
    });
    expect(checked).toBeGreaterThan(12);
    expect(mismatches).toEqual([]);
  });

  test('an op without a gradient freezes what lies upstream of it, and names it', async () => {
    const model = new ModelBuilder({ opset: 13, seed: 2 })
      .input('x', 'float32', [1, 4])
      .initializer('a', [4, 4])
      .initializer('b', [4, 3])
      .node('MatMul', ['x', 'a'], ['h'])
      .node('Round', ['h'], ['q'], {}, { name: 'quantise' })
      .node('MatMul', ['q', 'b'], ['y'])
      .output('y', 'float32', [1, 3])
      .build().model;
    const engine = new TrainableModel(importModel(model), { compute: float64Compute, precision: 'f64' });
    expect(engine.frozen).toEqual({ params: ['a'], blockedBy: [{ node: 'quantise', opType: 'Round' }] });
    expect([...engine.params.keys()]).toEqual(['b']);
  });
});
