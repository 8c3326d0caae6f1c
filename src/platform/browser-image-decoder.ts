import type { ImageDecoder, RawImage } from '../core/eval';

/**
 * PNG/JPEG decoding with the browser's own decoders (`createImageBitmap` + `OffscreenCanvas`), for a
 * page or a worker. Colour-space conversion and premultiplication are switched off so pixel values
 * match what a pure-JS decoder gives in Node.
 */
export const browserImageDecoder: ImageDecoder = {
  decode: async (bytes: Uint8Array, path: string): Promise<RawImage> => {
    const bitmap = await createImageBitmap(new Blob([bytes.slice()]), {
      colorSpaceConversion: 'none',
      premultiplyAlpha: 'none',
    });
    try {
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d', { willReadFrequently: true });
      if (!context) throw new Error(`${path}: no 2D canvas context to decode into`);
      context.drawImage(bitmap, 0, 0);
      const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
      return {
        width: bitmap.width,
        height: bitmap.height,
        channels: 4,
        data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      };
    } finally {
      bitmap.close();
    }
  },
};
