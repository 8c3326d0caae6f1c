// Distillation end to end on a small slice of the user's training data (tests/fixtures/fmnist-train-slice:
// the first 400 images of ../shared/zoo/fmnist-train): the pruned student gets closer to the teacher,
// the run is deterministic, and the exported model computes in onnxruntime what the engine trained.
import { describe, expect, test } from 'vitest';
import { createOrtRuntime } from '../../src/core/eval';
import { openDatasetPath } from '../../src/core/eval/node';
import { exportModel, importModel, type Graph } from '../../src/core/graph';
import { decodeModel, encodeModel } from '../../src/core/onnx';
import { cloneGraph, pruneModel, removeChannels } from '../../src/core/prune';
import {
  backendCompute,
  distill,
  distillationLoss,
  loadTrainingData,
  TrainableModel,
  type DistillOptions,
  type TrainCheckpoint,
  type TrainingData,
} from '../../src/core/train';
import { createWasmBackend } from '../../src/kernels';
import { nodeWasmLoader } from '../../src/kernels/wasm/node-loader';
import { unfoldBatchNorms } from '../../src/core/train/batchnorm';
import { fixture } from '../eval/helpers';

const kernels = await createWasmBackend(nodeWasmLoader);
const compute = backendCompute(kernels);
const runtime = await createOrtRuntime({ backend: 'wasm', threads: 1 });
const teacher = importModel(decodeModel(fixture('fmnist-resnet8.onnx')));
const input = { name: 'input', type: 'float32' as const, shape: ['batch', 1, 28, 28] };
const data = await loadTrainingData(await openDatasetPath('tests/fixtures/fmnist-train-slice'), {
  input,
  preprocess: { scale: 1 / 255, mean: [0.286], std: [0.353] },
  limit: 192,
});

async function prunedStudent(): Promise<Graph> {
  const r = await pruneModel(teacher, {
    criterion: { criterion: 'l1' },
    recipe: { ratio: 0.5 },
    kernels,
  });
  const g = cloneGraph(r.masked);
  removeChannels(g, r.plan);
  return g;
}

/** Mean distillation loss of `graph` against the teacher on the first 64 samples (no augmentation). */
async function lossOn(graph: Graph, d: TrainingData): Promise<number> {
  const x = d.images.subarray(0, 64 * 784);
  const feeds = { input: { data: x, shape: [64, 1, 28, 28] } };
  const s = (await new TrainableModel(graph, { compute }).forward(feeds)).values.get('logits')!.data;
  const t = (await new TrainableModel(teacher, { compute }).forward(feeds)).values.get('logits')!.data;
  return distillationLoss(s, t, 64, { kd: 1, temperature: 4, ce: 0, mse: 0 }, 'f32').loss;
}

