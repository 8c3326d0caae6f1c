import { NO_CLASS, type PictureImage } from './types';

/** Distinct colours for classes 1…, cycled; class 0 takes the first unless it is a see-through background. */
const PALETTE: readonly (readonly [number, number, number])[] = [
  [230, 25, 75],
  [60, 180, 75],
  [255, 225, 25],
  [0, 130, 200],
  [245, 130, 48],
  [145, 30, 180],
  [70, 240, 240],
  [240, 50, 230],
  [210, 245, 60],
  [250, 190, 212],
  [0, 128, 128],
  [220, 190, 255],
  [170, 110, 40],
  [128, 0, 0],
  [170, 255, 195],
  [128, 128, 0],
  [0, 0, 128],
  [255, 215, 180],
];

/** The colour of class `k` as `#rrggbb`, shared by masks, boxes and legends (the studio and the report). */
export function classColor(k: number, background: boolean): string {
  const [r, g, b] = classRgb(k, background);
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

function classRgb(k: number, background: boolean): readonly [number, number, number] {
  const i = background ? k - 1 : k;
  return i < 0 ? [0, 0, 0] : PALETTE[i % PALETTE.length];
}

/**
 * The image with a class map blended over it (`alpha` of the class colour): what a segmentation stage
 * predicted, pixel by pixel. See-through where the class is the background or {@link NO_CLASS}.
 */
export function maskOverlay(
  image: PictureImage,
  classes: Uint8Array,
  background: boolean,
  alpha = 0.55,
): Uint8ClampedArray {
  const out = new Uint8ClampedArray(image.rgba);
  for (let p = 0; p < classes.length; p++) {
    const k = classes[p];
    if (k === NO_CLASS || (background && k === 0)) continue;
    const [r, g, b] = classRgb(k, background);
    const o = p * 4;
    out[o] = out[o] * (1 - alpha) + r * alpha;
    out[o + 1] = out[o + 1] * (1 - alpha) + g * alpha;
    out[o + 2] = out[o + 2] * (1 - alpha) + b * alpha;
  }
  return out;
}
