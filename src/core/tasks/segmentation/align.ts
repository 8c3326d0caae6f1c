import type { Mask, ResolvedPreprocess } from '../../eval';

/**
 * The mask as the model saw its image: resized by nearest neighbour to the preprocessing's resize
 * target (labels must not be blended), then centre-cropped to the input size, exactly as `PixelWriter`
 * moved the image's pixels. Returns `height × width` class indices of the model input.
 */
export function alignMask(mask: Mask, pre: ResolvedPreprocess, out: Int32Array): void {
  const { height: H, width: W } = pre;
  const [rh, rw] = pre.resize ?? [mask.height, mask.width];
  const oy = (rh - H) >> 1;
  const ox = (rw - W) >> 1;
  const sy = mask.height / rh;
  const sx = mask.width / rw;
  for (let y = 0; y < H; y++) {
    // Nearest neighbour with half-pixel centres (torch `nearest-exact`, OpenCV INTER_NEAREST_EXACT).
    const my = Math.min(mask.height - 1, Math.floor((y + oy + 0.5) * sy));
    const row = my * mask.width;
    for (let x = 0; x < W; x++) {
      const mx = Math.min(mask.width - 1, Math.floor((x + ox + 0.5) * sx));
      out[y * W + x] = mask.data[row + mx];
    }
  }
}

/**
 * Scores `[C, h, w]` of one sample resized to `H × W` (bilinear, half-pixel centres, as
 * `interpolate(align_corners=False)`), so a model whose output is smaller than its input (stride 4, 8) is
 * scored against the full-size mask. Same size: copied.
 */
export function resizeScores(
  scores: Float32Array,
  offset: number,
  c: number,
  h: number,
  w: number,
  H: number,
  W: number,
  out: Float32Array,
): void {
  if (h === H && w === W) {
    out.set(scores.subarray(offset, offset + c * h * w));
    return;
  }
  for (let y = 0; y < H; y++) {
    const fy = Math.min(Math.max((y + 0.5) * (h / H) - 0.5, 0), h - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h - 1);
    const ty = fy - y0;
    for (let x = 0; x < W; x++) {
      const fx = Math.min(Math.max((x + 0.5) * (w / W) - 0.5, 0), w - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, w - 1);
      const tx = fx - x0;
      for (let k = 0; k < c; k++) {
        const p = offset + k * h * w;
        const top = scores[p + y0 * w + x0] * (1 - tx) + scores[p + y0 * w + x1] * tx;
        const bottom = scores[p + y1 * w + x0] * (1 - tx) + scores[p + y1 * w + x1] * tx;
        out[k * H * W + y * W + x] = top * (1 - ty) + bottom * ty;
      }
    }
  }
}
