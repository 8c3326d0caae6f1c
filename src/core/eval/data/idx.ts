import { DatasetError } from '../errors';
import { maybeGunzip } from './gzip';
import { DEFAULT_DATA_LIMITS, type DataLimits } from './limits';

/** An IDX array of unsigned bytes (the only element type MNIST-style sets use). */
export interface IdxArray {
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

const IDX_UINT8 = 0x08;

/**
 * Parses an IDX file (optionally gzipped), the format MNIST and Fashion-MNIST ship in: two zero bytes,
 * the element type (0x08 = uint8), the rank, then `rank` big-endian uint32 dims and the data row-major.
 * `expectedRank` is 3 for images (N, H, W) and 1 for labels.
 */
export function parseIdx(
  path: string,
  raw: Uint8Array,
  expectedRank: number,
  limits: DataLimits = DEFAULT_DATA_LIMITS,
): IdxArray {
  const bytes = maybeGunzip(path, raw, limits, idxLength);
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DatasetError(path, `${path} is not an IDX file (bad magic ${hexMagic(bytes)}).`);
  }
  if (bytes[2] !== IDX_UINT8) {
    throw new DatasetError(
      path,
      `${path} holds IDX element type 0x${bytes[2].toString(16)}; only uint8 (0x08) is supported.`,
    );
  }
  const rank = bytes[3];
  if (rank !== expectedRank) {
    const what = expectedRank === 1 ? 'a labels file (rank 1)' : `an images file (rank ${expectedRank})`;
    throw new DatasetError(
      path,
      `${path} has IDX rank ${rank}, but ${what} was expected (magic ${hexMagic(bytes)}).`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 + 4 * rank)
    throw new DatasetError(path, `${path} is truncated inside its IDX header.`);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const shown = `[${dims.join(', ')}]`;
  // A zero dim would make a dataset of billions of empty samples (dims [4e9, 0, 0] needs 0 bytes).
  if (dims.some((d) => d === 0))
    throw new DatasetError(path, `${path} has IDX dims ${shown}; every dimension must be at least 1.`);
  const count = dims.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * rank;
  const present = bytes.length - start;
  if (present < count) {
    throw new DatasetError(
      path,
      `${path} is truncated: dims ${shown} need ${count} bytes of data, it has ${present}.`,
    );
  }
  if (present > count) {
    throw new DatasetError(
      path,
      `${path} has ${present - count} bytes after the ${count} that its IDX dims ${shown} describe.`,
    );
  }
  return { dims, data: bytes.subarray(start, start + count) };
}

/** The byte length an IDX header implies (header plus data), or `undefined` if it is not one. */
function idxLength(head: Uint8Array): number | undefined {
  if (head.length < 4 || head[0] !== 0 || head[1] !== 0 || head.length < 4 + 4 * head[3]) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let count = 1;
  for (let i = 0; i < head[3]; i++) count *= view.getUint32(4 + 4 * i, false);
  return 4 + 4 * head[3] + count;
}

function hexMagic(bytes: Uint8Array): string {
  let s = '0x';
  for (let i = 0; i < 4; i++) s += (bytes[i] ?? 0).toString(16).padStart(2, '0');
  return s;
}
