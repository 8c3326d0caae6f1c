/**
 * Fake quantization for quantization-aware training: the forward computes what onnxruntime's
 * QuantizeLinear → DequantizeLinear pair computes, y = (clamp(rne(x/s) + z, q_min, q_max) − z)·s in
 * float32 (x/s rounded to float32 first, ties to even), and the backward is LSQ's (Esser et al.,
 * "Learned Step Size Quantization", ICLR 2020): straight through for x inside the range, zero
 * outside; for the step size, ∂y/∂s = rne(v) − v inside (v = x/s), q_min − z below, q_max − z above,
 * times the gradient scale g = 1/√(N·Q_P) the graph builder puts on the node.
 *
 * These ops live in their own domain: only the training engine runs them; export turns them back
 * into QuantizeLinear/DequantizeLinear with the learned scales (`core/qat`).
 */
import { attrFloat, attrInt } from '../../graph';
import type { Floats, Value } from '../tensor';
import type { OpContext, OpImpl, OpInputs } from './types';

export const QAT_DOMAIN = 'com.whittle.qat';

/** A step size below this would divide by (nearly) zero: forward and export both use at least it. */
export const MIN_SCALE = 1e-12;

/** The largest int32 magnitude a bias may take (as `quant/apply/weights.ts` stores biases). */
const INT32_LIMIT = 2147483647;

/** Round half to even (IEEE roundTiesToEven, as ONNX QuantizeLinear). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The step size the forward uses for a stored one: positive, and float32 where the run is. */
export function effectiveScale(s: number, precision: 'f32' | 'f64' = 'f32'): number {
  const v = Math.max(s, MIN_SCALE);
  return precision === 'f32' ? Math.fround(v) : v;
}

/** Integer level of x: clamp(rne(x/s) + z, qmin, qmax), x/s in float32 where the run is. */
export function quantizeLevel(
  x: number,
  s: number,
  z: number,
  qmin: number,
  qmax: number,
  f32: boolean,
): number {
  const v = f32 ? Math.fround(x / s) : x / s;
  return Math.min(qmax, Math.max(qmin, roundHalfEven(v) + z));
}

/** [outer, channels, inner] of a tensor for a per-channel axis (one channel when undefined). */
function layout(shape: readonly number[], axis: number | undefined): [number, number, number] {
  if (axis === undefined) return [1, 1, shape.reduce((a, b) => a * b, 1)];
  const a = axis < 0 ? axis + shape.length : axis;
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < a; i++) outer *= shape[i];
  for (let i = a + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape[a], inner];
}

interface FakeQuantAttrs {
  qmin: number;
  qmax: number;
  axis: number | undefined;
  gradScale: number;
}

function attrsOf({ node }: OpInputs): FakeQuantAttrs {
  return {
    qmin: attrInt(node, 'qmin', 0),
    qmax: attrInt(node, 'qmax', 255),
    axis: attrInt(node, 'axis'),
    gradScale: attrFloat(node, 'grad_scale', 1),
  };
}

/** Scale and zero point of channel c (one of each for a per-tensor node). */
function channelParams(ctx: OpContext, inputs: OpInputs, c: number): [number, number] {
  const scale = (inputs.values[1] as Value).data;
  const zp = inputs.consts[2] ?? [0];
  return [effectiveScale(scale[scale.length === 1 ? 0 : c], ctx.precision), zp[zp.length === 1 ? 0 : c]];
}

/**
 * FakeQuantize(x, scale, zero_point), attributes qmin, qmax, axis (per channel when present),
 * grad_scale. Gradients reach x and scale; the zero point is fixed (a constant slot).
 */
