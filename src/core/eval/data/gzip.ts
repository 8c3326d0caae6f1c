import { inflateBounded } from './inflate';
import { inflateLimitError, type DataLimits } from './limits';

/** Enough of a file to hold its format's header (an IDX header is at most 4 + 4 · 255 bytes). */
const HEADER_PREFIX = 1024;

/**
 * Gunzips when the bytes carry the gzip magic (1f 8b), else returns them unchanged. When the format's
 * header says how long the file is (`lengthFromHeader`), only that many bytes are inflated, and a
 * header claiming more than the limit is refused before the rest is touched (a broken header returns
 * just the first kilobyte, for the parser to report); otherwise the trailer's
 * size (ISIZE, the length mod 2^32) sizes the buffer and the limit bounds it.
 */
export function maybeGunzip(
  path: string,
  bytes: Uint8Array,
  limits: DataLimits,
  lengthFromHeader?: (head: Uint8Array) => number | undefined,
): Uint8Array {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  const request = { item: path, what: path, format: 'gzip' as const, limits };
  if (lengthFromHeader) {
    const head = inflateBounded(bytes, { ...request, prefix: HEADER_PREFIX });
    const length = lengthFromHeader(head);
    // No length: the header is broken, and the head alone lets the parser say how.
    if (length === undefined) return head;
    if (length > limits.maxInflatedBytes) throw inflateLimitError(path, path, limits);
    return inflateBounded(bytes, { ...request, declared: length, prefix: length });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const trailer = bytes.length >= 18 ? view.getUint32(bytes.length - 4, true) : undefined;
  return inflateBounded(bytes, { ...request, declared: trailer });
}
