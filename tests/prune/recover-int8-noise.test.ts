/**
 * Least squares before INT8: when the pruned channel is the small difference of two kept ones, the
 * exact fit rebuilds it with huge weights of opposite signs. That is right in float and wrong once the
 * inputs are rounded to 8 bits, whose noise the huge weights multiply. With `int8Inputs` the fit
 * minimises the expected error under that rounding instead; measured here by rounding the real
 * activations to the INT8 grid onnxruntime's quantizer would use (per tensor, range holding 0).
 */
import { describe, expect, it } from 'vitest';
import { analyzeChannels } from '../../src/core/analysis';
import type { Graph } from '../../src/core/graph';
import { tensorData } from '../../src/core/onnx';
import {
  applyMask,
  calibrationFromFeeds,
  cloneGraph,
  planFromSelection,
  reconstruct,
} from '../../src/core/prune';
import { createReferenceBackend } from '../../src/kernels';
import { ModelBuilder } from '../helpers/model-builder';
import { graphFromBytes, nativeRuntime, randomFeed } from './helpers';

const kernels = createReferenceBackend();
const N = 64;
const HW = 16;

// conv1 (1×1): a = [x₀, x₀ + 0.003·x₁, x₁]; conv2 reads a₂ = x₁ alone. Pruning a₂ leaves
// x₁ = 333·(a₁ − a₀): exact in float, weights ±333.
const W1 = [1, 0, 1, 0.003, 0, 1];
const W2 = [0, 0, 1];

function model(): Graph {
  const { bytes } = new ModelBuilder()
    .input('x', 'float32', ['N', 2, 4, 4])
    .initializer('w1', [3, 2, 1, 1], W1)
    .initializer('w2', [1, 3, 1, 1], W2)
    .node('Conv', ['x', 'w1'], ['a'], {}, { name: 'conv1' })
    .node('Conv', ['a', 'w2'], ['y'], {}, { name: 'conv2' })
    .output('y', 'float32', ['N', 1, 4, 4])
    .build();
  return graphFromBytes(bytes);
}

/** conv2's error against the original when its input is rounded to INT8, relative to ‖y‖. */
function int8Error(x: Float32Array, weights: Float32Array, bias: number): number {
  const a: number[][] = [[], [], []];
  for (let n = 0; n < N; n++)
    for (let p = 0; p < HW; p++) {
      const x0 = x[n * 2 * HW + p];
      const x1 = x[(n * 2 + 1) * HW + p];
      for (let c = 0; c < 3; c++) a[c].push(W1[2 * c] * x0 + W1[2 * c + 1] * x1);
    }
  const all = a.flat();
  const lo = Math.min(0, ...all);
  const step = (Math.max(0, ...all) - lo) / 255;
  const round = (v: number) => Math.round((v - lo) / step) * step + lo;
  let err = 0;
  let norm = 0;
  for (let i = 0; i < a[0].length; i++) {
    const y = a[2][i];
    const q = weights[0] * round(a[0][i]) + weights[1] * round(a[1][i]) + bias;
    err += (q - y) ** 2;
    norm += y * y;
  }
  return Math.sqrt(err / norm);
}

async function fit(int8Inputs: boolean) {
  const graph = model();
  const analysis = analyzeChannels(graph);
  const group = analysis.groups.find((g) => g.members.some((m) => m.name === 'w1' && m.role === 'producer'))!;
  const plan = planFromSelection(graph, analysis, { [group.id]: [2] });
  const masked = cloneGraph(graph);
  applyMask(masked, plan);
  const calibration = calibrationFromFeeds([randomFeed('x', [N, 2, 4, 4], 7)]);
  const r = await reconstruct(await nativeRuntime(), graph, masked, plan, calibration, {
    kernels,
    int8Inputs,
    alpha: 1e-6,
  });
  const conv2 = masked.nodes().find((n) => n.name === 'conv2')!;
  const w = tensorData(masked.initializers.get(conv2.inputs[1])!) as Float32Array;
  const b = conv2.inputs[2] ? (tensorData(masked.initializers.get(conv2.inputs[2])!) as Float32Array)[0] : 0;
  return { w, b, layer: r.report.layers[0] };
}

describe('least squares for a model quantized afterwards', () => {
  it('keeps weights small where INT8 rounding would be multiplied, and the INT8 error drops', async () => {
    const held = randomFeed('x', [N, 2, 4, 4], 11).x.data as Float32Array;
    const exact = await fit(false);
    const aware = await fit(true);
    // The float fit leans on the difference of the two kept channels.
    expect(Math.abs(exact.w[1])).toBeGreaterThan(200);
    expect(exact.layer.after).toBeLessThan(0.05);
    expect(Math.abs(aware.w[1])).toBeLessThan(Math.abs(exact.w[1]) / 2);
    // The report stays the float residual ‖Y − XW‖² / ‖Y‖², not the expected one under noise.
    expect(aware.layer.after).toBeGreaterThanOrEqual(0);
    expect(aware.layer.after).toBeLessThan(aware.layer.before);
    const [e, q] = [int8Error(held, exact.w, exact.b), int8Error(held, aware.w, aware.b)];
    expect(q).toBeLessThan(0.7 * e);
  });
});
