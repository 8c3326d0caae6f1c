/**
 * Decompression bombs: every container is inflated lazily and only as far as its limit, so a few
 * megabytes that claim gigabytes end in a `DataLimitError` naming the file, the limit and how to raise
 * it, or, when the bomb is a member nobody reads, in a dataset that works. The CLI's peak memory on the
 * same bombs is measured in tests/cli/bombs.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  batches,
  DataLimitError,
  DatasetError,
  DEFAULT_DATA_LIMITS,
  memoryFileSource,
  openDataset,
  resolvePreprocess,
  type DataLimits,
  type Dataset,
} from '../../src/core/eval';
import { dataLimitsFromEnv, nodeImageDecoder } from '../../src/core/eval/node';
import { maybeGunzip } from '../../src/core/eval/data/gzip';
import { deflateBomb, gzipOf, pngBomb, zipOf } from './bombs';
import { encodeNpy, encodePng, gradient } from './helpers';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

function open(files: Record<string, Uint8Array>, limits?: DataLimits): Promise<Dataset> {
  return openDataset(memoryFileSource('data', files), { decoder: nodeImageDecoder, limits });
}

async function failure(action: () => Promise<unknown>): Promise<Error> {
  return action().then(
    () => {
      throw new Error('expected a failure');
    },
    (e: Error) => e,
  );
}

async function drain(dataset: Dataset): Promise<number> {
  const input = { name: 'x', type: 'float32' as const, shape: ['n', 3, 4, 4] };
  const { preprocess } = resolvePreprocess({ scale: 1 }, input, dataset);
  let n = 0;
  for await (const b of batches(dataset, preprocess, { batchSize: 2 })) n += b.dims[0];
  return n;
}

/** IDX images header for n images of h×w. */
function idxHeader(n: number, h: number, w: number): Uint8Array {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x803);
  view.setUint32(4, n);
  view.setUint32(8, h);
  view.setUint32(12, w);
  return out;
}

const png = encodePng(4, 4, gradient(4, 4, 1));
const limitText = /inflates to more than 256 MiB, the limit for one decompressed file; to allow it, raise/;

describe('zip members', () => {
  it('a 2 GiB member nobody reads is never inflated', async () => {
    const zip = zipOf([
      { path: 'a/1.png', data: png },
      { path: 'b/2.png', data: png },
      { path: 'notes.bin', data: deflateBomb(2 * GiB), deflatedSize: 2 * GiB },
    ]);
    expect(zip.length).toBeLessThan(3 * MiB);
    const dataset = await open({ 'set.zip': zip });
    expect(dataset.size).toBe(2);
    expect(await drain(dataset)).toBe(2);
  });

  it('a member declaring 2 GiB is refused before inflating, naming the member and the limit', async () => {
    const zip = zipOf([
      { path: 'train-images-idx3-ubyte', data: deflateBomb(2 * GiB), deflatedSize: 2 * GiB },
    ]);
    const error = await failure(() => open({ 'set.zip': zip }));
    expect(error).toBeInstanceOf(DataLimitError);
    expect(error.message).toMatch(/^set\.zip: member train-images-idx3-ubyte inflates to more than 256 MiB/);
    expect(error.message).toMatch(limitText);
  });

  it('a member that lies about its size stops at the declared size', async () => {
    const zip = zipOf([
      { path: 'train-images-idx3-ubyte', data: deflateBomb(2 * GiB, idxHeader(1, 1, 1)), deflatedSize: 17 },
    ]);
    const error = await failure(() => open({ 'set.zip': zip }));
    expect(error).toBeInstanceOf(DatasetError);
    expect(error.message).toBe(
      'set.zip: member train-images-idx3-ubyte is damaged: it inflates past the 17 bytes its header declares.',
    );
  });
});

describe('.npz arrays', () => {
  const x = encodeNpy('|u1', [2, 4, 4, 3], new Uint8Array(96).fill(7));
  const y = encodeNpy('<i8', [2], new BigInt64Array([0n, 1n]));
  const npyBomb = (bytes: number) =>
    deflateBomb(bytes, encodeNpy('|u1', [bytes / 48, 4, 4, 3], new Uint8Array(0)));

  it('an array nobody uses is not inflated (only its header is read)', async () => {
    const npz = zipOf([
      { path: 'x.npy', data: x },
      { path: 'y.npy', data: y },
      { path: 'extra.npy', data: npyBomb(3 * GiB), deflatedSize: 3 * GiB + 128 },
    ]);
    const dataset = await open({ 'set.npz': npz });
    expect(dataset.size).toBe(2);
    expect([...(dataset.labels ?? [])]).toEqual([0, 1]);
  });

  it('two unnamed arrays are told apart by their headers alone', async () => {
    const npz = zipOf([
      { path: 'arr_0.npy', data: x },
      { path: 'arr_1.npy', data: y },
    ]);
    const dataset = await open({ 'set.npz': npz });
    expect(dataset.name).toBe('set.npz:arr_0');
    expect(dataset.labels).toHaveLength(2);
  });

  it('inputs of 3 GiB are refused with the limit', async () => {
    const npz = zipOf([
      { path: 'x.npy', data: npyBomb(3 * GiB), deflatedSize: 3 * GiB + 128 },
      { path: 'y.npy', data: npyBomb(3 * GiB), deflatedSize: 3 * GiB + 128 },
    ]);
    const error = await failure(() => open({ 'set.npz': npz }));
    expect(error).toBeInstanceOf(DataLimitError);
    expect(error.message).toMatch(/^set\.npz: member x\.npy inflates to more than 256 MiB/);
  });
});

