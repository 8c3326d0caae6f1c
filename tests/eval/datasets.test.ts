import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import {
  batches,
  blobFileSource,
  memoryFileSource,
  openDataset,
  resolvePreprocess,
  type Dataset,
  type PreprocessSpec,
  type ValueMeta,
} from '../../src/core/eval';
import { nodeImageDecoder, openDatasetPath } from '../../src/core/eval/node';
import { FIXTURES, encodeJpeg, encodeNpy, encodePng, gradient } from './helpers';

const W = 6;
const H = 4;
const RGB_INPUT: ValueMeta = { name: 'x', type: 'float32', shape: ['n', 3, H, W] };
const RAW: PreprocessSpec = { scale: 1 };

async function collect(dataset: Dataset, input: ValueMeta, spec: PreprocessSpec | undefined, batchSize = 2) {
  const { preprocess, assumptions } = resolvePreprocess(spec, input, dataset);
  const inputs: number[] = [];
  const labels: number[] = [];
  const dims: (readonly number[])[] = [];
  for await (const b of batches(dataset, preprocess, { batchSize })) {
    inputs.push(...b.input);
    labels.push(...(b.labels ?? []));
    dims.push(b.dims);
  }
  return { inputs, labels, dims, assumptions };
}

/** The NCHW float tensor a W×H RGBA image should become with scale 1 and no resize. */
function expectedChw(rgba: Uint8Array): number[] {
  const out: number[] = [];
  for (let c = 0; c < 3; c++) for (let p = 0; p < W * H; p++) out.push(rgba[p * 4 + c]);
  return out;
}

const tmp = mkdtempSync(join(tmpdir(), 'whittle-eval-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('image folders', () => {
  const images = [0, 1, 2, 3].map((i) => gradient(W, H, i));
  const folder = join(tmp, 'classes');
  // Two classes in sub-folders; "10" and "2" check numeric folder names are taken as values.
  const layout = [
    ['10/a.png', 0],
    ['10/b.png', 1],
    ['2/c.png', 2],
    ['2/d.png', 3],
  ] as const;
  for (const [path, i] of layout) {
    mkdirSync(join(folder, path.split('/')[0]), { recursive: true });
    writeFileSync(join(folder, path), encodePng(W, H, images[i]));
  }

  it('decodes PNGs exactly and labels them by class folder', async () => {
    const dataset = await openDatasetPath(folder);
    expect(dataset.size).toBe(4);
    const { inputs, labels, dims } = await collect(dataset, RGB_INPUT, RAW);
    expect(labels).toEqual([10, 10, 2, 2]);
    expect(dims).toEqual([
      [2, 3, H, W],
      [2, 3, H, W],
    ]);
    expect(inputs).toEqual(images.flatMap(expectedChw));
  });

  it('reads the same images from a zip with a wrapper folder', async () => {
    const files: Record<string, Uint8Array> = {};
    for (const [path, i] of layout) files[`set/${path}`] = encodePng(W, H, images[i]);
    const zipPath = join(tmp, 'set.zip');
    writeFileSync(zipPath, zipSync(files));
    const dataset = await openDatasetPath(zipPath);
    const { inputs, labels } = await collect(dataset, RGB_INPUT, RAW);
    expect(labels).toEqual([10, 10, 2, 2]);
    expect(inputs).toEqual(images.flatMap(expectedChw));
  });

  it('decodes JPEGs close to their source and takes labels from a text file', async () => {
    const flat = join(tmp, 'jpegs');
    mkdirSync(flat);
    // Smooth content so JPEG's loss stays small.
    const smooth = new Uint8Array(W * H * 4).fill(200);
    writeFileSync(join(flat, 'x.jpg'), encodeJpeg(W, H, smooth, 100));
    writeFileSync(join(flat, 'y.jpeg'), encodeJpeg(W, H, smooth, 100));
    writeFileSync(join(tmp, 'labels.txt'), 'y.jpeg,cat\nx.jpg,dog\n');
    const dataset = await openDatasetPath(flat, join(tmp, 'labels.txt'));
    expect(dataset.classNames).toEqual(['cat', 'dog']);
    const { inputs, labels } = await collect(dataset, RGB_INPUT, RAW);
    expect(labels).toEqual([1, 0]);
    for (const v of inputs) expect(Math.abs(v - 200)).toBeLessThanOrEqual(2);
  });

  it('is unlabelled when all images share one folder', async () => {
    const files = { 'calib/a.png': encodePng(W, H, images[0]), 'calib/b.png': encodePng(W, H, images[1]) };
    const dataset = await openDataset(memoryFileSource('calib', files), { decoder: nodeImageDecoder });
    expect(dataset.labels).toBeUndefined();
  });

  it('reads browser-style Blob files without touching the disk', async () => {
    const files = [
      { path: 'cats/a.png', blob: new Blob([encodePng(W, H, images[0]).slice()]) },
      { path: 'dogs/b.png', blob: new Blob([encodePng(W, H, images[1]).slice()]) },
    ];
    const dataset = await openDataset(blobFileSource('drop', files), { decoder: nodeImageDecoder });
    const { inputs, labels } = await collect(dataset, RGB_INPUT, RAW);
    expect(labels).toEqual([0, 1]);
    expect(inputs).toEqual([images[0], images[1]].flatMap(expectedChw));
  });

  it('infers gray, size and unit scaling when no spec is given, and says so', async () => {
    const dataset = await openDatasetPath(folder);
    const gray: ValueMeta = { name: 'x', type: 'float32', shape: ['n', 1, 2, 3] };
    const { assumptions, dims, inputs } = await collect(dataset, gray, undefined, 4);
    expect(dims).toEqual([[4, 1, 2, 3]]);
    expect(assumptions).toMatch(/resized to 2×3/);
    expect(assumptions).toMatch(/pixel \/ 255/);
    for (const v of inputs) expect(v).toBeGreaterThanOrEqual(0);
    for (const v of inputs) expect(v).toBeLessThanOrEqual(1);
  });
});

