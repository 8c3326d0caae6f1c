/** Real inputs for whole-model checks: the zoo's reference images and seeded random images. */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { seededRandom } from './model-builder';

/**
 * The first `count` preprocessed Fashion-MNIST test images of a zoo `*.io.bin` (FMIO) file, as a
 * `[count, 1, 28, 28]` tensor. The header is 40 bytes (magic, N, rank 4 + dims, rank 2 + dims).
 */
export function zooImages(ioBinPath: string, count: number): ort.Tensor {
  const buf = readFileSync(ioBinPath);
  const floats = count * 28 * 28;
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset + 40, buf.byteOffset + 40 + floats * 4));
  return new ort.Tensor('float32', data, [count, 1, 28, 28]);
}

/** A float32 tensor of `dims` with seeded values uniform in [min, max). */
export function randomImage(dims: number[], seed = 7, min = -1, max = 1): ort.Tensor {
  const random = seededRandom(seed);
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = min + (max - min) * random();
  return new ort.Tensor('float32', data, dims);
}
