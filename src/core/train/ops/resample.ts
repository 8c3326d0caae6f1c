/**
 * Pad (constant, reflect, edge) and Resize (nearest and bilinear over the last two dims). Both are
 * linear maps from input to output, so each forward builds the map once as (source, weight) pairs
 * and the backward applies its transpose.
 */
import { attrFloat, attrInts, attrString } from '../../graph';
import { TrainError } from '../errors';
import { sizeOf, stridesOf, type Value } from '../tensor';
import type { OpImpl, OpInputs } from './types';

/**
 * out[p·outPlane + i] = Σ_t weight[i·taps + t] · in[p·inPlane + source[i·taps + t]] (source −1:
 * contributes nothing), the same map for each of `planes` planes. Resize maps every (n, c) plane
 * alike: one plane's map, not a batch's (a 32-image batch of 11 logits at 96 px would be 156 MB).
 */
interface LinearMap {
  shape: number[];
  taps: number;
  source: Int32Array;
  weight: Float64Array;
  /** Planes the map repeats over, and each one's input size (1 and unused for a whole-tensor map). */
  planes: number;
  inPlane: number;
  /** Added to every output (Pad's constant value, outside the input). */
  constant?: Float64Array;
}

function linearMapOp(constSlots: number[], plan: (inputs: OpInputs, opset: number) => LinearMap): OpImpl {
  return {
    constSlots,
    forward(ctx, inputs) {
      const x = (inputs.values[0] as Value).data;
      const m = plan(inputs, ctx.opset);
      const { taps, source, weight, constant, planes, inPlane } = m;
      const outPlane = sizeOf(m.shape) / planes;
      const out = ctx.alloc(planes * outPlane);
      for (let p = 0; p < planes; p++) {
        const xi = p * inPlane;
        const oi = p * outPlane;
        for (let i = 0; i < outPlane; i++) {
          let s = constant ? constant[i] : 0;
          for (let t = i * taps, end = t + taps; t < end; t++) {
            const j = source[t];
            if (j >= 0) s += weight[t] * x[xi + j];
          }
          out[oi + i] = s;
        }
      }
      return { outputs: [{ data: out, shape: m.shape }], saved: m };
    },
    backward(ctx, inputs, fwd, [dy], needs) {
      if (!dy || !needs[0]) return [];
      const { taps, source, weight, planes, inPlane } = fwd.saved as LinearMap;
      const outPlane = dy.length / planes;
      const dx = ctx.alloc((inputs.values[0] as Value).data.length);
      for (let p = 0; p < planes; p++) {
        const xi = p * inPlane;
        const oi = p * outPlane;
        for (let i = 0; i < outPlane; i++) {
          const g = dy[oi + i];
          for (let t = i * taps, end = t + taps; t < end; t++) {
            const j = source[t];
            if (j >= 0) dx[xi + j] += weight[t] * g;
          }
        }
      }
      return [dx];
    },
  };
}

/** Walks every output coordinate of `shape`, in row-major order. */
function forEachCoordinate(shape: number[], f: (coord: number[], flat: number) => void): void {
  const coord = new Array<number>(shape.length).fill(0);
  const n = sizeOf(shape);
  for (let e = 0; e < n; e++) {
    f(coord, e);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++coord[d] < shape[d]) break;
      coord[d] = 0;
    }
  }
}

const pad = linearMapOp([1, 2, 3], ({ node, values, consts }, opset) => {
  const x = values[0] as Value;
  const r = x.shape.length;
  let pads = (opset >= 11 ? consts[1] : attrInts(node, 'pads')) ?? [];
  const value = (opset >= 11 ? consts[2]?.[0] : attrFloat(node, 'value', 0)) ?? 0;
  const axesIn = opset >= 18 ? consts[3] : undefined;
  if (axesIn) {
    const full = new Array<number>(2 * r).fill(0);
    axesIn.forEach((a, i) => {
      const ax = a < 0 ? a + r : a;
      full[ax] = pads[i];
      full[ax + r] = pads[i + axesIn.length];
    });
    pads = full;
  }
  const mode = attrString(node, 'mode', 'constant');
  if (pads.some((p) => p < 0))
    throw new TrainError(`Pad '${node.name}': negative pads are not supported in training.`);
  const shape = x.shape.map((d, i) => d + pads[i] + pads[i + r]);
  const strides = stridesOf(x.shape);
  const n = sizeOf(shape);
  const source = new Int32Array(n);
  const weight = new Float64Array(n).fill(1);
  const constant = mode === 'constant' && value !== 0 ? new Float64Array(n) : undefined;
  forEachCoordinate(shape, (coord, e) => {
    let at = 0;
    for (let d = 0; d < r; d++) {
      let c = coord[d] - pads[d];
      const dim = x.shape[d];
      if (c < 0 || c >= dim) {
        if (mode === 'constant') {
          at = -1;
          break;
        }
        if (mode === 'edge') c = c < 0 ? 0 : dim - 1;
        else if (mode === 'reflect') {
          const period = 2 * (dim - 1);
          c = period === 0 ? 0 : Math.abs(((c % period) + period) % period);
          if (c >= dim) c = period - c;
        } else throw new TrainError(`Pad '${node.name}': mode '${mode}' is not supported in training.`);
      }
      at += c * strides[d];
    }
    source[e] = at;
    if (at < 0 && constant) constant[e] = value;
  });
  return { shape, taps: 1, source, weight, constant, planes: 1, inPlane: 0 };
});

