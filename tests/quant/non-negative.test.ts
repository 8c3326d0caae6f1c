/**
 * Calibration asks the runtime for the max alone of tensors that cannot be negative: which tensors
 * those are, that their ranges still give the quantization parameters of the true min/max, and that
 * the reduction model carries one ReduceMin fewer for each.
 */
import { describe, expect, it } from 'vitest';
import { exportModel, importModel, inferShapes } from '../../src/core/graph';
import { decodeModel, encodeModel } from '../../src/core/onnx';
import {
  activationParams,
  calibrateWithReport,
  calibrationTensors,
  planQuantization,
  prepareWithReport,
} from '../../src/core/quant';
import { nonNegativeTensors } from '../../src/core/quant/calib/non-negative';
import { withRangeOutputs } from '../../src/core/quant/calib/range-outputs';
import { ModelBuilder } from '../helpers/model-builder';
import { calibFeeds, exposedRanges, fixture, nativeRuntime } from './helpers';

describe('nonNegativeTensors', () => {
  it('follows Relu, Sigmoid, clips at or above 0 and the ops that only move or average their values', () => {
    const graph = importModel(
      new ModelBuilder({ opset: 13, seed: 1 })
        .input('x', 'float32', [1, 4, 8, 8])
        .initializer('zero', [], [0])
        .initializer('six', [], [6])
        .initializer('minusOne', [], [-1])
        .initializer('shape', [2], [1, -1])
        .node('Relu', ['x'], ['r'])
        .node('MaxPool', ['r'], ['p'], { kernel_shape: [2, 2], strides: [2, 2] })
        .node('GlobalAveragePool', ['p'], ['g'])
        .node('Reshape', ['g', 'shape'], ['flat'])
        .node('Clip', ['x', 'zero', 'six'], ['c6'])
        .node('Clip', ['x', 'minusOne', 'six'], ['c1'])
        .node('Sigmoid', ['x'], ['s'])
        .node('Add', ['r', 'c6'], ['sum'])
        .node('Concat', ['r', 'c6'], ['both'], { axis: 1 })
        .node('Concat', ['r', 'x'], ['mixed'], { axis: 1 })
        .node('Flatten', ['c1'], ['f1'])
        .output('flat', 'float32')
        .output('s', 'float32')
        .output('sum', 'float32')
        .output('both', 'float32')
        .output('mixed', 'float32')
        .output('f1', 'float32')
        .build().model,
    );
    const sure = nonNegativeTensors(graph);
    for (const v of ['r', 'p', 'g', 'flat', 'c6', 's', 'both']) expect(sure.has(v), v).toBe(true);
    // A sum of non-negative tensors is, but Add is not followed (its inputs could be anything).
    for (const v of ['x', 'c1', 'sum', 'mixed', 'f1', 'shape']) expect(sure.has(v), v).toBe(false);
  });

  it('fmnist-resnet8: the max alone for most tensors, and the same quantization parameters as the true ranges', async () => {
    const { graph } = prepareWithReport(importModel(decodeModel(fixture('fmnist-resnet8.onnx'))));
    const bytes = encodeModel(exportModel(graph));
    const plan = planQuantization(graph, inferShapes(graph), {});
    const names = calibrationTensors(plan).filter((n) => n !== 'input');
    const sure = names.filter((n) => nonNegativeTensors(graph).has(n));
    expect(sure.length).toBeGreaterThanOrEqual(names.length / 2);

    const reduced = decodeModel(withRangeOutputs(decodeModel(bytes), names, new Set(sure)).bytes);
    const count = (op: string) => reduced.graph!.node.filter((n) => n.opType === op).length;
    expect(count('ReduceMax')).toBe(names.length);
    expect(count('ReduceMin')).toBe(names.length - sure.length);

    const runtime = await nativeRuntime();
    const r = await calibrateWithReport(bytes, plan, () => calibFeeds(200), runtime, {
      memoryBudget: 1024 ** 3,
    });
    // The true ranges over the same samples, from every activation exposed.
    const truth = await exposedRanges(bytes, names, 200);
    for (const n of sure) {
      expect(truth[n].min, n).toBeGreaterThanOrEqual(0);
      expect(r.ranges[n].min, n).toBe(0);
    }
    for (const n of names)
      for (const type of ['uint8', 'int8'] as const) {
        const got = activationParams(r.ranges[n], type);
        const want = activationParams(truth[n], type);
        expect(got.zeroPoint, n).toBe(want.zeroPoint);
        // Batches of 32 against 50 block onnxruntime's convolutions differently: float rounding apart.
        expect(Math.abs(got.scale / want.scale - 1), n).toBeLessThan(1e-5);
      }
  });
});
