import { DatasetError } from '../errors';
import type { RawImage } from './image';
import type { ResolvedPreprocess } from './resolve-preprocess';

/** Source taps and weights for one output axis: output o reads `lo[o]`, `hi[o]` mixed by `frac[o]`. */
interface AxisTable {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly frac: Float64Array;
}

/** ITU-R BT.601 luma weights, as PIL's `convert('L')` uses. */
const LUMA_R = 0.299;
const LUMA_G = 0.587;
const LUMA_B = 0.114;

/**
 * Writes images into a batch tensor: bilinear resize with half-pixel centres (OpenCV `INTER_LINEAR`,
 * torch `interpolate(align_corners=False)`, no antialiasing), centre crop, channel conversion, then
 * `(v · scale − mean[c]) / std[c]`. Tables per image size are built once and reused, so the per-pixel
 * loop allocates nothing; a same-size "resize" reads each pixel exactly.
 */
export class PixelWriter {
  private readonly tables = new Map<string, AxisTable>();
  private readonly taps = new Float64Array(3);

  constructor(private readonly pre: ResolvedPreprocess) {}

  /** Writes `image` as sample `n` of `out`. */
  write(image: RawImage, path: string, out: Float32Array, n: number): void {
    const { height: H, width: W, layout, channels, scale, mean, std } = this.pre;
    const [rh, rw] = this.pre.resize ?? [image.height, image.width];
    if (rh < H || rw < W) {
      throw new DatasetError(
        path,
        `${path} is ${image.width}×${image.height}, smaller than the ${W}×${H} crop.`,
      );
    }
    const ys = this.table(image.height, rh, (rh - H) >> 1, H);
    const xs = this.table(image.width, rw, (rw - W) >> 1, W);
    const C = channels === 'gray' ? 1 : 3;
    const plane = H * W;
    const base = n * C * plane;
    const chStride = layout === 'nchw' ? plane : 1;
    const pixStride = layout === 'nchw' ? 1 : C;
    const src = image.data;
    const sc = image.channels;
    const colour = sc >= 3;
    const taps = this.taps;
    for (let y = 0; y < H; y++) {
      const r0 = ys.lo[y] * image.width;
      const r1 = ys.hi[y] * image.width;
      const fy = ys.frac[y];
      for (let x = 0; x < W; x++) {
        const c0 = xs.lo[x];
        const c1 = xs.hi[x];
        const fx = xs.frac[x];
        for (let k = 0; k < (colour ? 3 : 1); k++) {
          const a = src[(r0 + c0) * sc + k];
          const b = src[(r0 + c1) * sc + k];
          const c = src[(r1 + c0) * sc + k];
          const d = src[(r1 + c1) * sc + k];
          const top = a + (b - a) * fx;
          const bottom = c + (d - c) * fx;
          taps[k] = top + (bottom - top) * fy;
        }
        const at = base + (y * W + x) * pixStride;
        if (C === 1) {
          const v = colour ? LUMA_R * taps[0] + LUMA_G * taps[1] + LUMA_B * taps[2] : taps[0];
          out[at] = (v * scale - mean[0]) / std[0];
        } else {
          for (let ch = 0; ch < 3; ch++) {
            const k = colour ? (channels === 'bgr' ? 2 - ch : ch) : 0;
            out[at + ch * chStride] = (taps[k] * scale - mean[ch]) / std[ch];
          }
        }
      }
    }
  }

  private table(src: number, resized: number, offset: number, size: number): AxisTable {
    const key = `${src},${resized},${offset},${size}`;
    let t = this.tables.get(key);
    if (t === undefined) {
      t = axisTable(src, resized, offset, size);
      this.tables.set(key, t);
    }
    return t;
  }
}

function axisTable(src: number, resized: number, offset: number, size: number): AxisTable {
  const lo = new Int32Array(size);
  const hi = new Int32Array(size);
  const frac = new Float64Array(size);
  const ratio = src / resized;
  for (let o = 0; o < size; o++) {
    const s = Math.min(Math.max((o + offset + 0.5) * ratio - 0.5, 0), src - 1);
    lo[o] = Math.floor(s);
    hi[o] = Math.min(lo[o] + 1, src - 1);
    frac[o] = s - lo[o];
  }
  return { lo, hi, frac };
}
