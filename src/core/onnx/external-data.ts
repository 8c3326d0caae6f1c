import { OnnxFormatError } from './errors';
import type { Tensor } from './types';
import type { ProtoReader } from './wire-reader';

/** Reads an `external_data` key (`location`, `offset`, `length`, `checksum`). */
export function externalDataKey(t: Tensor, key: string): string | undefined {
  for (const e of t.externalData) if (e.key === key) return e.value;
  return undefined;
}

function byteCount(r: ProtoReader, t: Tensor, key: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) {
    throw r.fail(
      `File is corrupt: tensor '${t.name}' has external data ${key} '${text}', which is not a byte count.`,
    );
  }
  return n;
}

/**
 * Returns the bytes of a tensor with `data_location = EXTERNAL`: `length` bytes from `offset` in the
 * file named by `location` (ONNX IR "External Tensor Data"): a view over the caller's buffer, or the
 * range read from a ranged file once its size is known to hold it.
 */
export function resolveExternalData(r: ProtoReader, t: Tensor): Uint8Array {
  const location = externalDataKey(t, 'location');
  if (location === undefined) {
    throw r.fail(`File is corrupt: tensor '${t.name}' is marked external but names no location.`);
  }
  const file = r.externalData?.(location);
  if (!file) {
    throw new OnnxFormatError(
      'missing-external-data',
      `External data file '${location}' for tensor '${t.name}' was not supplied.`,
    );
  }
  const offsetText = externalDataKey(t, 'offset');
  const lengthText = externalDataKey(t, 'length');
  const offset = offsetText === undefined ? 0 : byteCount(r, t, 'offset', offsetText);
  const size = file instanceof Uint8Array ? file.length : file.size;
  const length = lengthText === undefined ? size - offset : byteCount(r, t, 'length', lengthText);
  if (offset + length > size || length < 0) {
    throw new OnnxFormatError(
      'truncated',
      `External data file '${location}' is truncated: tensor '${t.name}' needs bytes ${offset} to ${offset + length} but the file has ${size}.`,
    );
  }
  return file instanceof Uint8Array ? file.subarray(offset, offset + length) : file.read(offset, length);
}
