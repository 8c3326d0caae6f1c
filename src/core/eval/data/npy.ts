import { DatasetError } from '../errors';
import type { TensorArray } from '../types';

/** A NumPy array read from `.npy`, C order, native-endian copy or view. */
export interface NpyArray {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data: TensorArray;
}

type ArrayCtor = {
  new (buffer: ArrayBuffer, offset: number, length: number): TensorArray;
  BYTES_PER_ELEMENT: number;
};

const DTYPES: Record<string, ArrayCtor> = {
  u1: Uint8Array,
  i1: Int8Array,
  b1: Uint8Array,
  u2: Uint16Array,
  i2: Int16Array,
  u4: Uint32Array,
  i4: Int32Array,
  f4: Float32Array,
  f8: Float64Array,
  i8: BigInt64Array,
  u8: BigUint64Array,
};

/** What a `.npy` header says: the dtype code, the shape, and where the data starts. */
export interface NpyHeader {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly dataStart: number;
}

/**
 * Parses a `.npy` file (format versions 1–3: magic `\x93NUMPY`, version, header length, a Python-dict
 * header with `descr`, `fortran_order`, `shape`, then the raw data). Little-endian or byte-sized dtypes,
 * C order only. The array is a view over `bytes` when its data is aligned, else an aligned copy.
 */
export function parseNpy(path: string, bytes: Uint8Array): NpyArray {
  const { dtype: code, shape, dataStart } = readNpyHeader(path, bytes);
  const ctor = DTYPES[code];
  const count = shape.reduce((a, b) => a * b, 1);
  const byteLength = count * ctor.BYTES_PER_ELEMENT;
  const shown = `[${shape.join(', ')}]`;
  const present = bytes.length - dataStart;
  if (!Number.isSafeInteger(byteLength) || present < byteLength) {
    throw new DatasetError(
      path,
      `${path} is truncated: shape ${shown} needs ${byteLength} bytes of data, it has ${present}.`,
    );
  }
  if (present > byteLength) {
    throw new DatasetError(
      path,
      `${path} has ${present - byteLength} bytes after the ${byteLength} that its shape ${shown} describes.`,
    );
  }
  // numpy pads headers so the data is aligned; a copy is needed only when it is not (old writers).
  const at = bytes.byteOffset + dataStart;
  if (at % ctor.BYTES_PER_ELEMENT === 0)
    return { dtype: code, shape, data: new ctor(bytes.buffer as ArrayBuffer, at, count) };
  const copy = bytes.slice(dataStart, dataStart + byteLength);
  return { dtype: code, shape, data: new ctor(copy.buffer, 0, count) };
}

/** Reads just the header; `bytes` may be the first few kilobytes of the file. */
export function readNpyHeader(path: string, bytes: Uint8Array): NpyHeader {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (bytes.length < 10 || magic.some((b, i) => bytes[i] !== b))
    throw new DatasetError(path, `${path} is not a .npy file (bad magic).`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart) throw new DatasetError(path, `${path} is truncated inside its header.`);
  const header = new TextDecoder().decode(bytes.subarray(headerStart, dataStart));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new DatasetError(path, `${path} has an unreadable header: ${header.trim()}`);
  }
  if (fortran === 'True') throw new DatasetError(path, `${path} is in Fortran order; save it C-contiguous.`);
  const shape = parseShape(path, shapeText);
  const endian = descr[0];
  const code = descr.slice(1);
  const ctor = DTYPES[code];
  if (ctor === undefined || endian === '>' || (endian !== '<' && endian !== '|' && endian !== '=')) {
    throw new DatasetError(
      path,
      `${path} has dtype ${descr}; supported are little-endian ints, floats and bools.`,
    );
  }
  return { dtype: code, shape, dataStart };
}

/** The dims of a header's `shape` tuple: non-negative integers only (`(abc, 1)` or `(-3,)` are refused). */
function parseShape(path: string, text: string): number[] {
  const parts = text.split(',').map((s) => s.trim());
  // A one-element tuple ends with a comma: `(10,)`.
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 1 && parts[0] === '') return [];
  return parts.map((part) => {
    const dim = /^\d+L?$/.test(part) ? Number.parseInt(part, 10) : NaN;
    if (!Number.isSafeInteger(dim)) {
      throw new DatasetError(
        path,
        `${path} has shape (${text.trim()}) in its header; every dimension must be a non-negative integer.`,
      );
    }
    return dim;
  });
}
