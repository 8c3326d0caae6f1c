/**
 * Models whose tensors or nodes cannot be right are refused on import (or shape inference) with an
 * InvalidModelError naming the tensor or node, instead of costing −36 parameters or crashing later.
 * Each hostile model is generated here and goes through encode → decode like a real file.
 */
import { describe, expect, it } from 'vitest';
import { importModel, inferShapes, InvalidModelError, summarizeModel } from '../../src/core/graph';
import { analyzeChannels } from '../../src/core/analysis';
import { DataType, decodeModel, makeTensor, type Tensor } from '../../src/core/onnx';
import { int, ModelBuilder } from '../helpers/model-builder';

/** x [N, 3, 8, 8] → Conv(w) → y, with `w` given. */
function convModel(w: Tensor, attrs: Record<string, ReturnType<typeof int>> = {}) {
  return new ModelBuilder()
    .input('x', 'float32', ['N', 3, 8, 8])
    .tensor(w)
    .node('Conv', ['x', 'w'], ['y'], attrs, { name: 'conv1' })
    .output('y', 'float32');
}

const weight = (dims: number[], bytes = dims.reduce((a, b) => a * b, 1) * 4): Tensor => ({
  ...makeTensor('w', DataType.FLOAT, [bytes / 4], new Float32Array(bytes / 4)),
  dims: dims.map(BigInt),
});

