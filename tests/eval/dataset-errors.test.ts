import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  batches,
  DatasetError,
  memoryFileSource,
  openDataset,
  resolvePreprocess,
  type Dataset,
  type OpenDatasetOptions,
  type PreprocessSpec,
  type ValueMeta,
} from '../../src/core/eval';
import { nodeImageDecoder } from '../../src/core/eval/node';
import { encodeNpy, encodePng, fixture, gradient } from './helpers';

const INPUT: ValueMeta = { name: 'x', type: 'float32', shape: ['n', 3, 4, 4] };

function open(files: Record<string, Uint8Array>, options: OpenDatasetOptions = {}): Promise<Dataset> {
  return openDataset(memoryFileSource('data', files), { decoder: nodeImageDecoder, ...options });
}

async function drain(
  dataset: Dataset,
  input: ValueMeta = INPUT,
  spec: PreprocessSpec = { scale: 1 },
): Promise<void> {
  const { preprocess } = resolvePreprocess(spec, input, dataset);
  for await (const _ of batches(dataset, preprocess, { batchSize: 2 })) void _;
}

/** Asserts a DatasetError naming `item` with a message matching `message`. */
async function expectDatasetError(
  action: () => Promise<unknown>,
  item: string,
  message: RegExp,
): Promise<void> {
  const error = await action().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatasetError);
  expect((error as DatasetError).item).toBe(item);
  expect((error as DatasetError).message).toMatch(message);
  expect((error as DatasetError).message).toContain(item);
}

const png = encodePng(4, 4, gradient(4, 4, 1));
const idxLabels = (n: number) => {
  const out = new Uint8Array(8 + n);
  new DataView(out.buffer).setUint32(0, 0x801);
  new DataView(out.buffer).setUint32(4, n);
  return out;
};

describe('bad datasets give a DatasetError naming the item', () => {
  it('a corrupt image', async () => {
    const broken = png.slice(0, 40);
    const dataset = await open({ 'cat/a.png': png, 'cat/b.png': broken, 'dog/c.png': png });
    await expectDatasetError(() => drain(dataset), 'cat/b.png', /cannot be decoded as an image/);
  });

  it('a file that is no image at all', async () => {
    const dataset = await open({ 'a.png': png, 'b.jpg': new TextEncoder().encode('hello') });
    await expectDatasetError(() => drain(dataset), 'b.jpg', /neither PNG nor JPEG/);
  });

  it('samples of the wrong shape for the model', async () => {
    const dataset = await open({ 'x.npy': encodeNpy('<f4', [2, 2, 5], new Float32Array(20)) });
    const input: ValueMeta = { name: 'x', type: 'float32', shape: ['n', 2, 6] };
    await expectDatasetError(
      async () => resolvePreprocess(undefined, input, dataset),
      'x.npy',
      /Wrong sample shape.*\[2, 5\].*\[2, 6\]/,
    );
  });

  it('an image smaller than the crop', async () => {
    const dataset = await open({ 'a.png': png });
    await expectDatasetError(
      () => drain(dataset, INPUT, { crop: [4, 4], resize: [3, 3] }),
      'a.png',
      /smaller than the 4×4 crop/,
    );
  });

  it('IDX labels that do not match the images in count', async () => {
    const images = fixture('fmnist-calib/train-images-idx3-ubyte.gz');
    const labels = gzipSync(idxLabels(999));
    await expectDatasetError(
      () => open({ 'train-images-idx3-ubyte.gz': images, 'train-labels-idx1-ubyte.gz': labels }),
      'train-labels-idx1-ubyte.gz',
      /Mismatched label count: .* 999 labels for 1000 images/,
    );
  });

  it('a labels file with too few lines', async () => {
    const labels = { path: 'labels.txt', bytes: new TextEncoder().encode('0\n1\n') };
    await expectDatasetError(
      () => open({ 'a.png': png, 'b.png': png, 'c.png': png }, { labels }),
      'labels.txt',
      /Mismatched label count: labels.txt has 2 labels for 3 samples/,
    );
  });

  it('a labels file that misses an image', async () => {
    const labels = { path: 'labels.csv', bytes: new TextEncoder().encode('a.png,1\n') };
    await expectDatasetError(
      () => open({ 'a.png': png, 'b.png': png }, { labels }),
      'b.png',
      /labels.csv has no label for b.png/,
    );
  });

  it('an empty folder', async () => {
    await expectDatasetError(() => open({}), 'data', /data is empty/);
  });

  it('a folder with no images', async () => {
    await expectDatasetError(() => open({ 'notes.txt': new Uint8Array(3) }), 'data', /holds no images/);
  });

  it('an IDX file with a bad magic number', async () => {
    const bad = new Uint8Array([0x12, 0x34, 0x08, 0x03, 0, 0, 0, 0]);
    await expectDatasetError(
      () => open({ 'x-idx3-ubyte': bad }),
      'x-idx3-ubyte',
      /not an IDX file \(bad magic 0x12340803\)/,
    );
  });

  it('an IDX images file whose rank is that of labels', async () => {
    await expectDatasetError(
      () => open({ 'x-idx3-ubyte': idxLabels(2) }),
      'x-idx3-ubyte',
      /rank 1, but an images file \(rank 3\)/,
    );
  });

  it('a truncated IDX images file', async () => {
    const full = fixture('fmnist-calib/train-images-idx3-ubyte.gz');
    const { gunzipSync } = await import('fflate');
    const cut = gunzipSync(full).subarray(0, 5000);
    await expectDatasetError(
      () => open({ 'x-idx3-ubyte': cut }),
      'x-idx3-ubyte',
      /truncated: dims \[1000, 28, 28\]/,
    );
  });

  it('a truncated .npy', async () => {
    const npy = encodeNpy('<f4', [4, 3], new Float32Array(12));
    await expectDatasetError(
      () => open({ 'x.npy': npy.subarray(0, npy.length - 5) }),
      'x.npy',
      /x.npy is truncated: shape \[4, 3\] needs 48 bytes/,
    );
  });

  it('a .npy with a big-endian dtype', async () => {
    await expectDatasetError(
      () => open({ 'x.npy': encodeNpy('>f4', [1, 1], new Float32Array(1)) }),
      'x.npy',
      /dtype >f4/,
    );
  });

  it('an .npz whose arrays have unknown names', async () => {
    const { zipSync } = await import('fflate');
    const npz = zipSync({
      'a.npy': encodeNpy('<f4', [1, 2], new Float32Array(2)),
      'b.npy': encodeNpy('<f4', [1, 2], new Float32Array(2)),
      'c.npy': encodeNpy('<f4', [1, 2], new Float32Array(2)),
    });
    await expectDatasetError(() => open({ 'set.npz': npz }), 'set.npz', /arrays \[a, b, c\]/);
  });

  it('a .zip that is not a zip', async () => {
    await expectDatasetError(() => open({ 'set.zip': new Uint8Array(100) }), 'set.zip', /not a zip archive/);
  });
});

