/** Weight and bias quantization: int8 symmetric weights (per channel or per tensor), int32 biases. */
import type { KernelBackend } from '../../../kernels';
import { QuantError } from '../errors';
import type { FloatBias } from '../types';

export interface QuantizedWeight {
  readonly values: Int8Array;
  /** One scale per channel along the axis (length 1 per tensor). */
  readonly scales: Float32Array;
}

/**
 * Symmetric int8 with the narrow range [−127, 127] (zero point 0): scale_c = max|w_c|/127 per slice
 * along `axis` of a tensor of `dims`, or one scale for the tensor when `axis` is undefined; or the
 * `given` scales (learned ones) instead.
 */
export async function quantizeWeight(
  kernels: KernelBackend,
  data: Float32Array,
  dims: readonly number[],
  axis: number | undefined,
  given?: Float32Array,
): Promise<QuantizedWeight> {
  const channels = axis === undefined ? 1 : dims[axis];
  const size = channels === 0 ? 0 : data.length / channels;
  const major = axis === undefined || axis === 0 ? data : toChannelMajor(data, dims, axis);
  const scales = new Float32Array(channels);
  if (given && given.length !== channels)
    throw new QuantError(`${given.length} learned scales for a weight of ${channels} channels.`);
  if (given) scales.set(given);
  else
    await kernels.scaleSearch({
      weights: major,
      channels,
      size,
      range: 'narrow',
      steps: 1,
      minRatio: 1,
      scales,
    });
  const q = new Int8Array(data.length);
  await kernels.quantizeInt8({ weights: major, channels, size, scales, range: 'narrow', out: q });
  return { values: axis === undefined || axis === 0 ? q : fromChannelMajor(q, dims, axis), scales };
}

/** The largest int32 magnitude a bias may take (symmetric, as onnxruntime's tools use). */
export const INT32_LIMIT = 2147483647;

/**
 * int32 bias: b_q = round(b / (s_x · s_w,c)), with those float32 scales. `peak` is the largest
 * |b| / s (Infinity where s is 0 and b is not): above {@link INT32_LIMIT} the values are clamped and
 * the bias must stay float instead.
 */
export function quantizeBias(
  bias: Float32Array,
  inputScale: number,
  weightScales: Float32Array,
): {
  values: Int32Array;
  scales: Float32Array;
  peak: number;
} {
  const n = bias.length;
  const scales = new Float32Array(weightScales.length);
  for (let c = 0; c < scales.length; c++) scales[c] = inputScale * weightScales[c];
  const values = new Int32Array(n);
  let peak = 0;
  for (let i = 0; i < n; i++) {
    const s = scales[scales.length === 1 ? 0 : i];
    const ratio = s > 0 ? Math.abs(bias[i]) / s : bias[i] === 0 ? 0 : Infinity;
    peak = Math.max(peak, ratio);
    values[i] = s > 0 ? Math.max(-INT32_LIMIT, Math.min(INT32_LIMIT, Math.round(bias[i] / s))) : 0;
  }
  return { values, scales, peak };
}

/** One sentence for a report: which bias stayed float and why. */
export function describeFloatBias(b: FloatBias): string {
  const need = Number.isFinite(b.peak) ? `${b.peak.toExponential(1)}×` : 'an infinite multiple of';
  return `Bias '${b.bias}' of '${b.node}' kept in float: as int32 it would need ${need} its scale s_x·s_w (limit ${INT32_LIMIT}), so '${b.node}' runs in float.`;
}

/** [outer, C, inner] → [C, outer·inner], so each channel's values are contiguous. */
function toChannelMajor(data: Float32Array, dims: readonly number[], axis: number): Float32Array {
  const [outer, channels, inner] = view(dims, axis);
  const out = new Float32Array(data.length);
  for (let o = 0; o < outer; o++)
    for (let c = 0; c < channels; c++) {
      const src = (o * channels + c) * inner;
      out.set(data.subarray(src, src + inner), c * outer * inner + o * inner);
    }
  return out;
}

function fromChannelMajor(q: Int8Array, dims: readonly number[], axis: number): Int8Array {
  const [outer, channels, inner] = view(dims, axis);
  const out = new Int8Array(q.length);
  for (let o = 0; o < outer; o++)
    for (let c = 0; c < channels; c++) {
      const src = c * outer * inner + o * inner;
      out.set(q.subarray(src, src + inner), (o * channels + c) * inner);
    }
  return out;
}

function view(dims: readonly number[], axis: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= dims[i];
  for (let i = axis + 1; i < dims.length; i++) inner *= dims[i];
  return [outer, dims[axis], inner];
}