/** Source coordinate of output coordinate `o` under a coordinate_transformation_mode. */
function sourceCoord(mode: string, o: number, scale: number, inLen: number, outLen: number): number {
  switch (mode) {
    case 'asymmetric':
      return o / scale;
    case 'align_corners':
      return outLen === 1 ? 0 : (o * (inLen - 1)) / (outLen - 1);
    case 'pytorch_half_pixel':
      return outLen > 1 ? (o + 0.5) / scale - 0.5 : 0;
    case 'half_pixel':
      return (o + 0.5) / scale - 0.5;
    default:
      throw new TrainError(`Resize: coordinate_transformation_mode '${mode}' is not supported in training.`);
  }
}

function nearestIndex(rule: string, v: number): number {
  switch (rule) {
    case 'floor':
      return Math.floor(v);
    case 'ceil':
      return Math.ceil(v);
    case 'round_prefer_ceil':
      return Math.round(v);
    default:
      return v % 1 === 0.5 || v % 1 === -0.5 ? Math.floor(v) : Math.round(v); // round_prefer_floor
  }
}

/** Resize (opset ≥ 11: roi, scales, sizes inputs; opset 10: scales at input 1). */
const resize = linearMapOp([1, 2, 3], ({ node, values, consts }, opset) => {
  const x = values[0] as Value;
  const r = x.shape.length;
  const scalesIn = opset >= 11 ? consts[2] : consts[1];
  const sizesIn = opset >= 11 ? consts[3] : undefined;
  const shape = sizesIn?.length
    ? sizesIn
    : scalesIn?.length
      ? x.shape.map((d, i) => Math.floor(d * scalesIn[i]))
      : undefined;
  if (!shape)
    throw new TrainError(`Resize '${node.name}': neither scales nor sizes are known before running.`);
  if (r < 2 || shape.slice(0, r - 2).some((d, i) => d !== x.shape[i]))
    throw new TrainError(`Resize '${node.name}': training resizes the last two dims only.`);
  const scales = shape.map((d, i) => (scalesIn?.length ? scalesIn[i] : d / x.shape[i]));
  const mode = attrString(node, 'mode', 'nearest');
  if (mode !== 'nearest' && mode !== 'linear')
    throw new TrainError(`Resize '${node.name}': mode '${mode}' is not supported in training.`);
  const transform = attrString(
    node,
    'coordinate_transformation_mode',
    opset >= 11 ? 'half_pixel' : 'asymmetric',
  );
  const rule = attrString(node, 'nearest_mode', 'round_prefer_floor');
  const [ih, iw] = x.shape.slice(-2);
  const [oh, ow] = shape.slice(-2);
  // Per axis: up to two source positions and weights.
  const axis = (outLen: number, inLen: number, scale: number) => {
    const lo = new Int32Array(outLen);
    const hi = new Int32Array(outLen);
    const w = new Float64Array(outLen);
    for (let o = 0; o < outLen; o++) {
      const s = sourceCoord(transform, o, scale, inLen, outLen);
      if (mode === 'nearest') {
        lo[o] = hi[o] = Math.min(inLen - 1, Math.max(0, nearestIndex(rule, s)));
        w[o] = 0;
      } else {
        const c = Math.min(inLen - 1, Math.max(0, s));
        lo[o] = Math.floor(c);
        hi[o] = Math.min(inLen - 1, lo[o] + 1);
        w[o] = c - lo[o];
      }
    }
    return { lo, hi, w };
  };
  const ay = axis(oh, ih, scales[r - 2]);
  const ax = axis(ow, iw, scales[r - 1]);
  const planes = sizeOf(shape.slice(0, r - 2));
  // Nearest reads one source per output: one tap, not four with three weights of 0.
  const taps = mode === 'nearest' ? 1 : 4;
  const source = new Int32Array(oh * ow * taps);
  const weight = new Float64Array(oh * ow * taps).fill(1);
  for (let y = 0; y < oh; y++)
    for (let xo = 0; xo < ow; xo++) {
      const e = (y * ow + xo) * taps;
      source[e] = ay.lo[y] * iw + ax.lo[xo];
      if (taps === 1) continue;
      const [wy, wx] = [ay.w[y], ax.w[xo]];
      source[e + 1] = ay.lo[y] * iw + ax.hi[xo];
      source[e + 2] = ay.hi[y] * iw + ax.lo[xo];
      source[e + 3] = ay.hi[y] * iw + ax.hi[xo];
      weight[e] = (1 - wy) * (1 - wx);
      weight[e + 1] = (1 - wy) * wx;
      weight[e + 2] = wy * (1 - wx);
      weight[e + 3] = wy * wx;
    }
  return { shape, taps, source, weight, planes, inPlane: ih * iw };
});

export const resampleOps: Record<string, OpImpl> = { Pad: pad, Resize: resize };