/** An IDX header (uint8) with the given dims, followed by `dataBytes` zero bytes. */
function idxHeader(dims: number[], dataBytes = 0): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + dataBytes);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x800 | dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  return out;
}

describe('dataset headers that lie about their size are refused before any sample is read', () => {
  it('IDX dims [4e9, 0, 0]: billions of empty images in zero bytes', async () => {
    await expectDatasetError(
      () => open({ 'x-idx3-ubyte': idxHeader([4e9, 0, 0]) }),
      'x-idx3-ubyte',
      /IDX dims \[4000000000, 0, 0\]; every dimension must be at least 1/,
    );
  });

  it('IDX dims whose product is far beyond the bytes present', async () => {
    await expectDatasetError(
      () => open({ 'x-idx3-ubyte': idxHeader([4e9, 4e9, 4e9], 16) }),
      'x-idx3-ubyte',
      /truncated: dims \[4000000000, 4000000000, 4000000000\] need .* bytes of data, it has 16/,
    );
  });

  it('IDX data longer than its dims say', async () => {
    await expectDatasetError(
      () => open({ 'x-idx3-ubyte': idxHeader([2, 2, 2], 9) }),
      'x-idx3-ubyte',
      /has 1 bytes after the 8 that its IDX dims \[2, 2, 2\] describe/,
    );
  });

  it.each([
    [['abc', 1, 28, 28], /shape \(abc, 1, 28, 28\)/],
    [[-3, 1, 2, 2], /shape \(-3, 1, 2, 2\)/],
    [[2.5, 2], /shape \(2.5, 2\)/],
    [['', 2], /shape \(, 2\)/],
  ])('a .npy with shape %j', async (shape, message) => {
    await expectDatasetError(
      () => open({ 'x.npy': encodeNpy('<f4', shape, new Float32Array(16)) }),
      'x.npy',
      new RegExp(`${message.source}.*every dimension must be a non-negative integer`),
    );
  });

  it('a .npy of 2^62 float32 values in 16 bytes', async () => {
    await expectDatasetError(
      () => open({ 'x.npy': encodeNpy('<f4', [2 ** 31, 2 ** 31], new Float32Array(4)) }),
      'x.npy',
      /truncated: shape \[2147483648, 2147483648\] needs .* it has 16/,
    );
  });

  it('a .npy of 4e9 empty samples', async () => {
    await expectDatasetError(
      () => open({ 'x.npy': encodeNpy('<f4', [4e9, 0], new Float32Array(0)) }),
      'x.npy',
      /shape \[4000000000, 0\]; its samples hold no values/,
    );
  });

  it('a .npy with bytes after its data', async () => {
    await expectDatasetError(
      () => open({ 'x.npy': encodeNpy('<f4', [2, 1], new Float32Array(3)) }),
      'x.npy',
      /has 4 bytes after the 8 that its shape \[2, 1\] describes/,
    );
  });

  it('int64 labels beyond int32 are refused, not wrapped into a valid class', async () => {
    const labels = { path: 'y.npy', bytes: encodeNpy('<i8', [2], new BigInt64Array([1n, 2n ** 32n + 1n])) };
    await expectDatasetError(
      () => open({ 'x.npy': encodeNpy('<f4', [2, 1], new Float32Array(2)) }, { labels }),
      'sample 1',
      /y.npy gives sample 1 the label 4294967297, beyond any class index/,
    );
  });
});
