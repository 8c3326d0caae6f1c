// Quantization-aware fine-tuning end to end on fmnist-resnet8-bn (BatchNorm folded, so the folded
// weight is what gets fake-quantized): the fake-quant graph starts as the post-training INT8 model,
// a few distillation steps move its step sizes, and the exported QDQ model run by onnxruntime
// computes what the engine's fake-quant forward computes, on 1,000 real test images.
// Training images: tests/fixtures/fmnist-train-slice (the first 400 of ../shared/zoo/fmnist-train).
import { describe, expect, test } from 'vitest';
import { createOrtRuntime, type InferenceRuntime } from '../../src/core/eval';
import { openDatasetPath } from '../../src/core/eval/node';
import { importModel, type Graph } from '../../src/core/graph';
import { decodeModel, tensorData } from '../../src/core/onnx';
import { buildQatGraph, quantizationAwareFinetune, type QatResult } from '../../src/core/qat';
import { quantizeModel, weightKey } from '../../src/core/quant';
import { backendCompute, loadTrainingData, TrainableModel, type TrainingData } from '../../src/core/train';
import { createWasmBackend } from '../../src/kernels';
import { nodeWasmLoader } from '../../src/kernels/wasm/node-loader';
import { fixture } from '../eval/helpers';
import { calibFeeds } from '../quant/helpers';

const kernels = await createWasmBackend(nodeWasmLoader);
const compute = backendCompute(kernels);
const native = await createOrtRuntime({ backend: 'native' });
const input = { name: 'input', type: 'float32' as const, shape: ['batch', 1, 28, 28] };
const preprocess = { scale: 1 / 255, mean: [0.286], std: [0.353] };
const model = fixture('fmnist-resnet8-bn.onnx');
const teacher = importModel(decodeModel(model));
const train = await loadTrainingData(await openDatasetPath('tests/fixtures/fmnist-train-slice'), {
  input,
  preprocess,
  limit: 256,
});
const test1000 = await loadTrainingData(await openDatasetPath('tests/fixtures/fmnist-test'), {
  input,
  preprocess,
  limit: 1000,
});

/** Logits of the engine's forward of `graph` on the test images, in batches of 250. */
async function engineLogits(graph: Graph, data: TrainingData): Promise<Float32Array> {
  const engine = new TrainableModel(graph, { compute });
  const out = new Float32Array(data.count * 10);
  for (let at = 0; at < data.count; at += 250) {
    const n = Math.min(250, data.count - at);
    const x = data.images.subarray(at * 784, (at + n) * 784);
    const tape = await engine.forward({ input: { data: x, shape: [n, 1, 28, 28] } });
    out.set(tape.values.get('logits')!.data, at * 10);
  }
  return out;
}

async function ortLogits(
  runtime: InferenceRuntime,
  bytes: Uint8Array,
  data: TrainingData,
  optimize = true,
): Promise<Float32Array> {
  const session = await runtime.createSession(bytes, { optimize });
  try {
    const dims = [data.count, 1, 28, 28];
    const out = await session.run({ input: { type: 'float32', data: data.images, dims } }, ['logits']);
    return out.logits.data as Float32Array;
  } finally {
    await session.release();
  }
}

/**
 * Largest |a − b|, the share of rows whose argmax agrees, and the share of rows equal to 1e-4 (no
 * quantization level moved anywhere upstream).
 */
function compare(a: Float32Array, b: Float32Array): { maxAbs: number; agree: number; same: number } {
  let maxAbs = 0;
  let agree = 0;
  let same = 0;
  const rows = a.length / 10;
  const argmax = (z: Float32Array, r: number) => {
    let best = 0;
    for (let c = 1; c < 10; c++) if (z[r * 10 + c] > z[r * 10 + best]) best = c;
    return best;
  };
  for (let i = 0; i < a.length; i++) maxAbs = Math.max(maxAbs, Math.abs(a[i] - b[i]));
  for (let r = 0; r < rows; r++) {
    if (argmax(a, r) === argmax(b, r)) agree++;
    let row = 0;
    for (let c = 0; c < 10; c++) row = Math.max(row, Math.abs(a[r * 10 + c] - b[r * 10 + c]));
    if (row < 1e-4) same++;
  }
  return { maxAbs, agree: agree / rows, same: same / rows };
}

