/**
 * BatchNormalization as an affine layer over its running statistics (inference form, which is what
 * an exported model holds): y = γ·(x − μ)/sqrt(σ² + ε) + β. γ and β train; μ and σ² stay fixed, so
 * the student keeps the teacher's normalisation and fine-tuning stays stable at small batches.
 * In batch-statistics mode (the engine's, as PyTorch's `train()`) μ and σ² are the batch's own per
 * channel (biased variance), the gradient flows through them, and the forward saves them so the
 * running statistics can be re-estimated after training.
 * Softmax along one axis (opset ≥ 13) or over the flattened trailing dims (before 13).
 */
import { attrFloat, attrInt } from '../../graph';
import type { Floats, Value } from '../tensor';
import { normalizeAxis } from '../tensor';
import type { OpContext, OpImpl } from './types';

function bnParts(values: readonly (Value | undefined)[]) {
  const [x, scale, bias, mean, variance] = values as Value[];
  const channels = x.shape[1];
  const inner = x.shape.slice(2).reduce((p, d) => p * d, 1);
  return { x, scale, bias, mean, variance, channels, inner, outer: x.shape[0] };
}

/** What a batch-statistics forward saves: the batch's mean, variance and 1/√(σ² + ε) per channel. */
export interface BatchStats {
  mean: Floats;
  variance: Floats;
  invStd: Floats;
}

const batchNorm: OpImpl = {
  fixedSlots: [3, 4],
  async forward(ctx, { node, values }) {
    const { x, scale, bias, channels, inner, outer, ...running } = bnParts(values);
    const eps = attrFloat(node, 'epsilon', 1e-5);
    if (ctx.batchStatistics) {
      const stats: BatchStats = {
        mean: ctx.allocOutput(channels),
        variance: ctx.allocOutput(channels),
        invStd: ctx.allocOutput(channels),
      };
      const out = ctx.allocOutput(x.data.length);
      await ctx.compute.batchNormForward({
        x: x.data,
        scale: scale.data,
        bias: bias.data,
        outer,
        channels,
        inner,
        eps,
        out,
        ...stats,
      });
      return { outputs: [{ data: out, shape: x.shape }], saved: stats };
    }
    const { mean, variance } = running;
    const out = ctx.alloc(x.data.length);
    for (let c = 0; c < channels; c++) {
      const k = scale.data[c] / Math.sqrt(variance.data[c] + eps);
      const b = bias.data[c] - k * mean.data[c];
      for (let n = 0; n < outer; n++) {
        const o = (n * channels + c) * inner;
        for (let i = 0; i < inner; i++) out[o + i] = k * x.data[o + i] + b;
      }
    }
    return { outputs: [{ data: out, shape: x.shape }] };
  },
  async backward(ctx, { node, values }, fwd, [dy], needs) {
    if (!dy) return [];
    const { x, scale, mean, variance, channels, inner, outer } = bnParts(values);
    if (fwd.saved) return batchStatsBackward(ctx, fwd.saved as BatchStats, x, scale, dy, needs);
    const eps = attrFloat(node, 'epsilon', 1e-5);
    const dx = needs[0] ? ctx.alloc(x.data.length) : undefined;
    const dScale = needs[1] ? ctx.alloc(channels) : undefined;
    const dBias = needs[2] ? ctx.alloc(channels) : undefined;
    for (let c = 0; c < channels; c++) {
      const inv = 1 / Math.sqrt(variance.data[c] + eps);
      const k = scale.data[c] * inv;
      let sg = 0;
      let sgx = 0;
      for (let n = 0; n < outer; n++) {
        const o = (n * channels + c) * inner;
        for (let i = 0; i < inner; i++) {
          const g = dy[o + i];
          sg += g;
          sgx += g * (x.data[o + i] - mean.data[c]);
          if (dx) dx[o + i] = g * k;
        }
      }
      if (dScale) dScale[c] = sgx * inv;
      if (dBias) dBias[c] = sg;
    }
    return [dx, dScale, dBias];
  },
};

/** Through the batch's own statistics (the kernel's formulas: see BatchNormBackwardArgs). */
async function batchStatsBackward(
  ctx: OpContext,
  stats: BatchStats,
  x: Value,
  scale: Value,
  dy: Floats,
  needs: readonly boolean[],
): Promise<(Floats | undefined)[]> {
  const [outer, channels] = x.shape;
  const dx = needs[0] ? ctx.allocOutput(x.data.length) : undefined;
  const dScale = ctx.allocOutput(channels);
  const dBias = ctx.allocOutput(channels);
  await ctx.compute.batchNormBackward({
    x: x.data,
    dy,
    scale: scale.data,
    mean: stats.mean,
    invStd: stats.invStd,
    outer,
    channels,
    inner: x.data.length / (outer * channels),
    dx,
    dScale,
    dBias,
  });
  return [dx, needs[1] ? dScale : undefined, needs[2] ? dBias : undefined];
}

function softmaxView(shape: number[], axisAttr: number | undefined, opset: number) {
  const axis = normalizeAxis(axisAttr ?? (opset >= 13 ? -1 : 1), shape.length);
  const outer = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  if (opset < 13) return { outer, size: shape.slice(axis).reduce((p, d) => p * d, 1), inner: 1 };
  return { outer, size: shape[axis], inner: shape.slice(axis + 1).reduce((p, d) => p * d, 1) };
}

const softmax: OpImpl = {
  forward(ctx, { node, values }) {
    const x = values[0] as Value;
    const { outer, size, inner } = softmaxView(x.shape, attrInt(node, 'axis'), ctx.opset);
    const out = ctx.alloc(x.data.length);
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < inner; i++) {
        const base = o * size * inner + i;
        let max = -Infinity;
        for (let s = 0; s < size; s++) max = Math.max(max, x.data[base + s * inner]);
        let sum = 0;
        for (let s = 0; s < size; s++) {
          const e = Math.exp(x.data[base + s * inner] - max);
          out[base + s * inner] = e;
          sum += e;
        }
        for (let s = 0; s < size; s++) out[base + s * inner] /= sum;
      }
    return { outputs: [{ data: out, shape: x.shape }] };
  },
  backward(ctx, { node, values }, fwd, [dy], needs) {
    if (!dy || !needs[0]) return [];
    const x = values[0] as Value;
    const y = fwd.outputs[0].data;
    const { outer, size, inner } = softmaxView(x.shape, attrInt(node, 'axis'), ctx.opset);
    const dx: Floats = ctx.alloc(x.data.length);
    // dx = y ⊙ (dy − Σ dy·y) along the axis.
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < inner; i++) {
        const base = o * size * inner + i;
        let dot = 0;
        for (let s = 0; s < size; s++) dot += dy[base + s * inner] * y[base + s * inner];
        for (let s = 0; s < size; s++)
          dx[base + s * inner] = y[base + s * inner] * (dy[base + s * inner] - dot);
      }
    return [dx];
  },
};

export const normalizationOps: Record<string, OpImpl> = {
  BatchNormalization: batchNorm,
  Softmax: softmax,
};