const fakeQuantize: OpImpl = {
  constSlots: [2],
  forward(ctx, inputs) {
    const x = inputs.values[0] as Value;
    const { qmin, qmax, axis } = attrsOf(inputs);
    const [outer, channels, inner] = layout(x.shape, axis);
    const f32 = ctx.precision === 'f32';
    const y = ctx.alloc(x.data.length);
    for (let c = 0; c < channels; c++) {
      const [s, z] = channelParams(ctx, inputs, c);
      for (let o = 0; o < outer; o++) {
        const base = (o * channels + c) * inner;
        for (let i = base; i < base + inner; i++)
          y[i] = (quantizeLevel(x.data[i], s, z, qmin, qmax, f32) - z) * s;
      }
    }
    return { outputs: [{ data: y, shape: x.shape }] };
  },
  backward(ctx, inputs, _fwd, [dy], needs) {
    if (!dy) return [];
    const x = inputs.values[0] as Value;
    const scale = inputs.values[1] as Value;
    const { qmin, qmax, axis, gradScale } = attrsOf(inputs);
    const [outer, channels, inner] = layout(x.shape, axis);
    const f32 = ctx.precision === 'f32';
    const dx: Floats | undefined = needs[0] ? ctx.alloc(x.data.length) : undefined;
    const ds: Floats | undefined = needs[1] ? ctx.alloc(scale.data.length) : undefined;
    for (let c = 0; c < channels; c++) {
      const [s, z] = channelParams(ctx, inputs, c);
      const lo = qmin - z;
      const hi = qmax - z;
      let sum = 0;
      for (let o = 0; o < outer; o++) {
        const base = (o * channels + c) * inner;
        for (let i = base; i < base + inner; i++) {
          const v = f32 ? Math.fround(x.data[i] / s) : x.data[i] / s;
          if (v < lo) sum += dy[i] * lo;
          else if (v > hi) sum += dy[i] * hi;
          else {
            if (dx) dx[i] = dy[i];
            sum += dy[i] * (roundHalfEven(v) - v);
          }
        }
      }
      if (ds) ds[ds.length === 1 ? 0 : c] += sum * gradScale;
    }
    return [dx, ds, undefined];
  },
};

/**
 * FakeQuantizeBias(b, input_scale, weight_scale): the bias as int32 at scale s_x·s_w (per channel),
 * exactly as `quantizeBias` stores it (b/s rounded half away from zero, s a float32 product), or b
 * unchanged where that int32 would overflow (the exporter keeps such a bias float). Straight through
 * to b; the scales learn from their own FakeQuantize nodes.
 */
const fakeQuantizeBias: OpImpl = {
  fixedSlots: [1, 2],
  forward(ctx, inputs) {
    const b = inputs.values[0] as Value;
    const sx = (inputs.values[1] as Value).data;
    const sw = (inputs.values[2] as Value).data;
    const f32 = ctx.precision === 'f32';
    const inputScale = effectiveScale(sx[0], ctx.precision);
    const scales = Array.from(sw, (w) => {
      const s = inputScale * effectiveScale(w, ctx.precision);
      return f32 ? Math.fround(s) : s;
    });
    const scaleOf = (i: number) => scales[scales.length === 1 ? 0 : i];
    const y = ctx.alloc(b.data.length);
    let peak = 0;
    for (let i = 0; i < y.length; i++) peak = Math.max(peak, Math.abs(b.data[i]) / scaleOf(i));
    if (!(peak <= INT32_LIMIT)) y.set(b.data);
    else
      for (let i = 0; i < y.length; i++) {
        const q = Math.round(b.data[i] / scaleOf(i));
        y[i] = (f32 ? Math.fround(q) : q) * scaleOf(i);
      }
    return { outputs: [{ data: y, shape: b.shape }] };
  },
  backward(_ctx, _inputs, _fwd, [dy], needs) {
    return [needs[0] ? dy : undefined, undefined, undefined];
  },
};

/** The QAT domain's ops by type. */
export const fakeQuantOps: Record<string, OpImpl> = {
  FakeQuantize: fakeQuantize,
  FakeQuantizeBias: fakeQuantizeBias,
};
