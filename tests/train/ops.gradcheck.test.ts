// Every op's backward against central finite differences in float64, on awkward shapes: odd sizes,
// groups, depthwise, strides, dilation, asymmetric padding, broadcasting.
import { describe, expect, test } from 'vitest';
import { DataType, makeTensor, type Model } from '../../src/core/onnx';
import { float64Compute, trainableOpTypes, type Compute } from '../../src/core/train';
import { ModelBuilder, float, ints, type AttrInput } from '../helpers/model-builder';
import { gradCheck } from './gradcheck';

const i64 = (name: string, values: number[]) =>
  makeTensor(name, DataType.INT64, [values.length], BigInt64Array.from(values.map(BigInt)));
const f32 = (name: string, values: number[]) =>
  makeTensor(name, DataType.FLOAT, [values.length], Float32Array.from(values));

interface Case {
  name: string;
  /** BatchNormalization by batch statistics (training mode). */
  batchStatistics?: boolean;
  op: string;
  /** Float inputs (trainable in the check): name → dims (uniform ±1 unless a range is given). */
  inputs: [string, number[], { min: number; max: number }?][];
  /** Constant inputs (shapes, pads, bounds), placed at their slots. */
  consts?: ReturnType<typeof i64>[];
  /** Input names in slot order ('' for an omitted optional input). */
  slots?: string[];
  attrs?: Record<string, AttrInput>;
  outputs?: number;
  opset?: number;
}

function build(c: Case, seed = 3): Model {
  const b = new ModelBuilder({ opset: c.opset ?? 13, seed });
  for (const [name, dims, range] of c.inputs) b.initializer(name, dims, range ?? { min: -1, max: 1 });
  for (const t of c.consts ?? []) b.tensor(t);
  const outs = Array.from({ length: c.outputs ?? 1 }, (_, i) => `y${i}`);
  b.node(c.op, c.slots ?? c.inputs.map(([n]) => n), outs, c.attrs ?? {});
  for (const o of outs) b.output(o, 'float32');
  return b.build().model;
}

