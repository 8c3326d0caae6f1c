/**
 * Shape inference per op family, on builder-made models with symbolic inputs, against onnxruntime:
 * every node output is compared, with the input symbols bound to the sizes of the run.
 */
import { describe, expect, it } from 'vitest';
import { DataType, makeTensor, type Tensor } from '../../src/core/onnx';
import { float, ModelBuilder } from '../helpers/model-builder';
import { compareWithRuntime } from './shape-check';

const i64 = (name: string, values: (number | bigint)[], dims = [values.length]): Tensor =>
  makeTensor(name, DataType.INT64, dims, BigInt64Array.from(values.map((v) => BigInt(v))));
const f32 = (name: string, values: number[], dims = [values.length]): Tensor =>
  makeTensor(name, DataType.FLOAT, dims, new Float32Array(values));
const INT64_MAX = 9223372036854775807n;

interface Case {
  name: string;
  opset: number;
  /** Input sizes of the run; the model declares the symbolic form. */
  sizes: Record<string, number[]>;
  build: (b: ModelBuilder) => ModelBuilder;
}

const CASES: Case[] = [
  {
    name: 'Conv: groups, dilations, strides, pads, auto_pad',
    opset: 13,
    sizes: { x: [2, 4, 17, 23] },
    build: (b) =>
      b
        .input('x', 'float32', ['N', 4, 'H', 'W'])
        .initializer('w1', [8, 4, 3, 3])
        .initializer('b1', [8])
        .initializer('w2', [8, 2, 3, 3])
        .initializer('w3', [6, 8, 3, 3])
        .initializer('w4', [6, 8, 4, 4])
        .initializer('w5', [6, 8, 3, 2])
        .node('Conv', ['x', 'w1', 'b1'], ['c1'], { strides: [2, 2], pads: [1, 1, 1, 1] })
        .node('Conv', ['c1', 'w2'], ['c2'], { group: 4, dilations: [2, 3], pads: [2, 1, 0, 3] })
        .node('Conv', ['c1', 'w3'], ['c3'], { auto_pad: 'SAME_UPPER', strides: [2, 2] })
        .node('Conv', ['c1', 'w4'], ['c4'], { auto_pad: 'SAME_LOWER', strides: [3, 2] })
        .node('Conv', ['c1', 'w5'], ['c5'], { auto_pad: 'VALID', strides: [2, 1] })
        .output('c2', 'float32'),
  },
  {
    name: 'ConvTranspose: strides, pads, output_padding, group, output_shape, dilations, SAME_UPPER',
    opset: 13,
    sizes: { x: [1, 4, 7, 9] },
    build: (b) =>
      b
        .input('x', 'float32', ['N', 4, 'H', 'W'])
        .initializer('w1', [4, 3, 3, 3])
        .initializer('w2', [4, 2, 2, 2])
        .initializer('w3', [4, 5, 3, 3])
        .node('ConvTranspose', ['x', 'w1'], ['t1'], {
          strides: [2, 2],
          pads: [1, 1, 1, 1],
          output_padding: [1, 0],
        })
        .node('ConvTranspose', ['x', 'w2'], ['t2'], { strides: [2, 2], group: 2 })
        .node('ConvTranspose', ['x', 'w3'], ['t3'], { strides: [2, 2], output_shape: [15, 20] })
        .node('ConvTranspose', ['x', 'w3'], ['t4'], { strides: [2, 3], auto_pad: 'SAME_UPPER' })
        .node('ConvTranspose', ['x', 'w1'], ['t5'], { dilations: [2, 2], pads: [0, 1, 2, 0] })
        .output('t1', 'float32'),
  },
  {
    name: 'pooling: ceil_mode, count_include_pad, dilations, auto_pad, global, indices',
    opset: 13,
    sizes: { x: [2, 3, 15, 20] },
    build: (b) =>
      b
        .input('x', 'float32', ['N', 3, 'H', 'W'])
        .node('MaxPool', ['x'], ['p1'], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 })
        .node('MaxPool', ['x'], ['p2', 'p2i'], { kernel_shape: [3, 2], strides: [2, 2], pads: [1, 0, 1, 1] })
        .node('MaxPool', ['x'], ['p3'], { kernel_shape: [2, 2], dilations: [2, 2], strides: [1, 2] })
        .node('MaxPool', ['x'], ['p4'], { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' })
        .node('AveragePool', ['x'], ['a1'], {
          kernel_shape: [3, 3],
          strides: [2, 2],
          pads: [1, 1, 1, 1],
          count_include_pad: 1,
          ceil_mode: 1,
        })
        .node('AveragePool', ['x'], ['a2'], { kernel_shape: [2, 4], strides: [2, 4] })
        // the last window would start in the tail padding: onnxruntime drops it
        .node('MaxPool', ['x'], ['p5'], {
          kernel_shape: [2, 2],
          strides: [2, 2],
          pads: [0, 0, 1, 1],
          ceil_mode: 1,
        })
        .node('GlobalAveragePool', ['x'], ['g1'])
        .node('GlobalMaxPool', ['x'], ['g2'])
        .output('g1', 'float32'),
  },
  {
    name: 'Gemm (transA/transB) and MatMul (batched, broadcasting, 1-D)',
    opset: 13,
    sizes: { x: [3, 12], y: [3, 2, 4, 5] },
    build: (b) =>
      b
        .input('x', 'float32', ['N', 12])
        .input('y', 'float32', ['N', 2, 4, 5])
        .initializer('wb', [10, 12])
        .initializer('bb', [10])
        .initializer('wa', [12, 7])
        .initializer('m1', [5, 6])
        .initializer('m2', [2, 5, 3])
        .initializer('v5', [5])
        .initializer('v4', [4])
        .node('Gemm', ['x', 'wb', 'bb'], ['g1'], { transB: 1 })
        .node('Transpose', ['x'], ['xt'])
        .node('Gemm', ['xt', 'wa'], ['g2'], { transA: 1, alpha: float(0.5) })
        .node('MatMul', ['y', 'm1'], ['mm1'])
        .node('MatMul', ['y', 'm2'], ['mm2'])
        .node('MatMul', ['y', 'v5'], ['mm3'])
        .node('MatMul', ['v4', 'y'], ['mm4'])
        .output('g1', 'float32'),
  },
  {
    name: 'normalizations: BatchNormalization, InstanceNormalization, LayerNormalization',
    opset: 17,
    sizes: { x: [2, 4, 5, 6] },
    build: (b) =>
      b
        .input('x', 'float32', ['N', 4, 'H', 'W'])
        .initializer('s', [4])
        .initializer('bias', [4])
        .initializer('mean', [4])
        .initializer('var', [4], { min: 0.5, max: 1.5 })
        .initializer('ls', [5, 6])
        .node('BatchNormalization', ['x', 's', 'bias', 'mean', 'var'], ['bn'])
        .node('InstanceNormalization', ['x', 's', 'bias'], ['in'])
        .node('LayerNormalization', ['x', 'ls'], ['ln', 'ln_mean', 'ln_inv'], { axis: -2 })
        .output('bn', 'float32'),
  },
  {
    name: 'elementwise with numpy broadcasting, comparisons, logic, Where',
    opset: 13,
    sizes: { x: [2, 3, 4, 5], y: [5], z: [4, 1] },
    build: (b) =>
      b
        .input('x', 'float32', ['N', 3, 'H', 'W'])
        .input('y', 'float32', ['W'])
        .input('z', 'float32', ['H', 1])
        .initializer('c', [3, 1, 1])
        .node('Add', ['x', 'c'], ['add'])
        .node('Sub', ['y', 'x'], ['sub'])
        .node('Mul', ['z', 'y'], ['mul'])
        .node('Div', ['x', 'z'], ['div'])
        .node('Abs', ['x'], ['ax'])
        .node('Pow', ['ax', 'c'], ['pow'])
        .node('Max', ['x', 'y', 'z'], ['max'])
        .node('Min', ['z', 'c'], ['min'])
        .node('Sum', ['x', 'c', 'y'], ['sum'])
        .node('Mean', ['z', 'y'], ['mean'])
        .node('Equal', ['x', 'y'], ['eq'])
        .node('Less', ['z', 'c'], ['lt'])
        .node('Greater', ['x', 'z'], ['gt'])
        .node('And', ['eq', 'lt'], ['and'])
        .node('Or', ['gt', 'and'], ['or'])
        .node('Not', ['or'], ['not'])
        .node('Where', ['not', 'x', 'y'], ['where'])
        .output('where', 'float32'),
  },
  {
    name: 'activations and Clip (input form)',
    opset: 13,
    sizes: { x: [2, 3, 4, 5] },
    build: (b) => {
      b.input('x', 'float32', ['N', 3, 'H', 'W'])
        .initializer('slope', [3, 1, 1])
        .tensor(f32('lo', [0], []))
        .tensor(f32('hi', [6], []))
        .node('Clip', ['x', 'lo', 'hi'], ['clip'])
        .node('Clip', ['x', '', 'hi'], ['clip_hi'])
        .node('PRelu', ['x', 'slope'], ['prelu'])
        .node('LeakyRelu', ['x'], ['leaky'], { alpha: float(0.1) })
        .node('HardSigmoid', ['x'], ['hsig'], { alpha: float(0.2), beta: float(0.5) })
        .node('Elu', ['x'], ['elu'], { alpha: float(1) })
        .node('Abs', ['x'], ['absx']);
      for (const op of [
        'Relu',
        'Sigmoid',
        'Tanh',
        'Selu',
        'Softplus',
        'Erf',
        'Neg',
        'Floor',
        'Ceil',
        'Round',
      ])
        b.node(op, ['x'], [op.toLowerCase()]);
      for (const op of ['Sqrt', 'Exp', 'Log', 'Reciprocal']) b.node(op, ['absx'], [op.toLowerCase()]);
      return b.output('clip', 'float32');
    },
  },
  {
    name: 'Gelu, HardSwish, Softmax (opset 20)',
    opset: 20,
    sizes: { x: [2, 7] },
    build: (b) =>
      b
        .input('x', 'float32', ['N', 'K'])
        .node('Gelu', ['x'], ['gelu'])
        .node('HardSwish', ['x'], ['hswish'])
        .node('Softmax', ['gelu'], ['sm'])
        .output('sm', 'float32'),
  },
  {
    name: 'Clip attribute form (opset 6)',
    opset: 6,
    sizes: { x: [2, 7] },
    build: (b) =>
      b
        .input('x', 'float32', ['N', 'K'])
        .node('Clip', ['x'], ['clip'], { min: float(0), max: float(6) })
        .output('clip', 'float32'),
  },
  {
    name: 'Softmax, LogSoftmax, reductions (attribute axes), ArgMax, TopK',
    opset: 13,
    sizes: { x: [2, 3, 4, 5] },
    build: (b) =>
      b
        .input('x', 'float32', ['N', 3, 'H', 'W'])
        .tensor(i64('k', [2]))
        .tensor(i64('sum_axes', [1, -1]))
        .node('Softmax', ['x'], ['sm'], { axis: 1 })
        .node('LogSoftmax', ['x'], ['lsm'])
        .node('ReduceMean', ['x'], ['rmean'], { axes: [2, 3] })
        .node('ReduceMax', ['x'], ['rmax'], { axes: [1], keepdims: 0 })
        .node('ReduceSum', ['x', 'sum_axes'], ['rsum'], { keepdims: 0 })
        .node('ReduceSum', ['x'], ['rsum_all'])
        .node('ArgMax', ['x'], ['am'], { axis: 1, keepdims: 0 })
        .node('ArgMax', ['x'], ['am2'], { axis: -1 })
        .node('TopK', ['x', 'k'], ['topv', 'topi'], { axis: 2 })
        .output('sm', 'float32'),
  },
  {
    name: 'reductions with axes as inputs (opset 18)',
    opset: 18,
    sizes: { x: [2, 3, 4, 5] },
    build: (b) =>
      b
        .input('x', 'float32', ['N', 3, 'H', 'W'])
        .tensor(i64('axes', [-2]))
        .node('ReduceMean', ['x', 'axes'], ['rmean'])
        .node('ReduceMax', ['x', 'axes'], ['rmax'], { keepdims: 0 })
        .node('ReduceSum', ['x'], ['rsum'], { noop_with_empty_axes: 1 })
        .output('rmean', 'float32'),
  },
  {
    name: 'Concat, Split (input form and equal parts), Slice (inputs, negative/INT64_MAX ends, steps)',
    opset: 13,
    sizes: { x: [2, 6, 10, 7] },
    build: (b) =>
      b
        .input('x', 'float32', ['N', 6, 'H', 'W'])
        .tensor(i64('split', [1, 2, 3]))
        .tensor(i64('s_starts', [1, -3]))
        .tensor(i64('s_ends', [INT64_MAX, -1]))
        .tensor(i64('s_axes', [2, 3]))
        .tensor(i64('s_steps', [2, 1]))
        .tensor(i64('r_starts', [-1]))
        .tensor(i64('r_ends', [-1000]))
        .tensor(i64('r_axes', [1]))
        .tensor(i64('r_steps', [-2]))
        .node('Concat', ['x', 'x'], ['cat'], { axis: -1 })
        .node('Split', ['x', 'split'], ['sp1', 'sp2', 'sp3'], { axis: 1 })
        .node('Split', ['x'], ['eq1', 'eq2'], { axis: 1 })
        .node('Slice', ['x', 's_starts', 's_ends', 's_axes', 's_steps'], ['sl1'])
        .node('Slice', ['x', 'r_starts', 'r_ends', 'r_axes', 'r_steps'], ['sl2'])
        .node('Slice', ['x', 's_starts', 's_ends', 's_axes'], ['sl3'])
        .output('cat', 'float32'),
  },
  {
    name: 'Split num_outputs (opset 18)',
    opset: 18,
    sizes: { x: [2, 7] },
    build: (b) =>
      b
        .input('x', 'float32', ['N', 7])
        .node('Split', ['x'], ['a', 'b', 'c'], { axis: 1, num_outputs: 3 })
        .output('a', 'float32'),
  },
  {
    name: 'attribute forms (opset 9): Slice, Split, Squeeze, Unsqueeze, Pad, Upsample, Dropout',
    opset: 9,
    sizes: { x: [2, 6, 5, 8] },
    build: (b) =>
      b
        .input('x', 'float32', ['N', 6, 'H', 'W'])
        .node('Slice', ['x'], ['sl'], { starts: [1, 0], ends: [1000, -2], axes: [1, 3] })
        .node('Split', ['x'], ['sp1', 'sp2'], { axis: 1, split: [2, 4] })
        .node('Unsqueeze', ['x'], ['un'], { axes: [0, 3] })
        .node('Squeeze', ['un'], ['sq'], { axes: [0] })
        .node('Pad', ['x'], ['pad'], { pads: [0, 0, 1, 2, 0, 0, 3, 1] })
        .node('Upsample', ['x', 'ups'], ['up'], { mode: 'nearest' })
        .tensor(f32('ups', [1, 1, 2, 3]))
        .node('Dropout', ['x'], ['drop', 'mask'], { ratio: float(0.3) })
        .output('sl', 'float32'),
  },
  {
    name: 'Squeeze/Unsqueeze/Pad with input forms, Pad axes (opset 18)',
    opset: 18,
    sizes: { x: [2, 1, 5, 8] },
    build: (b) =>
      b
        .input('x', 'float32', ['N', 1, 'H', 'W'])
        .tensor(i64('ax1', [1]))
        .tensor(i64('ax2', [-1, 0]))
        .tensor(i64('pads', [1, 2, 3, 4]))
        .tensor(i64('pad_axes', [2, -1]))
        .tensor(i64('pads_all', [0, 0, 1, 0, 0, 0, 0, 2]))
        .node('Squeeze', ['x', 'ax1'], ['sq'])
        .node('Unsqueeze', ['sq', 'ax2'], ['un'])
        .node('Pad', ['x', 'pads', '', 'pad_axes'], ['pad1'])
        .node('Pad', ['x', 'pads_all'], ['pad2'], { mode: 'reflect' })
        .output('un', 'float32'),
  },
  {
    name: 'Reshape (0 and -1), Flatten, Transpose, Expand, Tile, Gather, Cast, Identity',
    opset: 13,
    sizes: { x: [2, 3, 4, 6] },
    build: (b) =>
      b
        .input('x', 'float32', ['N', 3, 'H', 'W'])
        .tensor(i64('shape1', [0, 0, -1]))
        .tensor(i64('shape2', [-1, 12]))
        .tensor(i64('eshape', [2, 1, 1, 1, 1]))
        .tensor(i64('reps', [1, 2, 1, 3]))
        .tensor(i64('idx', [2, 0, 1, 1], [2, 2]))
        .tensor(i64('idx0', [1], []))
        .node('Reshape', ['x', 'shape1'], ['r1'])
        .node('Reshape', ['x', 'shape2'], ['r2'])
        .node('Flatten', ['x'], ['f1'], { axis: 2 })
        .node('Flatten', ['x'], ['f0'], { axis: 0 })
        .node('Transpose', ['x'], ['tr'], { perm: [0, 2, 3, 1] })
        .node('Transpose', ['x'], ['trd'])
        .node('Expand', ['x', 'eshape'], ['ex'])
        .node('Tile', ['x', 'reps'], ['ti'])
        .node('Gather', ['x', 'idx'], ['ga'], { axis: 1 })
        .node('Gather', ['x', 'idx0'], ['ga0'], { axis: -1 })
        .node('Cast', ['x'], ['ca'], { to: DataType.INT32 })
        .node('Identity', ['x'], ['id'])
        .output('r1', 'float32'),
  },
  {
    name: 'Resize (scales, sizes with empty roi/scales)',
    opset: 13,
    sizes: { x: [1, 3, 5, 7] },
    build: (b) =>
      b
        .input('x', 'float32', ['N', 3, 'H', 'W'])
        .tensor(f32('scales', [1, 1, 2, 1.5]))
        .tensor(f32('empty', [], [0]))
        .tensor(i64('sizes', [1, 3, 9, 4]))
        .node('Resize', ['x', '', 'scales'], ['rs1'], { mode: 'nearest' })
        .node('Resize', ['x', 'empty', 'empty', 'sizes'], ['rs2'], { mode: 'linear' })
        .output('rs1', 'float32'),
  },
  {
    name: 'Resize opset 10',
    opset: 10,
    sizes: { x: [1, 3, 5, 7] },
    build: (b) =>
      b
        .input('x', 'float32', ['N', 3, 'H', 'W'])
        .tensor(f32('scales', [1, 1, 0.5, 3]))
        .node('Resize', ['x', 'scales'], ['rs'], { mode: 'nearest' })
        .output('rs', 'float32'),
  },
  {
    name: 'exporter shape arithmetic: Shape → Gather/Slice/Cast/Mul/Div → Concat → Reshape, ConstantOfShape, Range',
    opset: 13,
    sizes: { x: [2, 3, 8, 6] },
    build: (b) =>
      b
        .input('x', 'float32', ['N', 3, 'H', 'W'])
        .tensor(i64('i0', [0], []))
        .tensor(i64('i2', [2]))
        .tensor(i64('two', [2], []))
        .tensor(i64('minus1', [-1]))
        .tensor(i64('ax0', [0]))
        .tensor(i64('st', [2]))
        .tensor(i64('en', [4]))
        .tensor(i64('zero', [0], []))
        .tensor(i64('one', [1], []))
        .node('Shape', ['x'], ['shp'])
        .node('Gather', ['shp', 'i0'], ['n'])
        .node('Unsqueeze', ['n', 'ax0'], ['n1'])
        .node('Concat', ['n1', 'minus1'], ['target'], { axis: 0 })
        .node('Reshape', ['x', 'target'], ['flat'])
        .node('Gather', ['shp', 'i2'], ['h1'])
        .node('Div', ['h1', 'two'], ['h_half'])
        .node('Slice', ['shp', 'st', 'en', 'ax0'], ['hw'])
        .node('Cast', ['hw'], ['hw32'], { to: DataType.INT32 })
        .node('Cast', ['hw32'], ['hw64'], { to: DataType.INT64 })
        .node('Mul', ['hw64', 'two'], ['hw2'])
        .node('Concat', ['n1', 'h_half', 'minus1'], ['target2'], { axis: 0 })
        .node('Reshape', ['x', 'target2'], ['r2'])
        .node('ConstantOfShape', ['hw2'], ['zeros'], { value: f32('v', [1], [1]) })
        .node('Shape', ['zeros'], ['zshape'])
        .node('ReduceProd', ['hw'], ['area'], { keepdims: 0 })
        .node('Range', ['zero', 'area', 'one'], ['rng'])
        .node('Shape', ['x'], ['shp_tail'], {})
        .output('flat', 'float32'),
  },
  {
    name: 'QuantizeLinear / DequantizeLinear (uint8 and int8 zero points)',
    opset: 13,
    sizes: { x: [2, 3, 4, 4] },
    build: (b) =>
      b
        .input('x', 'float32', ['N', 3, 'H', 'W'])
        .tensor(f32('scale', [0.05], []))
        .tensor(makeTensor('zp_u8', DataType.UINT8, [], new Uint8Array([128])))
        .tensor(makeTensor('zp_i8', DataType.INT8, [], new Int8Array([0])))
        .tensor(f32('wscale', [0.01, 0.02, 0.03]))
        .tensor(makeTensor('w_zp', DataType.INT8, [3], new Int8Array([0, 0, 0])))
        .initializer('w', [3, 3, 1, 1])
        .node('QuantizeLinear', ['x', 'scale', 'zp_u8'], ['xq'])
        .node('DequantizeLinear', ['xq', 'scale', 'zp_u8'], ['xdq'])
        .node('QuantizeLinear', ['x', 'scale', 'zp_i8'], ['xq8'])
        .node('QuantizeLinear', ['x', 'scale'], ['xq_default'])
        .node('QuantizeLinear', ['w', 'wscale', 'w_zp'], ['wq'], { axis: 0 })
        .node('DequantizeLinear', ['wq', 'wscale', 'w_zp'], ['wdq'], { axis: 0 })
        .node('Conv', ['xdq', 'wdq'], ['y'])
        .output('y', 'float32'),
  },
];

describe('shape inference per op family matches onnxruntime', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { model } = c.build(new ModelBuilder({ opset: c.opset })).build();
    const { compared, mismatches } = await compareWithRuntime(model, c.sizes);
    expect(mismatches).toEqual([]);
    expect(compared).toBe(
      model.graph!.node.reduce((n, node) => n + node.output.filter((v) => v !== '').length, 0),
    );
  });
});
