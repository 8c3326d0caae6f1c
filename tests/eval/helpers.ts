/** Shared fixtures for the eval tests: fixture paths, reference pairs, and writers for small test files. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
export const FMNIST_SPEC = { scale: 0.00392156862745098, mean: [0.286], std: [0.353] };

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, name)));
}

/** A `*.io.bin` (FMIO) reference file: N preprocessed inputs and the torch model's outputs. */
export function readIoBin(name: string): {
  input: Float32Array;
  inputDims: number[];
  output: Float32Array;
  outputDims: number[];
} {
  const bytes = fixture(name);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== 'FMIO') throw new Error(`${name}: bad magic`);
  let at = 8;
  const dims = () => {
    const rank = view.getUint32(at, true);
    at += 4;
    const d: number[] = [];
    for (let i = 0; i < rank; i++, at += 4) d.push(view.getUint32(at, true));
    return d;
  };
  const inputDims = dims();
  const outputDims = dims();
  const floats = (count: number) => {
    const copy = bytes.slice(at, at + count * 4);
    at += count * 4;
    return new Float32Array(copy.buffer);
  };
  const input = floats(inputDims.reduce((a, b) => a * b, 1));
  const output = floats(outputDims.reduce((a, b) => a * b, 1));
  return { input, inputDims, output, outputDims };
}

/** An RGB(A) test image whose pixel values encode their position, so decoding errors show. */
export function gradient(width: number, height: number, seed: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      rgba[i] = (x * 17 + seed * 31) & 255;
      rgba[i + 1] = (y * 13 + seed * 7) & 255;
      rgba[i + 2] = (x * y + seed) & 255;
      rgba[i + 3] = 255;
    }
  }
  return rgba;
}

export function encodePng(width: number, height: number, rgba: Uint8Array): Uint8Array {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba);
  return new Uint8Array(PNG.sync.write(png));
}

export function encodeJpeg(width: number, height: number, rgba: Uint8Array, quality = 95): Uint8Array {
  return new Uint8Array(jpeg.encode({ width, height, data: Buffer.from(rgba) }, quality).data);
}

/** A `.npy` (version 1.0) file for a C-order array. */
/** A `.npy` file; `shape` may hold text so tests can write headers NumPy never would. */
export function encodeNpy(descr: string, shape: (number | string)[], data: ArrayBufferView): Uint8Array {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  // Header is padded with spaces so the data starts on a 64-byte boundary, ending in a newline.
  const unpadded = 10 + dict.length + 1;
  const header = dict + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
