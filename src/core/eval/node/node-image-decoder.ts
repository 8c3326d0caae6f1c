import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { ImageDecoder, RawImage } from '../data/image';

/** Largest image jpeg-js may allocate for, in megapixels (its guard against hostile files). */
const MAX_MEGAPIXELS = 100;

/**
 * Pure-JS decoding for Node (no native addons): PNG through `pngjs` (any bit depth, palette,
 * interlace; 16-bit scaled to 8), JPEG through `jpeg-js` (baseline and progressive). Format chosen by
 * the file's magic bytes, not its name.
 */
export const nodeImageDecoder: ImageDecoder = {
  decode: async (bytes: Uint8Array, path: string): Promise<RawImage> => {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
      const png = PNG.sync.read(buffer);
      return {
        width: png.width,
        height: png.height,
        channels: 4,
        data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength),
      };
    }
    if (bytes[0] === 0xff && bytes[1] === 0xd8) {
      const img = jpeg.decode(buffer, {
        useTArray: true,
        formatAsRGBA: false,
        maxResolutionInMP: MAX_MEGAPIXELS,
      });
      return { width: img.width, height: img.height, channels: 3, data: img.data };
    }
    throw new Error(`${path} is neither PNG nor JPEG (unknown signature)`);
  },
};
