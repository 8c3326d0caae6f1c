/**
 * Small builder models for pruning, each exercising one kind of member: Concat and Split, Slice,
 * depthwise and grouped convolutions with an f(0) ≠ 0 activation, Flatten → Gemm and Reshape → Gemm
 * blocks, squeeze-and-excitation, BatchNorm, a MatMul classifier.
 */
import { DataType, makeTensor } from '../../src/core/onnx';
import { ModelBuilder } from '../helpers/model-builder';

export interface BuiltFixture {
  name: string;
  bytes: Uint8Array;
  /** Input dims to feed. */
  input: number[];
}

const i64 = (name: string, values: number[]) =>
  makeTensor(name, DataType.INT64, [values.length], BigInt64Array.from(values.map(BigInt)));

/** Two convs concatenated, then split unevenly by an explicit `split` input, one part sliced. */
function concatSplit(): BuiltFixture {
  const b = new ModelBuilder({ seed: 3 })
    .input('x', 'float32', ['N', 3, 8, 8])
    .initializer('wa', [8, 3, 3, 3])
    .initializer('ba', [8])
    .initializer('wb', [8, 3, 1, 1])
    .initializer('bb', [8])
    .initializer('wc', [5, 6, 3, 3])
    .initializer('wd', [5, 10, 1, 1])
    .initializer('bd', [5])
    .initializer('we', [4, 3, 3, 3])
    .tensor(i64('sizes', [6, 10]))
    .tensor(i64('s0', [1]))
    .tensor(i64('s1', [4]))
    .tensor(i64('sax', [1]))
    .node('Conv', ['x', 'wa', 'ba'], ['a'], { pads: [1, 1, 1, 1] })
    .node('Conv', ['x', 'wb', 'bb'], ['b'])
    .node('Concat', ['a', 'b'], ['cat'], { axis: 1 })
    .node('Relu', ['cat'], ['r'])
    .node('Split', ['r', 'sizes'], ['p0', 'p1'], { axis: 1 })
    .node('Conv', ['p0', 'wc'], ['c'], { pads: [1, 1, 1, 1] })
    .node('Conv', ['p1', 'wd', 'bd'], ['d'])
    .node('Add', ['c', 'd'], ['e'])
    .node('Relu', ['e'], ['er'])
    .node('Slice', ['er', 's0', 's1', 'sax'], ['sl'])
    .node('Conv', ['sl', 'we'], ['f'], { pads: [1, 1, 1, 1] })
    .node('Relu', ['f'], ['fr'])
    .node('GlobalAveragePool', ['fr'], ['gap'])
    .node('Flatten', ['gap'], ['flat'])
    .node('MatMul', ['flat', 'wg2'], ['y'])
    .output('y', 'float32', ['N', 3]);
  b.initializer('wg2', [4, 3]);
  return { name: 'concat-split-slice', bytes: b.build().bytes, input: [2, 3, 8, 8] };
}

/** BN, depthwise conv with multiplier 2, Sigmoid (f(0) = 0.5), grouped conv, per-channel Mul. */
function depthwiseGrouped(): BuiltFixture {
  const b = new ModelBuilder({ seed: 5 })
    .input('x', 'float32', ['N', 3, 10, 10])
    .initializer('w0', [16, 3, 3, 3])
    .initializer('g0', [16], { min: 0.5, max: 1.5 })
    .initializer('be0', [16])
    .initializer('m0', [16])
    .initializer('v0', [16], { min: 0.5, max: 1.5 })
    .initializer('wdw', [32, 1, 3, 3])
    .initializer('bdw', [32])
    .initializer('scale', [1, 32, 1, 1], { min: 0.5, max: 2 })
    .initializer('wg', [16, 8, 3, 3])
    .initializer('bg', [16])
    .initializer('w3', [4, 16, 1, 1])
    .node('Conv', ['x', 'w0'], ['a'], { pads: [1, 1, 1, 1] })
    .node('BatchNormalization', ['a', 'g0', 'be0', 'm0', 'v0'], ['bn'])
    .node('Relu', ['bn'], ['r'])
    .node('Conv', ['r', 'wdw', 'bdw'], ['dw'], { pads: [1, 1, 1, 1], group: 16 })
    .node('Sigmoid', ['dw'], ['s'])
    .node('Mul', ['s', 'scale'], ['sm'])
    .node('Conv', ['sm', 'wg', 'bg'], ['gc'], { pads: [1, 1, 1, 1], group: 4 })
    .node('HardSigmoid', ['gc'], ['hs'])
    .node('Conv', ['hs', 'w3'], ['y'])
    .output('y', 'float32', ['N', 4, 10, 10]);
  return { name: 'bn-depthwise-grouped', bytes: b.build().bytes, input: [2, 3, 10, 10] };
}

