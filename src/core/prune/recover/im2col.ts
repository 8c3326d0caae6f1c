/**
 * A 2-D convolution's geometry as recovery needs it: the kernels' `patchRows` gathers its input
 * patches (im2col rows) at chosen output positions over kept channels, so that
 * row · W[o, kept, :, :] (flattened alike) is output o at that position, minus bias.
 */
import type { PatchRowsArgs } from '../../../kernels';
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

/** The kernel arguments gathering `channels`' patches of `x` (C input channels) at `positions`. */
export function patchArgs(
  g: ConvGeometry,
  C: number,
  x: Float32Array,
  channels: Int32Array,
  positions: Int32Array,
  out: Float32Array,
  rowStride: number,
): PatchRowsArgs {
  return {
    inChannels: C,
    inHeight: g.H,
    inWidth: g.W,
    outHeight: g.Ho,
    outWidth: g.Wo,
    kernelHeight: g.kh,
    kernelWidth: g.kw,
    strideH: g.sh,
    strideW: g.sw,
    padTop: g.padTop,
    padLeft: g.padLeft,
    dilationH: g.dh,
    dilationW: g.dw,
    x,
    channels,
    positions,
    out,
    rowStride,
  };
}