const cases: Case[] = [
  {
    name: 'Conv 3×3 pad 1',
    op: 'Conv',
    inputs: [
      ['x', [2, 3, 7, 6]],
      ['w', [5, 3, 3, 3]],
      ['b', [5]],
    ],
    attrs: { pads: ints([1, 1, 1, 1]) },
  },
  {
    name: 'Conv strided, asymmetric pads, dilated',
    op: 'Conv',
    inputs: [
      ['x', [1, 2, 9, 8]],
      ['w', [3, 2, 3, 2]],
    ],
    attrs: { strides: ints([2, 3]), pads: ints([1, 0, 2, 1]), dilations: ints([2, 1]) },
  },
  {
    name: 'Conv grouped (3 groups)',
    op: 'Conv',
    inputs: [
      ['x', [2, 6, 5, 5]],
      ['w', [9, 2, 3, 3]],
      ['b', [9]],
    ],
    attrs: { group: 3, pads: ints([1, 1, 1, 1]), strides: ints([2, 2]) },
  },
  {
    name: 'Conv depthwise',
    op: 'Conv',
    inputs: [
      ['x', [1, 4, 6, 7]],
      ['w', [4, 1, 3, 3]],
      ['b', [4]],
    ],
    attrs: { group: 4, pads: ints([1, 1, 1, 1]) },
  },
  {
    name: 'Conv auto_pad SAME_UPPER stride 2',
    op: 'Conv',
    inputs: [
      ['x', [1, 2, 7, 7]],
      ['w', [3, 2, 3, 3]],
    ],
    attrs: { auto_pad: 'SAME_UPPER', strides: ints([2, 2]) },
  },
  {
    name: 'Conv 1-D',
    op: 'Conv',
    inputs: [
      ['x', [2, 3, 11]],
      ['w', [4, 3, 3]],
      ['b', [4]],
    ],
    attrs: { pads: ints([1, 2]), strides: ints([2]) },
  },
  {
    name: 'ConvTranspose stride 2, output_padding, groups',
    op: 'ConvTranspose',
    inputs: [
      ['x', [1, 4, 3, 4]],
      ['w', [4, 3, 3, 3]],
      ['b', [6]],
    ],
    attrs: { strides: ints([2, 2]), pads: ints([1, 1, 1, 1]), output_padding: ints([1, 0]), group: 2 },
  },
  {
    name: 'Gemm transB with bias row',
    op: 'Gemm',
    inputs: [
      ['a', [3, 5]],
      ['b', [4, 5]],
      ['c', [4]],
    ],
    attrs: { transB: 1, alpha: float(0.7), beta: float(1.3) },
  },
  {
    name: 'Gemm transA',
    op: 'Gemm',
    inputs: [
      ['a', [5, 3]],
      ['b', [5, 4]],
      ['c', [3, 1]],
    ],
    attrs: { transA: 1 },
  },
  {
    name: 'MatMul 3-D × 2-D',
    op: 'MatMul',
    inputs: [
      ['a', [2, 3, 5]],
      ['b', [5, 4]],
    ],
  },
  {
    name: 'BatchNormalization',
    op: 'BatchNormalization',
    inputs: [
      ['x', [2, 3, 4, 5]],
      ['s', [3]],
      ['b', [3]],
      ['m', [3]],
      ['v', [3], { min: 0.5, max: 2 }],
    ],
    attrs: { epsilon: float(1e-3) },
  },
  {
    // Odd spatial size and batch 3: the mean and variance terms of the gradient matter.
    name: 'BatchNormalization by batch statistics (training mode)',
    op: 'BatchNormalization',
    batchStatistics: true,
    inputs: [
      ['x', [3, 2, 3, 5], { min: -2, max: 3 }],
      ['s', [2]],
      ['b', [2]],
      ['m', [2]],
      ['v', [2], { min: 0.5, max: 2 }],
    ],
    attrs: { epsilon: float(1e-3) },
  },
  { name: 'Relu', op: 'Relu', inputs: [['x', [3, 7]]] },
  { name: 'LeakyRelu', op: 'LeakyRelu', inputs: [['x', [3, 7]]], attrs: { alpha: float(0.2) } },
  { name: 'Sigmoid', op: 'Sigmoid', inputs: [['x', [3, 7], { min: -4, max: 4 }]] },
  {
    name: 'HardSigmoid',
    op: 'HardSigmoid',
    inputs: [['x', [3, 7], { min: -4, max: 4 }]],
    attrs: { alpha: float(0.3), beta: float(0.4) },
  },
  { name: 'HardSwish', op: 'HardSwish', inputs: [['x', [3, 9], { min: -5, max: 5 }]], opset: 14 },
  {
    name: 'Clip (ReLU6 bounds as inputs)',
    op: 'Clip',
    inputs: [['x', [4, 6], { min: -3, max: 9 }]],
    consts: [f32('lo', [0]), f32('hi', [6])],
    slots: ['x', 'lo', 'hi'],
  },
  {
    name: 'Add broadcast [N,C,H,W] + [C,1,1]',
    op: 'Add',
    inputs: [
      ['a', [2, 3, 4, 5]],
      ['b', [3, 1, 1]],
    ],
  },
  {
    name: 'Sub broadcast both ways',
    op: 'Sub',
    inputs: [
      ['a', [3, 1, 5]],
      ['b', [4, 1]],
    ],
  },
  {
    name: 'Mul SE-style [N,C,H,W] × [N,C,1,1]',
    op: 'Mul',
    inputs: [
      ['a', [2, 3, 4, 3]],
      ['b', [2, 3, 1, 1]],
    ],
  },
  {
    name: 'Div',
    op: 'Div',
    inputs: [
      ['a', [3, 4]],
      ['b', [3, 4], { min: 0.5, max: 2 }],
    ],
  },
  {
    name: 'Concat axis 1',
    op: 'Concat',
    inputs: [
      ['a', [2, 2, 3]],
      ['b', [2, 3, 3]],
      ['c', [2, 1, 3]],
    ],
    attrs: { axis: 1 },
  },
  {
    name: 'Split uneven',
    op: 'Split',
    inputs: [['x', [2, 7, 3]]],
    consts: [i64('s', [2, 5])],
    slots: ['x', 's'],
    attrs: { axis: 1 },
    outputs: 2,
  },
  {
    name: 'Slice with steps and negative indices',
    op: 'Slice',
    inputs: [['x', [3, 8, 5]]],
    consts: [i64('st', [1, -1]), i64('en', [7, 0]), i64('ax', [1, 2]), i64('sp', [2, -2])],
    slots: ['x', 'st', 'en', 'ax', 'sp'],
  },
  {
    name: 'MaxPool 3×3 stride 2 pad 1',
    op: 'MaxPool',
    inputs: [['x', [2, 3, 7, 6]]],
    attrs: { kernel_shape: ints([3, 3]), strides: ints([2, 2]), pads: ints([1, 1, 1, 1]) },
  },
  {
    name: 'MaxPool ceil_mode',
    op: 'MaxPool',
    inputs: [['x', [1, 2, 7, 7]]],
    attrs: { kernel_shape: ints([2, 2]), strides: ints([2, 2]), ceil_mode: 1 },
  },
  {
    name: 'AveragePool count_include_pad',
    op: 'AveragePool',
    inputs: [['x', [2, 2, 6, 5]]],
    attrs: {
      kernel_shape: ints([3, 3]),
      strides: ints([2, 2]),
      pads: ints([1, 1, 1, 1]),
      count_include_pad: 1,
    },
  },
  {
    name: 'AveragePool excluding pad',
    op: 'AveragePool',
    inputs: [['x', [1, 3, 5, 7]]],
    attrs: { kernel_shape: ints([2, 3]), pads: ints([0, 1, 1, 1]) },
  },
  { name: 'GlobalAveragePool', op: 'GlobalAveragePool', inputs: [['x', [2, 3, 5, 3]]] },
  { name: 'Flatten axis 2', op: 'Flatten', inputs: [['x', [2, 3, 4, 2]]], attrs: { axis: 2 } },
  {
    name: 'Reshape with 0 and -1',
    op: 'Reshape',
    inputs: [['x', [2, 3, 4]]],
    consts: [i64('shape', [0, -1, 2])],
    slots: ['x', 'shape'],
  },
  { name: 'Transpose', op: 'Transpose', inputs: [['x', [2, 3, 4]]], attrs: { perm: ints([2, 0, 1]) } },
  {
    name: 'Resize nearest ×2',
    op: 'Resize',
    inputs: [['x', [1, 2, 3, 4]]],
    consts: [f32('sc', [1, 1, 2, 2])],
    slots: ['x', '', 'sc'],
    attrs: { mode: 'nearest' },
  },
  {
    name: 'Resize bilinear to 5×7 (half_pixel)',
    op: 'Resize',
    inputs: [['x', [2, 2, 3, 4]]],
    consts: [i64('sz', [2, 2, 5, 7])],
    slots: ['x', '', '', 'sz'],
    attrs: { mode: 'linear' },
  },
  {
    name: 'Resize bilinear align_corners',
    op: 'Resize',
    inputs: [['x', [1, 1, 4, 3]]],
    consts: [i64('sz', [1, 1, 6, 5])],
    slots: ['x', '', '', 'sz'],
    attrs: { mode: 'linear', coordinate_transformation_mode: 'align_corners' },
  },
  {
    name: 'Pad constant',
    op: 'Pad',
    inputs: [['x', [1, 2, 3, 4]]],
    consts: [i64('p', [0, 0, 1, 2, 0, 1, 2, 0]), f32('v', [0.5])],
    slots: ['x', 'p', 'v'],
  },
  {
    name: 'Pad reflect',
    op: 'Pad',
    inputs: [['x', [1, 2, 4, 5]]],
    consts: [i64('p', [0, 0, 2, 1, 0, 0, 1, 3])],
    slots: ['x', 'p'],
    attrs: { mode: 'reflect' },
  },
  {
    name: 'Pad edge',
    op: 'Pad',
    inputs: [['x', [2, 3, 3]]],
    consts: [i64('p', [0, 1, 2, 0, 2, 1])],
    slots: ['x', 'p'],
    attrs: { mode: 'edge' },
  },
  { name: 'Softmax last axis', op: 'Softmax', inputs: [['x', [3, 7]]] },
  { name: 'Softmax axis 1 of 4-D', op: 'Softmax', inputs: [['x', [2, 4, 3, 2]]], attrs: { axis: 1 } },
  {
    name: 'Squeeze / Unsqueeze path (Unsqueeze)',
    op: 'Unsqueeze',
    inputs: [['x', [3, 4]]],
    consts: [i64('ax', [0, 3])],
    slots: ['x', 'ax'],
  },
  {
    name: 'Squeeze',
    op: 'Squeeze',
    inputs: [['x', [3, 1, 4, 1]]],
    consts: [i64('ax', [1])],
    slots: ['x', 'ax'],
  },
];

