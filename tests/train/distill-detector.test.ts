/**
 * Distilling a pruned detector on its raw heads (before box decoding): the targets are found from the
 * graph, score logits get sigmoid cross-entropy, the training graph ends at the heads (Exp has no
 * gradient), and the weights go back into the whole model, which onnxruntime runs.
 */
import { describe, expect, test } from 'vitest';
import { createOrtRuntime } from '../../src/core/eval';
import { exportModel, importModel } from '../../src/core/graph';
import { decodeModel, encodeModel } from '../../src/core/onnx';
import { distillTargets } from '../../src/core/pipeline/finetune-stage';
import { cloneGraph, pruneModel, removeChannels } from '../../src/core/prune';
import { openTaskDatasetPath } from '../../src/core/tasks/node';
import { backendCompute, distill, loadTrainingData, sigmoidDistillationLoss } from '../../src/core/train';
import { createWasmBackend } from '../../src/kernels';
import { nodeWasmLoader } from '../../src/kernels/wasm/node-loader';
import { fixture } from '../eval/helpers';

const kernels = await createWasmBackend(nodeWasmLoader);
const teacher = importModel(decodeModel(fixture('tasks/det-yolo.onnx')));

describe('detector distillation', () => {
  test('targets: the box head by MSE, the class head by sigmoid cross-entropy; a segmenter’s logits by MSE', () => {
    expect(distillTargets(teacher, 'detection')!.sort((a, b) => a.tensor.localeCompare(b.tensor))).toEqual([
      { tensor: '/box/box.1/Conv_output_0', loss: 'mse' },
      { tensor: '/cls/cls.1/Conv_output_0', loss: 'sigmoid' },
    ]);
    expect(distillTargets(importModel(decodeModel(fixture('tasks/seg-unet.onnx'))), 'segmentation')).toEqual([
      { tensor: 'logits', loss: 'mse' },
    ]);
    expect(distillTargets(teacher, 'classification')).toBeUndefined();
  });

  test('the sigmoid loss is 0 at the teacher and its gradient matches finite differences', () => {
    const s = Float64Array.from({ length: 12 }, (_, i) => Math.sin(i * 1.7) * 6);
    const t = Float64Array.from({ length: 12 }, (_, i) => Math.cos(i * 0.9) * 5);
    expect(sigmoidDistillationLoss(t, t, 'f64').loss).toBeCloseTo(0, 12);
    const { grad } = sigmoidDistillationLoss(s, t, 'f64');
    for (let i = 0; i < s.length; i++) {
      const h = 1e-6;
      const up = Float64Array.from(s);
      const down = Float64Array.from(s);
      up[i] += h;
      down[i] -= h;
      const numeric =
        (sigmoidDistillationLoss(up, t, 'f64').loss - sigmoidDistillationLoss(down, t, 'f64').loss) / (2 * h);
      expect(grad[i]).toBeCloseTo(numeric, 7);
    }
  });

  test('two short epochs lower the held-out loss; the whole model, decoding included, runs in onnxruntime', async () => {
    const runtime = await createOrtRuntime({ backend: 'wasm', threads: 1 });
    const r = await pruneModel(teacher, {
      criterion: { criterion: 'l1' },
      recipe: { macsTarget: 0.4 },
      kernels,
    });
    const student = cloneGraph(r.masked);
    removeChannels(student, r.plan);
    const data = await loadTrainingData(await openTaskDatasetPath('tests/fixtures/tasks/calib.npz'), {
      input: { name: 'input', type: 'float32', shape: ['N', 1, 96, 96] },
      preprocess: { scale: 1 / 255 },
      limit: 48,
    });
    const result = await distill({
      teacher,
      student,
      data,
      compute: backendCompute(kernels),
      teacherRuntime: runtime,
      targets: distillTargets(teacher, 'detection'),
      epochs: 2,
      batchSize: 16,
      lr: 2e-3,
      warmupEpochs: 0,
      optimizer: { name: 'adamw', weightDecay: 0, momentum: 0.9, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
      loss: { kd: 0, temperature: 1, ce: 0, mse: 1 },
      augment: { flip: true, pad: 0 },
      heldOut: 0.25,
      patience: 5,
      seed: 1,
    });
    const [first, second] = result.history.map((e) => e.heldOutLoss!);
    expect(second).toBeLessThan(first);
    expect(result.frozen.blockedBy).toEqual([]);
    expect(result.graph.nodes().some((n) => n.opType === 'Exp')).toBe(true);
    const session = await runtime.createSession(encodeModel(exportModel(result.graph)));
    const out = await session.run({
      input: { type: 'float32', data: data.images.subarray(0, 2 * 9216), dims: [2, 1, 96, 96] },
    });
    expect(out.output.dims).toEqual([2, 14, 144]);
    await session.release();
  }, 120_000);
});