/** Squeeze-and-excitation with HardSigmoid, then Flatten → Gemm and a Reshape → Gemm branch. */
function seFlattenReshape(): BuiltFixture {
  const b = new ModelBuilder({ seed: 7 })
    .input('x', 'float32', ['N', 2, 6, 6])
    .initializer('w0', [6, 2, 3, 3])
    .initializer('b0', [6])
    .initializer('wr', [3, 6, 1, 1])
    .initializer('br', [3])
    .initializer('we', [6, 3, 1, 1])
    .initializer('be', [6])
    .initializer('fc1', [5, 216])
    .initializer('fc1b', [5])
    .initializer('fc2', [216, 5])
    .tensor(i64('target', [0, 216]))
    .node('Conv', ['x', 'w0', 'b0'], ['a'], { pads: [1, 1, 1, 1] })
    .node('Relu', ['a'], ['r'])
    .node('GlobalAveragePool', ['r'], ['gap'])
    .node('Conv', ['gap', 'wr', 'br'], ['sq'])
    .node('Relu', ['sq'], ['sqr'])
    .node('Conv', ['sqr', 'we', 'be'], ['ex'])
    .node('HardSigmoid', ['ex'], ['gate'])
    .node('Mul', ['r', 'gate'], ['se'])
    .node('Flatten', ['se'], ['flat'])
    .node('Gemm', ['flat', 'fc1', 'fc1b'], ['y1'], { transB: 1 })
    .node('Reshape', ['se', 'target'], ['resh'])
    .node('Gemm', ['resh', 'fc2'], ['y2'])
    .node('Add', ['y1', 'y2'], ['y'])
    .output('y', 'float32', ['N', 5]);
  return { name: 'se-flatten-reshape', bytes: b.build().bytes, input: [2, 2, 6, 6] };
}

/** One bias and one weight shared (as exporters deduplicate them) by convs of different groups. */
function sharedInitializers(): BuiltFixture {
  const b = new ModelBuilder({ seed: 9 })
    .input('x', 'float32', ['N', 8, 6, 6])
    .initializer('w', [8, 8, 3, 3])
    .initializer('b', [8])
    .initializer('w3', [4, 8, 1, 1])
    .node('Conv', ['x', 'w', 'b'], ['a'], { pads: [1, 1, 1, 1] }, { name: 'conv1' })
    .node('Relu', ['a'], ['r'])
    .node('Identity', ['b'], ['b2'])
    .node('Conv', ['r', 'w', 'b2'], ['c'], { pads: [1, 1, 1, 1] }, { name: 'conv2' })
    .node('Relu', ['c'], ['s'])
    .node('Conv', ['s', 'w3'], ['y'], {}, { name: 'conv3' })
    .output('y', 'float32', ['N', 4, 6, 6]);
  return { name: 'shared-initializers', bytes: b.build().bytes, input: [2, 8, 6, 6] };
}

export function builderFixtures(): BuiltFixture[] {
  return [concatSplit(), depthwiseGrouped(), seFlattenReshape(), sharedInitializers()];
}
