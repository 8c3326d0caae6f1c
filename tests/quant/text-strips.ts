/**
 * Text-line-like inputs for the PaddleOCR models (no real text images offline): Fashion-MNIST images
 * side by side, scaled to the strip height and normalised as PaddleOCR does ((x/255 − 0.5)/0.5).
 * Calibration strips come from the calibration images, fidelity strips from the test images, so the
 * two never share a picture (tests assert it with {@link sharedImages}).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { TensorData } from '../../src/core/eval';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const PIXELS = 28 * 28;

/** The 28×28 uint8 images of an IDX file in tests/fixtures. */
export interface ImageSet {
  readonly name: string;
  readonly pixels: Uint8Array;
  readonly count: number;
}

function imageSet(path: string): ImageSet {
  const pixels = new Uint8Array(gunzipSync(readFileSync(join(FIXTURES, path)))).subarray(16);
  return { name: path, pixels, count: pixels.length / PIXELS };
}

let calib: ImageSet | undefined;
let test: ImageSet | undefined;
/** The 1,000 calibration images (training split). */
export const calibrationImages = () => (calib ??= imageSet('fmnist-calib/train-images-idx3-ubyte.gz'));
/** The 10,000 test images. */
export const testImages = () => (test ??= imageSet('fmnist-test/t10k-images-idx3-ubyte.gz'));

export interface Strips {
  readonly feeds: Record<string, TensorData>;
  /** Indices into the image set of every picture drawn. */
  readonly images: readonly number[];
}

/**
 * `n` strips of H×W, strip s holding images (first + s)·k … (first + s)·k + k − 1 of `set`, k = ⌈W/H⌉,
 * each scaled to H×H. Throws when the set runs out rather than wrapping round to reuse images.
 */
export function strips(set: ImageSet, input: string, first: number, n: number, H: number, W: number): Strips {
  const perStrip = Math.ceil(W / H);
  if ((first + n) * perStrip > set.count)
    throw new RangeError(
      `${set.name} has ${set.count} images; strips ${first}…${first + n - 1} need ${(first + n) * perStrip}`,
    );
  const data = new Float32Array(n * 3 * H * W);
  const images: number[] = [];
  for (let s = 0; s < n; s++) {
    for (let k = 0; k < perStrip; k++) images.push((first + s) * perStrip + k);
    for (let h = 0; h < H; h++) {
      const row = Math.floor((h * 28) / H) * 28;
      for (let w = 0; w < W; w++) {
        const img = (first + s) * perStrip + Math.floor(w / H);
        const v = set.pixels[img * PIXELS + row + Math.floor(((w % H) * 28) / H)];
        for (let c = 0; c < 3; c++) data[((s * 3 + c) * H + h) * W + w] = (v / 255 - 0.5) / 0.5;
      }
    }
  }
  return { feeds: { [input]: { type: 'float32', data, dims: [n, 3, H, W] } }, images };
}

/** How many pictures of `a` (by index into `setA`) equal, pixel for pixel, a picture of `b`. */
export function sharedImages(
  setA: ImageSet,
  a: readonly number[],
  setB: ImageSet,
  b: readonly number[],
): number {
  const key = (set: ImageSet, i: number) =>
    Buffer.from(set.pixels.subarray(i * PIXELS, (i + 1) * PIXELS)).toString('base64');
  const seen = new Set(b.map((i) => key(setB, i)));
  return a.filter((i) => seen.has(key(setA, i))).length;
}
