/**
 * Light augmentation of NCHW image batches, seeded: horizontal flip with probability ½ and a random
 * crop of the image padded by `pad` pixels on each side (the padding repeats the border, which for
 * photos on plain backgrounds is the background). Both are the standard CIFAR/Fashion-MNIST recipe.
 */
export interface AugmentOptions {
  flip: boolean;
  /** Pixels of padding before the random crop back to the original size (0: no crop). */
  pad: number;
}

/** Augments `batch` images of [channels, height, width] from `src` into `dst`. */
export function augmentBatch(
  src: Float32Array,
  dst: Float32Array,
  batch: number,
  [channels, height, width]: readonly number[],
  options: AugmentOptions,
  random: () => number,
): void {
  const plane = height * width;
  for (let n = 0; n < batch; n++) {
    const flip = options.flip && random() < 0.5;
    const dy = options.pad ? Math.floor(random() * (2 * options.pad + 1)) - options.pad : 0;
    const dx = options.pad ? Math.floor(random() * (2 * options.pad + 1)) - options.pad : 0;
    for (let c = 0; c < channels; c++) {
      const base = (n * channels + c) * plane;
      for (let y = 0; y < height; y++) {
        const sy = Math.min(height - 1, Math.max(0, y + dy));
        for (let x = 0; x < width; x++) {
          const xx = flip ? width - 1 - x : x;
          const sx = Math.min(width - 1, Math.max(0, xx + dx));
          dst[base + y * width + x] = src[base + sy * width + sx];
        }
      }
    }
  }
}
