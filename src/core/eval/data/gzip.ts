import { gunzipSync } from 'fflate';
import { DatasetError } from '../errors';

/** Gunzips when the bytes carry the gzip magic (1f 8b), else returns them unchanged. */
export function maybeGunzip(path: string, bytes: Uint8Array): Uint8Array {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new DatasetError(path, `${path} is a damaged gzip file (${(e as Error).message}).`);
  }
}
