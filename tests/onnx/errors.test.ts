import { describe, expect, it } from 'vitest';
import {
  DataLocation,
  DataType,
  OnnxFormatError,
  decodeModel,
  emptyGraph,
  emptyModel,
  emptyTensor,
  encodeModel,
  type TypeProto,
} from '../../src/core/onnx';
import { ModelBuilder, tensorValueInfo } from '../helpers/model-builder';

function errorOf(f: () => unknown): OnnxFormatError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(OnnxFormatError);
    return e as OnnxFormatError;
  }
  throw new Error('expected an OnnxFormatError');
}

const text = (s: string) => new TextEncoder().encode(s);

describe('OnnxFormatError', () => {
  it.each([
    ['an empty file', new Uint8Array(0)],
    ['a PNG header', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
    ['a text file', text('hello, world')],
    ['a JSON file', text('{"graph": []}')],
    ['a zip file', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0])],
    ['a protobuf message with no graph', encodeModel(emptyModel({ irVersion: 8n, producerName: 'x' }))],
  ])('%s is not-onnx', (_, bytes) => {
    const e = errorOf(() => decodeModel(bytes));
    expect(e.code).toBe('not-onnx');
    expect(e.message).toMatch(/^This file is not an ONNX model: .*\.$/);
  });

  it('a cut-off file names the tensor and the missing bytes', () => {
    const { bytes } = new ModelBuilder().initializer('conv1.weight', [16, 16, 3, 3]).build();
    const at = Buffer.from(bytes).indexOf(Buffer.from('conv1.weight')) + 'conv1.weight'.length + 3 + 512;
    const e = errorOf(() => decodeModel(bytes.subarray(0, at)));
    expect(e.code).toBe('truncated');
    expect(e.message).toBe("File is truncated: tensor 'conv1.weight' needs 9216 bytes but only 512 remain.");
  });

  it('a varint longer than 10 bytes is corrupt', () => {
    const bytes = new Uint8Array([0x08, ...new Array(11).fill(0xff), 0x01]);
    expect(errorOf(() => decodeModel(bytes)).code).toBe('corrupt');
  });

  it('a known field with the wrong wire type is corrupt', () => {
    const bytes = new Uint8Array([0x08, 0x07, 0x38, 0x01]); // ir_version = 7, then graph (7) as a varint
    const e = errorOf(() => decodeModel(bytes));
    expect(e.code).toBe('corrupt');
    expect(e.message).toContain('field 7');
  });

  it('a length running past its enclosing message is corrupt, not truncated', () => {
    // graph (7) of 3 bytes holding name (2) that claims 100 bytes; more bytes follow the graph.
    const bytes = new Uint8Array([0x3a, 0x03, 0x12, 0x64, 0x41, ...new Array(200).fill(0x41)]);
    const e = errorOf(() => decodeModel(bytes));
    expect(e.code).toBe('corrupt');
  });

  it('nesting deeper than the limit is corrupt, not a stack overflow', () => {
    let t: TypeProto = tensorValueInfo('', 'float32', [1]).type!;
    for (let i = 0; i < 150; i++) t = { denotation: '', sequenceType: { elemType: t } };
    const model = emptyModel({
      graph: emptyGraph({ input: [{ name: 'x', type: t, docString: '', metadataProps: [] }] }),
    });
    const e = errorOf(() => decodeModel(encodeModel(model)));
    expect(e.code).toBe('corrupt');
    expect(e.message).toContain('nested more than 100 deep');
  });

  describe('external data', () => {
    const model = emptyModel({
      graph: emptyGraph({
        initializer: [
          emptyTensor({
            name: 'fc.weight',
            dataType: DataType.FLOAT,
            dims: [4n],
            dataLocation: DataLocation.EXTERNAL,
            externalData: [
              { key: 'location', value: 'weights.bin' },
              { key: 'length', value: '16' },
            ],
          }),
        ],
      }),
    });
    const bytes = encodeModel(model);

    it('a missing file names the file and the tensor', () => {
      for (const opts of [{}, { externalData: () => undefined }]) {
        const e = errorOf(() => decodeModel(bytes, opts));
        expect(e.code).toBe('missing-external-data');
        expect(e.message).toBe("External data file 'weights.bin' for tensor 'fc.weight' was not supplied.");
      }
    });

    it('a short file is truncated', () => {
      const e = errorOf(() => decodeModel(bytes, { externalData: () => new Uint8Array(8) }));
      expect(e.code).toBe('truncated');
      expect(e.message).toContain("'weights.bin'");
      expect(e.message).toContain("'fc.weight'");
    });
  });
});
