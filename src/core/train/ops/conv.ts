/**
 * Conv and ConvTranspose (1-D and 2-D, grouped, depthwise, strided, dilated, padded). ConvTranspose
 * is the adjoint of a convolution, so it runs the same three kernels with their roles swapped:
 * its forward is a convolution's data gradient, its data gradient a convolution's forward.
 */
import { attrInt, attrInts, attrString, type GraphNode } from '../../graph';
import type { Conv2dGeometry } from '../../../kernels';
import { TrainError } from '../errors';
import type { Floats, Value } from '../tensor';
import type { OpImpl, OpInputs } from './types';

interface Spatial {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** [begin…, end…] */
  pads: number[];
}

function spatialAttrs(node: GraphNode, rank: number, kernel: number[]): Spatial {
  if (rank !== 1 && rank !== 2)
    throw new TrainError(`${node.opType} '${node.name}' is ${rank}-D; training covers 1-D and 2-D only.`);
  return {
    kernel: attrInts(node, 'kernel_shape') ?? kernel,
    strides: attrInts(node, 'strides') ?? new Array(rank).fill(1),
    dilations: attrInts(node, 'dilations') ?? new Array(rank).fill(1),
    pads: attrInts(node, 'pads') ?? new Array(2 * rank).fill(0),
  };
}

/** Pads for auto_pad SAME_*: total = max(0, (ceil(in/s) − 1)·s + (k−1)·d + 1 − in). */
function autoPads(node: GraphNode, s: Spatial, inDims: number[]): number[] {
  const mode = attrString(node, 'auto_pad', 'NOTSET');
  if (mode === 'NOTSET') return s.pads;
  const r = inDims.length;
  if (mode === 'VALID') return new Array(2 * r).fill(0);
  const pads = new Array<number>(2 * r);
  for (let i = 0; i < r; i++) {
    const out = Math.ceil(inDims[i] / s.strides[i]);
    const total = Math.max(0, (out - 1) * s.strides[i] + (s.kernel[i] - 1) * s.dilations[i] + 1 - inDims[i]);
    const small = Math.floor(total / 2);
    pads[i] = mode === 'SAME_LOWER' ? total - small : small;
    pads[i + r] = total - pads[i];
  }
  return pads;
}

/** 2-D view of a 1-D or 2-D convolution: height 1 for 1-D. */
function as2d(v: number[], rank: number, fill: number): [number, number] {
  return rank === 1 ? [fill, v[0]] : [v[0], v[1]];
}

function geometryOf(
  node: GraphNode,
  x: Value,
  w: Value,
  group: number,
  outChannels: number,
  transposed: boolean,
): { g: Conv2dGeometry; outShape: number[] } {
  const rank = x.shape.length - 2;
  const s = spatialAttrs(node, rank, w.shape.slice(2));
  const inDims = x.shape.slice(2);
  const pads = autoPads(node, s, inDims);
  let outDims: number[];
  if (!transposed) {
    outDims = inDims.map(
      (n, i) =>
        Math.floor((n + pads[i] + pads[i + rank] - (s.kernel[i] - 1) * s.dilations[i] - 1) / s.strides[i]) +
        1,
    );
  } else {
    const outPad = attrInts(node, 'output_padding') ?? new Array(rank).fill(0);
    const explicit = attrInts(node, 'output_shape');
    outDims = explicit
      ? explicit.slice(-rank)
      : inDims.map(
          (n, i) =>
            s.strides[i] * (n - 1) +
            outPad[i] +
            (s.kernel[i] - 1) * s.dilations[i] +
            1 -
            pads[i] -
            pads[i + rank],
        );
  }
  if (outDims.some((d) => d <= 0))
    throw new TrainError(
      `${node.opType} '${node.name}' gives an empty output for input ${JSON.stringify(x.shape)}.`,
    );
  // For ConvTranspose the "convolution" runs from its output to its input.
  const [convIn, convOut] = transposed ? [outDims, inDims] : [inDims, outDims];
  const [convInCh, convOutCh] = transposed ? [outChannels, x.shape[1]] : [x.shape[1], outChannels];
  const [ih, iw] = as2d(convIn, rank, 1);
  const [oh, ow] = as2d(convOut, rank, 1);
  const [kh, kw] = as2d(s.kernel, rank, 1);
  const [sh, sw] = as2d(s.strides, rank, 1);
  const [dh, dw] = as2d(s.dilations, rank, 1);
  const [pt, pl] = rank === 1 ? [0, pads[0]] : [pads[0], pads[1]];
  return {
    g: {
      batch: x.shape[0],
      inChannels: convInCh,
      inHeight: ih,
      inWidth: iw,
      outChannels: convOutCh,
      outHeight: oh,
      outWidth: ow,
      kernelHeight: kh,
      kernelWidth: kw,
      strideH: sh,
      strideW: sw,
      padTop: pt,
      padLeft: pl,
      dilationH: dh,
      dilationW: dw,
      groups: group,
    },
    outShape: [x.shape[0], outChannels, ...outDims],
  };
}