describe('IDX', () => {
  it('reads a gzipped images file given alone, with its labels passed apart', async () => {
    const dataset = await openDatasetPath(
      join(FIXTURES, 'fmnist-calib', 'train-images-idx3-ubyte.gz'),
      join(FIXTURES, 'fmnist-calib', 'train-labels-idx1-ubyte.gz'),
    );
    expect(dataset.size).toBe(1000);
    const counts = new Array<number>(10).fill(0);
    for (const l of dataset.labels ?? []) counts[l]++;
    expect(counts).toEqual([112, 117, 93, 96, 100, 86, 104, 90, 111, 91]);
  });
});

describe('NumPy', () => {
  const n = 3;
  const pixels = Uint8Array.from({ length: n * H * W }, (_, i) => (i * 7) & 255);
  const floats = Float32Array.from({ length: n * 2 * 5 }, (_, i) => i / 10);
  const labels = new BigInt64Array([4n, 0n, 9n]);
  const grayInput: ValueMeta = { name: 'x', type: 'float32', shape: ['n', 1, H, W] };

  it('treats uint8 (N, H, W) arrays as images and picks up y.npy labels', async () => {
    const dir = join(tmp, 'npy');
    mkdirSync(dir);
    writeFileSync(join(dir, 'x.npy'), encodeNpy('|u1', [n, H, W], pixels));
    writeFileSync(join(dir, 'y.npy'), encodeNpy('<i8', [n], labels));
    const dataset = await openDatasetPath(dir);
    expect(dataset.sampleKind).toBe('image');
    const { inputs, labels: got } = await collect(dataset, grayInput, RAW);
    expect(got).toEqual([4, 0, 9]);
    expect(inputs).toEqual([...pixels]);
  });

  it('feeds float arrays from an .npz as they are', async () => {
    const npz = zipSync({
      'x.npy': encodeNpy('<f4', [n, 2, 5], floats),
      'y.npy': encodeNpy('<i8', [n], labels),
    });
    const path = join(tmp, 'set.npz');
    writeFileSync(path, npz);
    const dataset = await openDatasetPath(path);
    expect(dataset.sampleKind).toBe('tensor');
    const {
      inputs,
      labels: got,
      dims,
      assumptions,
    } = await collect(dataset, { name: 'x', type: 'float32', shape: ['n', 2, 5] }, undefined, 2);
    expect(got).toEqual([4, 0, 9]);
    expect(dims).toEqual([
      [2, 2, 5],
      [1, 2, 5],
    ]);
    expect(assumptions).toBe('');
    expect(inputs).toEqual([...floats]);
  });
});

describe('streaming', () => {
  it('reads files one batch ahead at most, never the whole folder', async () => {
    const count = 40;
    const batchSize = 4;
    const file = encodePng(W, H, gradient(W, H, 0));
    const files = Object.fromEntries(
      Array.from({ length: count }, (_, i) => [`img${String(i).padStart(2, '0')}.png`, file]),
    );
    const inner = memoryFileSource('many', files);
    let reads = 0;
    const counting = { ...inner, read: (path: string) => ((reads += 1), inner.read(path)) };
    const dataset = await openDataset(counting, { decoder: nodeImageDecoder });
    expect(reads).toBe(0);
    const { preprocess } = resolvePreprocess(RAW, RGB_INPUT, dataset);
    let consumed = 0;
    for await (const b of batches(dataset, preprocess, { batchSize })) {
      consumed += b.dims[0];
      // This batch plus the one being prefetched.
      expect(reads).toBeLessThanOrEqual(consumed + batchSize);
    }
    expect(reads).toBe(count);
  });
});
