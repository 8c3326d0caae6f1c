/**
 * The CLI on decompression bombs: exit 2, one sentence naming the file, the limit and the environment
 * variable that raises it, and a peak resident memory under 512 MB (the whole process: Node, tsx and
 * the command) where the same files once took 2–6 GB.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deflateBomb, gzipOf, pngBomb, zipOf } from '../eval/bombs';
import { encodeNpy } from '../eval/helpers';
import { fixturePath, runCliMeasured } from './run-cli';

const GiB = 2 ** 30;
const MB = 1e6;
const tmp = mkdtempSync(join(tmpdir(), 'whittle-bombs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function write(name: string, bytes: Uint8Array): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

const model = fixturePath('fmnist-resnet8.onnx');
const idxHeader = (n: number) => {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  [0x803, n, 28, 28].forEach((v, i) => view.setUint32(4 * i, v));
  return out;
};
const npyBomb = (bytes: number) =>
  deflateBomb(bytes, encodeNpy('|u1', [bytes / 784, 28, 28], new Uint8Array(0)));

describe('whittle eval on decompression bombs', () => {
  it.each([
    [
      'a 2 MB zip holding a 2 GiB IDX member',
      () =>
        write(
          'bomb.zip',
          zipOf([{ path: 'train-images-idx3-ubyte', data: deflateBomb(2 * GiB), deflatedSize: 2 * GiB }]),
        ),
      /^whittle: eval: bomb\.zip: member train-images-idx3-ubyte inflates to more than 256 MiB/,
    ],
    [
      'a 3 MB .idx.gz whose trailer lies',
      () => write('t10k-images-idx3-ubyte.gz', gzipOf(deflateBomb(3 * GiB, idxHeader(4_000_000)), 1000)),
      /^whittle: eval: .*t10k-images-idx3-ubyte\.gz inflates to more than 256 MiB/,
    ],
    [
      'a 6 MB .npz of two 3 GiB arrays',
      () =>
        write(
          'bomb.npz',
          zipOf([
            { path: 'x.npy', data: npyBomb(3 * GiB), deflatedSize: 3 * GiB + 128 },
            { path: 'y.npy', data: npyBomb(3 * GiB), deflatedSize: 3 * GiB + 128 },
          ]),
        ),
      // The task opener reads the mask-or-labels array (y) before the inputs (x): whichever comes first stops.
      /^whittle: eval: .*bomb\.npz: member [xy]\.npy inflates to more than 256 MiB/,
    ],
  ])('%s', (_what, make, message) => {
    const result = runCliMeasured({}, 'eval', model, '--data', make(), '--ref', model);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/; to allow it, set WHITTLE_MAX_INFLATED_MB \(now 256\)\.\n$/);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.code).toBe(2);
    expect(result.peakRss).toBeLessThan(512 * MB);
    console.log(`${_what}: peak RSS ${(result.peakRss / MB).toFixed(0)} MB`);
  });

  it('a 20000×20000 PNG in an image folder', () => {
    const result = runCliMeasured(
      { WHITTLE_MAX_IMAGE_MP: '25' },
      'eval',
      model,
      '--data',
      write('big.png', pngBomb(20_000, 20_000)),
      '--ref',
      model,
      '--preprocess',
      'unit',
    );
    expect(result.stderr).toBe(
      `whittle: eval: big.png is 20000×20000 (400 MP), more than the 25 MP limit for one image; to allow it, set WHITTLE_MAX_IMAGE_MP (now 25).\n`,
    );
    expect(result.code).toBe(2);
    expect(result.peakRss).toBeLessThan(512 * MB);
    console.log(`png: peak RSS ${(result.peakRss / MB).toFixed(0)} MB`);
  });
});