/**
 * ConvTranspose weights are [Cin, Cout/g, kh, kw]; the adjoint convolution wants [Cout_conv = Cin,
 * Cin_conv/g = Cout/g, …] — the same memory, so no reordering is needed.
 */
function conv(transposed: boolean): OpImpl {
  const setup = (inputs: OpInputs) => {
    const { node, values } = inputs;
    const x = values[0] as Value;
    const w = values[1] as Value;
    const group = attrInt(node, 'group', 1);
    const outChannels = transposed ? w.shape[1] * group : w.shape[0];
    return { x, w, b: values[2], ...geometryOf(node, x, w, group, outChannels, transposed) };
  };
  return {
    async forward(ctx, inputs) {
      const { x, w, b, g, outShape } = setup(inputs);
      const out = ctx.allocOutput(outShape.reduce((p, d) => p * d, 1));
      if (!transposed) {
        await ctx.compute.conv2dForward({ ...g, x: x.data, weight: w.data, bias: b?.data, out });
      } else {
        await ctx.compute.conv2dBackwardData({ ...g, dy: x.data, weight: w.data, dx: out });
        if (b) addChannelBias(out, b.data, outShape);
      }
      return { outputs: [{ data: out, shape: outShape }] };
    },
    async backward(ctx, inputs, _fwd, [dy], needs) {
      const { x, w, b, g, outShape } = setup(inputs);
      const grads: (Floats | undefined)[] = [];
      if (!dy) return grads;
      if (needs[0]) {
        const dx = ctx.allocOutput(x.data.length);
        if (!transposed) await ctx.compute.conv2dBackwardData({ ...g, dy, weight: w.data, dx });
        else await ctx.compute.conv2dForward({ ...g, x: dy, weight: w.data, out: dx });
        grads[0] = dx;
      }
      if (needs[1]) {
        const dWeight = ctx.allocOutput(w.data.length);
        // The adjoint convolution's "input" is ConvTranspose's output gradient, its "output" x.
        if (!transposed) await ctx.compute.conv2dBackwardFilter({ ...g, x: x.data, dy, dWeight });
        else await ctx.compute.conv2dBackwardFilter({ ...g, x: dy, dy: x.data, dWeight });
        grads[1] = dWeight;
      }
      if (b && needs[2]) {
        const db = ctx.allocOutput(b.data.length);
        await ctx.compute.channelSums({
          data: dy,
          outer: outShape[0],
          channels: outShape[1],
          inner: outShape.slice(2).reduce((p, d) => p * d, 1),
          out: db,
        });
        grads[2] = db;
      }
      return grads;
    },
  };
}

function addChannelBias(out: Floats, bias: Floats, shape: number[]): void {
  const inner = shape.slice(2).reduce((p, d) => p * d, 1);
  for (let n = 0; n < shape[0]; n++)
    for (let c = 0; c < shape[1]; c++) {
      const o = (n * shape[1] + c) * inner;
      for (let i = 0; i < inner; i++) out[o + i] += bias[c];
    }
}

export const convOps: Record<string, OpImpl> = {
  Conv: conv(false),
  ConvTranspose: conv(true),
};
