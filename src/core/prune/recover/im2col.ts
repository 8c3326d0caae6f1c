/**
 * Rows of a 2-D convolution's input patches (im2col) at chosen output positions, restricted to kept
 * input channels: row · W[o, kept, :, :] (flattened alike) is output o at that position, minus bias.
 */
import { attrInts, attrString, type GraphNode } from '../../graph';

export interface ConvGeometry {
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  padTop: number;
  padLeft: number;
  H: number;
  W: number;
  Ho: number;
  Wo: number;
}

/** Geometry of a 2-D Conv from its attributes and the input / output spatial sizes; undefined otherwise. */
export function convGeometry(
  node: GraphNode,
  xDims: readonly number[],
  wDims: readonly number[],
  yDims: readonly number[],
): ConvGeometry | undefined {
  if (xDims.length !== 4 || wDims.length !== 4 || yDims.length !== 4) return undefined;
  const [kh, kw] = [wDims[2], wDims[3]];
  const [sh, sw] = attrInts(node, 'strides') ?? [1, 1];
  const [dh, dw] = attrInts(node, 'dilations') ?? [1, 1];
  const [H, W] = [xDims[2], xDims[3]];
  const [Ho, Wo] = [yDims[2], yDims[3]];
  const autoPad = attrString(node, 'auto_pad', 'NOTSET');
  let padTop = 0;
  let padLeft = 0;
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const total = (o: number, s: number, k: number, d: number, i: number) => Math.max(0, (o - 1) * s + (k - 1) * d + 1 - i);
    const th = total(Ho, sh, kh, dh, H);
    const tw = total(Wo, sw, kw, dw, W);
    padTop = autoPad === 'SAME_UPPER' ? Math.floor(th / 2) : Math.ceil(th / 2);
    padLeft = autoPad === 'SAME_UPPER' ? Math.floor(tw / 2) : Math.ceil(tw / 2);
  } else if (autoPad === 'NOTSET') {
    const pads = attrInts(node, 'pads') ?? [0, 0, 0, 0];
    padTop = pads[0];
    padLeft = pads[1];
  }
  return { kh, kw, sh, sw, dh, dw, padTop, padLeft, H, W, Ho, Wo };
}

/**
 * Writes the patch of image `n` at output (oh, ow) over channels `kept` (absolute indices into the
 * input's C channels) into `out` from `offset`: kept.length · kh · kw values, zeros where the window
 * falls in the padding.
 */
export function patchRow(
  x: Float32Array,
  n: number,
  C: number,
  g: ConvGeometry,
  kept: Int32Array,
  oh: number,
  ow: number,
  out: Float32Array,
  offset: number,
): void {
  const plane = g.H * g.W;
  let k = offset;
  const h0 = oh * g.sh - g.padTop;
  const w0 = ow * g.sw - g.padLeft;
  for (let ci = 0; ci < kept.length; ci++) {
    const base = (n * C + kept[ci]) * plane;
    for (let i = 0; i < g.kh; i++) {
      const ih = h0 + i * g.dh;
      if (ih < 0 || ih >= g.H) {
        out.fill(0, k, k + g.kw);
        k += g.kw;
        continue;
      }
      const row = base + ih * g.W;
      for (let j = 0; j < g.kw; j++) {
        const iw = w0 + j * g.dw;
        out[k++] = iw < 0 || iw >= g.W ? 0 : x[row + iw];
      }
    }
  }
}
