// The reference patch gatherer: the oracle for every backend's `patchRows`.
import type { PatchRowsArgs } from '../api';

/** See {@link PatchRowsArgs}. */
export function patchRows(a: PatchRowsArgs): void {
  const { inChannels: C, inHeight: H, inWidth: W, outHeight, outWidth, kernelHeight: kh, kernelWidth: kw } = a;
  const perImage = outHeight * outWidth;
  for (let r = 0; r < a.positions.length; r++) {
    const p = a.positions[r];
    const image = Math.floor(p / perImage);
    const oh = Math.floor((p - image * perImage) / outWidth);
    const ow = p - image * perImage - oh * outWidth;
    let k = r * a.rowStride;
    for (let c = 0; c < a.channels.length; c++) {
      const base = (image * C + a.channels[c]) * H * W;
      for (let i = 0; i < kh; i++) {
        const ih = oh * a.strideH - a.padTop + i * a.dilationH;
        for (let j = 0; j < kw; j++) {
          const iw = ow * a.strideW - a.padLeft + j * a.dilationW;
          a.out[k++] = ih >= 0 && ih < H && iw >= 0 && iw < W ? a.x[base + ih * W + iw] : 0;
        }
      }
    }
  }
}