describe('gradient of every op against central differences (float64)', () => {
  test.each(cases)('$name', async (c) => {
    const { mismatches, checked, params } = await gradCheck(build(c), {
      samples: 16,
      batchStatistics: c.batchStatistics,
    });
    expect(params.length).toBeGreaterThan(0);
    expect(checked).toBeGreaterThan(0);
    expect(mismatches).toEqual([]);
  });

  test('the check fails on a planted error in one kernel (conv weight gradient off by 0.1 %)', async () => {
    const planted: Compute = {
      ...float64Compute,
      async conv2dBackwardFilter(a) {
        await float64Compute.conv2dBackwardFilter(a);
        a.dWeight[0] *= 1.001;
      },
    };
    const { mismatches } = await gradCheck(build(cases[0]), { samples: 1000, compute: planted });
    expect(mismatches.map((m) => `${m.param}[${m.index}]`)).toEqual(['w[0]']);
  });

  test('every op the issue lists has a gradient', () => {
    const listed = [
      'Conv',
      'ConvTranspose',
      'Gemm',
      'MatMul',
      'BatchNormalization',
      'Relu',
      'Clip',
      'LeakyRelu',
      'Sigmoid',
      'HardSigmoid',
      'HardSwish',
      'Mul',
      'Add',
      'Sub',
      'Div',
      'Concat',
      'Split',
      'Slice',
      'MaxPool',
      'AveragePool',
      'GlobalAveragePool',
      'Flatten',
      'Reshape',
      'Transpose',
      'Resize',
      'Pad',
      'Softmax',
    ];
    expect(listed.filter((op) => !trainableOpTypes.includes(op))).toEqual([]);
    for (const op of listed)
      expect(
        cases.some((c) => c.op === op),
        `${op} has a gradient check`,
      ).toBe(true);
  });
});
