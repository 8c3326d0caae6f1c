/**
 * An encoded image's width and height read from its header alone (PNG `IHDR`, JPEG `SOFn`), so a
 * decompression bomb is refused before any decoder allocates its pixels. `undefined` when the header
 * cannot be read; the decoder then reports what is wrong.
 */
export function encodedImageSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // PNG: 8-byte signature, then the IHDR chunk (length, "IHDR", width, height, big-endian).
  if (bytes.length >= 24 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e)
    return { width: view.getUint32(16), height: view.getUint32(20) };
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  // JPEG: walk the marker segments up to the frame header (ITU T.81 B.2.2); SOF0–SOF15 except DHT
  // (C4), JPG (C8) and DAC (CC) carry precision, height, width.
  let at = 2;
  while (at + 9 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const height = view.getUint16(at + 5);
      const width = view.getUint16(at + 7);
      return height > 0 ? { width, height } : undefined;
    }
    if (marker === 0xda) return undefined;
    const standalone = marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9);
    at += standalone ? 2 : 2 + view.getUint16(at + 2);
  }
  return undefined;
}
