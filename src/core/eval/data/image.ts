/** Decoded 8-bit pixels, row-major, channels interleaved (HWC). */
export interface RawImage {
  readonly width: number;
  readonly height: number;
  /** 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA. */
  readonly channels: 1 | 2 | 3 | 4;
  readonly data: Uint8Array;
}

/**
 * Turns encoded PNG/JPEG bytes into pixels. Injected so the core stays free of the DOM: the browser
 * passes one built on `createImageBitmap`/`OffscreenCanvas`, Node one built on a pure-JS decoder.
 * Throws on bytes it cannot decode; the dataset wraps that in a `DatasetError` naming the file.
 */
export interface ImageDecoder {
  decode(bytes: Uint8Array, path: string): Promise<RawImage>;
}

/** File extensions read as images. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['png', 'jpg', 'jpeg']);