/** Import of the model after a round trip through bytes: the error it throws, if any. */
function importError(builder: ModelBuilder): unknown {
  const model = decodeModel(builder.build().bytes);
  try {
    inferShapes(importModel(model));
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('impossible tensors are refused on import, naming the tensor', () => {
  it.each([
    [
      'a negative dim (Parameters −36)',
      weight([-4, 3, 3, 1], 36 * 4),
      /Initializer 'w' has a negative dimension \(dims \[-4, 3, 3, 1\]\)/,
    ],
    [
      '16 bytes claiming 2^40 elements',
      weight([2 ** 20, 2 ** 20, 1, 1], 16),
      /Initializer 'w' has dims \[1048576, 1048576, 1, 1\] of float32 \(4398046511104 bytes\) but 16 bytes of data/,
    ],
    [
      'raw_data shorter than its dims',
      weight([4, 3, 3, 3], 100),
      /Initializer 'w' has dims \[4, 3, 3, 3\] of float32 \(432 bytes\) but 100 bytes/,
    ],
    ['raw_data longer than its dims', weight([4, 3, 1, 1], 52), /\(48 bytes\) but 52 bytes/],
    [
      'no data at all',
      { ...weight([4, 3, 3, 3]), rawData: undefined },
      /Initializer 'w' has dims \[4, 3, 3, 3\] but holds no data/,
    ],
    [
      'float_data of the wrong count',
      { ...weight([4, 3, 1, 1]), rawData: undefined, floatData: new Float32Array(5) },
      /Initializer 'w' has dims \[4, 3, 1, 1\] \(12 elements\) but 5 values/,
    ],
    [
      'an unknown data type',
      { ...weight([4, 3, 1, 1]), dataType: 99 as DataType },
      /data type dtype\(99\), which is not a tensor type/,
    ],
  ])('%s', (_, w, message) => {
    const error = importError(convModel(w));
    expect(error).toBeInstanceOf(InvalidModelError);
    expect((error as Error).message).toMatch(message);
  });

  it('a negative declared input dim', () => {
    const b = new ModelBuilder()
      .input('x', 'float32', [1, -3])
      .node('Relu', ['x'], ['y'])
      .output('y', 'float32');
    const error = importError(b);
    expect(error).toBeInstanceOf(InvalidModelError);
    expect((error as Error).message).toBe("Graph input 'x' declares the negative dimension -3.");
  });

  it('summarizeModel (inspect) refuses rather than count negative parameters', () => {
    const { model } = convModel(weight([-4, 3, 3, 1], 36 * 4)).build();
    expect(() => summarizeModel(model)).toThrow(InvalidModelError);
  });
});

describe('a Conv whose group cannot split its channels is refused, naming the node', () => {
  it.each([
    [[16, 1, 3, 3], 3, /Conv 'conv1' has group 3, which does not divide its 16 output channels/],
    [
      [4, 3, 3, 3],
      2,
      /Conv 'conv1' reads 3 input channels, but its weight \[4, 3, 3, 3\] with group 2 takes 6/,
    ],
    [[4, 1, 3, 3], 0, /Conv 'conv1' has group 0; it must be a positive integer/],
  ])('weight %j with group %d', (dims, group, message) => {
    const error = importError(convModel(weight(dims), { group: int(group) }));
    expect(error).toBeInstanceOf(InvalidModelError);
    expect((error as Error).message).toMatch(message);
  });

  it('a valid depthwise Conv (group 3, weight [6, 1, 3, 3]) passes', () => {
    expect(importError(convModel(weight([6, 1, 3, 3]), { group: int(3) }))).toBeUndefined();
  });
});

describe('graph errors of the file become InvalidModelError', () => {
  it.each([
    [
      'a cycle',
      new ModelBuilder()
        .input('x', 'float32', [4])
        .node('Add', ['x', 'q'], ['p'], {}, { name: 'add' })
        .node('Relu', ['p'], ['q'], {}, { name: 'relu' })
        .output('q', 'float32'),
      /^The model is invalid: cycle through/,
    ],
    [
      'an undefined input',
      new ModelBuilder()
        .input('x', 'float32', [4])
        .node('Relu', ['nope'], ['y'], {}, { name: 'r' })
        .output('y', 'float32'),
      /^The model is invalid: input 'nope' of Relu 'r' is not defined\.$/,
    ],
    [
      'a value defined twice',
      new ModelBuilder()
        .input('x', 'float32', [4])
        .node('Relu', ['x'], ['y'], {}, { name: 'a' })
        .node('Neg', ['x'], ['y'], {}, { name: 'b' })
        .output('y', 'float32'),
      /^The model is invalid: output 'y' of Neg 'b' is already defined\.$/,
    ],
    [
      'an undefined graph output',
      new ModelBuilder().input('x', 'float32', [4]).output('ghost', 'float32'),
      /^The model is invalid: graph output 'ghost' is not defined\.$/,
    ],
  ])('%s', (_, builder, message) => {
    const error = importError(builder);
    expect(error).toBeInstanceOf(InvalidModelError);
    expect((error as Error).message).toMatch(message);
  });
});

describe('cases the pipeline fuzzer found', () => {
  it('float values kept in float_data of an int64 tensor are refused, not converted with a RangeError', () => {
    const t = {
      ...weight([3]),
      rawData: undefined,
      dataType: DataType.INT64,
      floatData: new Float32Array([3.14, 1, 2]),
    };
    const error = importError(convModel(weight([4, 3, 1, 1])).tensor({ ...t, name: 'shape' }));
    expect(error).toBeInstanceOf(InvalidModelError);
    expect((error as Error).message).toBe(
      "Initializer 'shape' keeps int64 values in floatData, which cannot hold them.",
    );
  });

  it('an Add with no inputs (an op swapped in by hand) leaves its output unknown instead of a TypeError', () => {
    const b = new ModelBuilder().input('x', 'float32', [1, 4]).node('Add', [], ['y']).output('y', 'float32');
    expect(importError(b)).toBeUndefined();
  });

  it('an input declaring 2^31 channels is analysed at once (channels untraced), not allocated', () => {
    const { model } = new ModelBuilder()
      .input('x', 'float32', [1, 2 ** 31, 4, 4])
      .node('Relu', ['x'], ['y'])
      .output('y', 'float32')
      .build();
    const graph = importModel(model);
    const analysis = analyzeChannels(graph);
    expect(analysis.groups.every((g) => !g.prunable)).toBe(true);
  });
});