const options = (student: Graph): DistillOptions => ({
  teacher,
  student,
  data,
  compute,
  teacherRuntime: runtime,
  epochs: 2,
  batchSize: 32,
  lr: 2e-3,
  warmupEpochs: 0.5,
  optimizer: { name: 'adamw', weightDecay: 5e-4, momentum: 0.9, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
  loss: { kd: 1, temperature: 4, ce: 0, mse: 0 },
  augment: { flip: true, pad: 2 },
  heldOut: 0.1,
  patience: 5,
  seed: 3,
  maxStepsPerEpoch: 4,
});

describe('distillation', () => {
  test('the loss gradient matches finite differences (KD + CE + MSE)', () => {
    const s = Float64Array.from({ length: 30 }, (_, i) => Math.sin(i * 1.3) * 3);
    const t = Float64Array.from({ length: 30 }, (_, i) => Math.cos(i * 0.7) * 2);
    const labels = Int32Array.from([1, 7, 4]);
    const w = { kd: 0.7, temperature: 3, ce: 0.4, mse: 0.2 };
    const { grad } = distillationLoss(s, t, 3, w, 'f64', labels);
    for (let i = 0; i < s.length; i++) {
      const keep = s[i];
      s[i] = keep + 1e-6;
      const up = distillationLoss(s, t, 3, w, 'f64', labels).loss;
      s[i] = keep - 1e-6;
      const down = distillationLoss(s, t, 3, w, 'f64', labels).loss;
      s[i] = keep;
      expect(grad[i]).toBeCloseTo((up - down) / 2e-6, 6);
    }
  });

  test('a pruned fmnist-resnet8 moves toward its teacher, deterministically, and exports what it trained', async () => {
    const student = await prunedStudent();
    const before = await lossOn(student, data);
    const a = await distill(options(student));
    const b = await distill(options(student));
    const bytesA = encodeModel(exportModel(a.graph));
    expect(bytesA).toEqual(encodeModel(exportModel(b.graph)));
    expect(a.history).toHaveLength(2);
    expect(a.frozen.params).toEqual([]);
    const after = await lossOn(a.graph, data);
    expect(after).toBeLessThan(before * 0.8);

    // onnxruntime runs the exported model and agrees with the engine's forward.
    const x = data.images.subarray(0, 8 * 784);
    const session = await runtime.createSession(bytesA);
    const ort = (await session.run({ input: { type: 'float32', data: x, dims: [8, 1, 28, 28] } })).logits
      .data;
    await session.release();
    const ours = (
      await new TrainableModel(a.graph, { compute }).forward({ input: { data: x, shape: [8, 1, 28, 28] } })
    ).values.get('logits')!.data;
    for (let i = 0; i < ours.length; i++) expect(Math.abs(ours[i] - (ort[i] as number))).toBeLessThan(1e-4);
  }, 120_000);

  test('a BatchNorm put after every Conv for training computes what the Conv did until it trains', async () => {
    const student = await prunedStudent();
    const graph = cloneGraph(student);
    const look = new TrainableModel(graph, { compute });
    const all = Int32Array.from({ length: 128 }, (_, i) => i);
    const inserted = await unfoldBatchNorms(graph, look, data, all, 64);
    expect(inserted).toBe(student.nodes().filter((n) => n.opType === 'Conv').length);
    const x = data.images.subarray(0, 16 * 784);
    const feeds = { input: { data: x, shape: [16, 1, 28, 28] } };
    const run = async (g: Graph, batchStatistics: boolean) =>
      (await new TrainableModel(g, { compute, batchStatistics }).forward(feeds)).values.get('logits')!.data;
    const plain = await run(student, false);
    const running = await run(graph, false);
    for (let i = 0; i < plain.length; i++) expect(Math.abs(running[i] - plain[i])).toBeLessThan(1e-3);
    // By batch statistics (training) the logits differ from the running ones, but not by much.
    const batch = await run(graph, true);
    expect(batch.some((v, i) => Math.abs(v - plain[i]) > 1e-3)).toBe(true);
  }, 120_000);

  test("batchNorm 'batch' trains through batch statistics and folds back into the student's structure", async () => {
    const student = await prunedStudent();
    const before = await lossOn(student, data);
    const r = await distill({ ...options(student), batchNorm: 'batch' });
    const ops = (g: Graph) => g.nodes().map((n) => n.opType);
    expect(ops(r.graph)).toEqual(ops(student));
    expect(await lossOn(r.graph, data)).toBeLessThan(before * 0.8);
    // The held-out check and the exported model read the re-estimated running statistics: onnxruntime
    // on the folded model agrees with the engine.
    const bytes = encodeModel(exportModel(r.graph));
    const x = data.images.subarray(0, 8 * 784);
    const session = await runtime.createSession(bytes);
    const ort = (await session.run({ input: { type: 'float32', data: x, dims: [8, 1, 28, 28] } })).logits
      .data;
    await session.release();
    const ours = (
      await new TrainableModel(r.graph, { compute }).forward({ input: { data: x, shape: [8, 1, 28, 28] } })
    ).values.get('logits')!.data;
    for (let i = 0; i < ours.length; i++) expect(Math.abs(ours[i] - (ort[i] as number))).toBeLessThan(1e-4);
  }, 120_000);

  test('a run paused mid-epoch or checkpointed at an epoch ends, resumed, with the uninterrupted bytes', async () => {
    const student = await prunedStudent();
    const plain = encodeModel(exportModel((await distill(options(student))).graph));
    // Pause before step 3 of epoch 2 (global step 6): the checkpoint is stored first, then the run
    // stops as a reload would stop it; a structured clone stands in for IndexedDB.
    const saved: TrainCheckpoint[] = [];
    let steps = 0;
    await expect(
      distill({
        ...options(student),
        onCheckpoint: (c) => void saved.push(structuredClone(c)),
        shouldPause: () => ++steps === 7,
        resumed: () => Promise.reject(new Error('page closed')),
      }),
    ).rejects.toThrow('page closed');
    expect(saved.map((c) => [c.epoch, c.step])).toEqual([
      [2, 0],
      [2, 2],
    ]);
    for (const checkpoint of saved) {
      const resumed = await distill({ ...options(student), resume: checkpoint });
      expect(encodeModel(exportModel(resumed.graph))).toEqual(plain);
      expect(resumed.history.map((h) => h.loss)).toHaveLength(2);
    }
    // A checkpoint of another schedule is refused by name, not continued wrongly.
    await expect(distill({ ...options(student), epochs: 3, resume: saved[1] })).rejects.toThrow(
      /checkpoint was made for 2 epochs of 4 steps, this run has 3 of 4/,
    );
  }, 180_000);

  test('cancelling stops the run with the abort reason', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(distill({ ...options(await prunedStudent()), signal: controller.signal })).rejects.toThrow(
      'stop',
    );
  });
});
