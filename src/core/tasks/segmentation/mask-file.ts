import { decode as decodePng } from 'fast-png';
import { DatasetError, type Mask } from '../../eval';

/**
 * A mask PNG's class indices: palette PNGs give their palette indices (as VOC's SegmentationClass and
 * Cityscapes' label images store them), 8/16-bit gray PNGs give their values. Colour PNGs are refused:
 * their colours are not class indices. `fast-png` is used because it keeps palette indices, which
 * image decoders (pngjs, the browser's canvas) expand to colours.
 */
export function decodeMaskPng(path: string, bytes: Uint8Array): Mask {
  let png: ReturnType<typeof decodePng>;
  try {
    png = decodePng(bytes);
  } catch (e) {
    throw new DatasetError(path, `${path} cannot be decoded as a PNG mask (${(e as Error).message}).`);
  }
  const { width, height, channels, depth } = png;
  if (channels !== 1) {
    throw new DatasetError(
      path,
      `${path} is a ${channels}-channel PNG; a mask must be a palette or gray PNG whose values are class indices.`,
    );
  }
  const data = png.data;
  if (data.length === width * height)
    return { width, height, data: data instanceof Uint16Array ? data : Uint8Array.from(data) };
  return { width, height, data: unpackBits(data as Uint8Array, width, height, depth) };
}

/** Rows of 1/2/4-bit samples, each row padded to a byte, into one byte per pixel. */
function unpackBits(packed: Uint8Array, width: number, height: number, depth: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * depth) / 8);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      out[y * width + x] = (packed[y * rowBytes + (bit >> 3)] >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}