describe('QAT on fmnist-resnet8-bn', () => {
  test('before training, the fake-quant forward is the post-training INT8 model', async () => {
    const ptq = await quantizeModel(model, { runtime: native, kernels, calibration: calibFeeds(256) });
    const { graph } = await buildQatGraph(ptq.float, ptq.plan, ptq.ranges, kernels, {
      input: [1, 1, 28, 28],
    });
    const fake = await engineLogits(graph, test1000);
    const plain = await ortLogits(native, ptq.bytes, test1000, false);
    const reference = compare(fake, plain);
    const floor = compare(plain, await ortLogits(native, ptq.bytes, test1000, true));
    console.log(
      `fake-quant before training vs post-training QDQ in onnxruntime: max |Δ| ${reference.maxAbs.toExponential(2)} (onnxruntime against itself ${floor.maxAbs.toExponential(2)}), rows equal to 1e-4 ${reference.same * 100} %`,
    );
    expect(reference.agree).toBe(1);
    expect(reference.maxAbs).toBeLessThanOrEqual(2 * floor.maxAbs + 1e-4);
    expect(reference.same).toBeGreaterThan(0.9);
  });

  let result: QatResult;
  test('training moves the step sizes, and the export carries the learned ones', async () => {
    const ptq = await quantizeModel(model, { runtime: native, kernels, calibration: calibFeeds(256) });
    result = await quantizationAwareFinetune(teacher, {
      kernels,
      quantize: { runtime: native, calibration: calibFeeds(256) },
      train: {
        teacher,
        data: train,
        teacherRuntime: native,
        epochs: 1,
        batchSize: 32,
        lr: 2e-4,
        warmupEpochs: 0,
        optimizer: { name: 'adamw', weightDecay: 5e-4, momentum: 0.9, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
        loss: { kd: 1, temperature: 4, ce: 0, mse: 0 },
        augment: { flip: true, pad: 2 },
        heldOut: 0,
        patience: 5,
        seed: 1,
      },
    });
    expect(result.trained.frozen.params).toEqual([]);
    const scalesIn = (g: Graph, name: string) => tensorData(g.initializers.get(name)!) as Float32Array;
    let moved = 0;
    for (const w of ptq.plan.weights) {
      const learned = result.learned.weights[weightKey(w)];
      const initial = scalesIn(ptq.quantized, `${w.name}_s`);
      expect(learned.length).toBe(initial.length);
      if (learned.some((s, c) => s !== initial[c])) moved++;
      // The QDQ model holds the learned step sizes.
      expect(scalesIn(result.quantized.quantized, `${w.name}_s`)).toEqual(learned);
    }
    expect(moved).toBe(ptq.plan.weights.length);
    let activationsMoved = 0;
    for (const [tensor, p] of Object.entries(result.learned.activations)) {
      if (p.scale !== scalesIn(ptq.quantized, `${tensor}_s`)[0]) activationsMoved++;
      expect(scalesIn(result.quantized.quantized, `${tensor}_s`)[0]).toBe(p.scale);
    }
    expect(activationsMoved).toBeGreaterThan(0);
  });

  test('onnxruntime runs the exported QDQ model as the engine ran the trained fake-quant graph', async () => {
    const fake = await engineLogits(result.trained.graph, test1000);
    const ortPlain = await ortLogits(native, result.quantized.bytes, test1000, false);
    const ortFused = await ortLogits(native, result.quantized.bytes, test1000, true);
    const plain = compare(fake, ortPlain);
    const fused = compare(fake, ortFused);
    // onnxruntime against itself: the same QDQ model as float ops and as fused integer kernels. Sums
    // in another order move a value across a rounding boundary now and then, and one level moved
    // inside the network shows in the logits; that is the floor any two runtimes share.
    const floor = compare(ortPlain, ortFused);
    console.log(
      `trained fake-quant vs exported QDQ on 1,000 test images: max |Δ| ${plain.maxAbs.toExponential(2)} (QDQ as float ops), ${fused.maxAbs.toExponential(2)} (fused integer kernels), onnxruntime against itself ${floor.maxAbs.toExponential(2)}; argmax agreement ${plain.agree * 100} %, ${fused.agree * 100} % (onnxruntime against itself ${floor.agree * 100} %)`,
    );
    console.log(`rows equal to 1e-4: ${plain.same * 100} % (float ops), ${fused.same * 100} % (fused)`);
    expect(plain.agree).toBe(1);
    expect(fused.agree).toBe(1);
    // No further from onnxruntime than onnxruntime's two paths are from each other (×2), and most
    // rows equal outright.
    expect(plain.maxAbs).toBeLessThanOrEqual(2 * floor.maxAbs + 1e-4);
    expect(fused.maxAbs).toBeLessThanOrEqual(2 * floor.maxAbs + 1e-4);
    expect(plain.same).toBeGreaterThan(0.9);
    expect(result.quantized.fusion.fullyFused).toBe(true);
  });
});