describe('gzipped IDX', () => {
  const bomb = deflateBomb(3 * GiB, idxHeader(3 * 2 ** 20, 32, 32));

  it('a trailer claiming 3 GiB is refused before inflating', async () => {
    const error = await failure(() => open({ 'train-images-idx3-ubyte.gz': gzipOf(bomb, 3 * GiB + 16) }));
    expect(error).toBeInstanceOf(DataLimitError);
    expect(error.message).toMatch(/^train-images-idx3-ubyte\.gz inflates to more than 256 MiB/);
  });

  it('a trailer that lies is no help: the IDX header decides, and claims too much', async () => {
    const error = await failure(() => open({ 'train-images-idx3-ubyte.gz': gzipOf(bomb, 100) }));
    expect(error).toBeInstanceOf(DataLimitError);
    expect(error.message).toMatch(limitText);
  });

  it('an honest header followed by a bomb: only the bytes the header needs are inflated', async () => {
    const tail = gzipOf(deflateBomb(3 * GiB, idxHeader(2, 28, 28)), 100);
    const dataset = await open({ 'train-images-idx3-ubyte.gz': tail });
    expect(dataset.size).toBe(2);
  });

  it('a gzip file that is no IDX file is judged by its first kilobyte', async () => {
    const notIdx = gzipOf(deflateBomb(3 * GiB, new Uint8Array([0x42, 0x4d, 1, 2])), 100);
    const error = await failure(() => open({ 'train-images-idx3-ubyte.gz': notIdx }));
    expect(error.message).toBe('train-images-idx3-ubyte.gz is not an IDX file (bad magic 0x424d0102).');
  });

  it('without a header length, inflating stops at the limit whatever the trailer says', () => {
    const limits = { ...DEFAULT_DATA_LIMITS, maxInflatedBytes: 8 * MiB };
    expect(() => maybeGunzip('x.gz', gzipOf(deflateBomb(3 * GiB), 100), limits)).toThrow(
      new DataLimitError(
        'x.gz',
        'x.gz inflates to more than 8 MiB, the limit for one decompressed file; to allow it, raise maxInflatedBytes in the data limits.',
      ),
    );
    expect(maybeGunzip('x.gz', gzipOf(deflateBomb(4 * MiB), 4 * MiB), limits)).toHaveLength(4 * MiB);
  });

  it('a file under a raised limit opens', async () => {
    const small = gzipOf(deflateBomb(2 * MiB, idxHeader(2048, 32, 32)), 2 * MiB + 16);
    const tight = { ...DEFAULT_DATA_LIMITS, maxInflatedBytes: 1 * MiB };
    await expect(open({ 'train-images-idx3-ubyte.gz': small }, tight)).rejects.toThrow(DataLimitError);
    const raised = { ...DEFAULT_DATA_LIMITS, maxInflatedBytes: 4 * MiB };
    expect((await open({ 'train-images-idx3-ubyte.gz': small }, raised)).size).toBe(2048);
  });
});

describe('images', () => {
  it('a 20000×20000 PNG of 400 KB is refused from its header, naming the file', async () => {
    const bomb = pngBomb(20_000, 20_000);
    expect(bomb.length).toBeLessThan(2 * MiB);
    const dataset = await open({ 'a/big.png': bomb, 'b/ok.png': png });
    const error = await failure(() => drain(dataset));
    expect(error).toBeInstanceOf(DataLimitError);
    expect(error.message).toBe(
      'a/big.png is 20000×20000 (400 MP), more than the 40 MP limit for one image; to allow it, raise maxImagePixels in the data limits.',
    );
  });

  it('the pixel limit is the one given, and a decodable PNG bomb passes when raised', async () => {
    const bomb = pngBomb(300, 200);
    const tight = await open(
      { 'a/p.png': bomb, 'b/q.png': png },
      { ...DEFAULT_DATA_LIMITS, maxImagePixels: 50_000 },
    );
    await expect(drain(tight)).rejects.toThrow(
      /a\/p\.png is 300×200 \(0\.1 MP\), more than the 0\.1 MP limit/,
    );
    const raised = await open(
      { 'a/p.png': bomb, 'b/q.png': png },
      { ...DEFAULT_DATA_LIMITS, maxImagePixels: 60_000 },
    );
    expect(await drain(raised)).toBe(2);
  });
});

describe('limits from the environment (CLI)', () => {
  it('reads WHITTLE_MAX_INFLATED_MB and WHITTLE_MAX_IMAGE_MP and says how to raise them', () => {
    const limits = dataLimitsFromEnv({ WHITTLE_MAX_INFLATED_MB: '512', WHITTLE_MAX_IMAGE_MP: '1.5' });
    expect(limits.maxInflatedBytes).toBe(512 * MiB);
    expect(limits.maxImagePixels).toBe(1.5e6);
    expect(limits.howToRaise?.inflated).toBe('set WHITTLE_MAX_INFLATED_MB (now 512)');
    expect(dataLimitsFromEnv({}).howToRaise?.pixels).toBe('set WHITTLE_MAX_IMAGE_MP (now 40)');
    expect(() => dataLimitsFromEnv({ WHITTLE_MAX_INFLATED_MB: 'lots' })).toThrow(
      'WHITTLE_MAX_INFLATED_MB must be a positive number, not "lots".',
    );
  });
});
