/**
 * The planner keeps a detector's box decoding float on its own: plain quantization of the fixture
 * detector (no exclude) holds mAP@.5 within a point of FP32, while classifiers and the segmenter get
 * exactly the plan they had before.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelOutputs } from '../../src/core/eval';
import { importModel, inferShapes } from '../../src/core/graph';
import { decodeModel } from '../../src/core/onnx';
import { datasetFeeds, planQuantization, prepareForQuantization, quantizeModel } from '../../src/core/quant';
import { DEFAULT_TASK, evaluateTask, resolveTask } from '../../src/core/tasks';
import { openTaskDatasetPath } from '../../src/core/tasks/node';
import { fixture, nativeRuntime } from './helpers';

const TASKS = join(import.meta.dirname, '..', 'fixtures', 'tasks');
const UNIT = { scale: 1 / 255 };
const INPUT = { name: 'input', type: 'float32' as const, shape: ['N', 1, 96, 96] };

const planOf = (name: string, keepDecodingFloat?: boolean) => {
  const graph = prepareForQuantization(importModel(decodeModel(fixture(name))));
  return planQuantization(graph, inferShapes(graph), { keepDecodingFloat });
};

describe('box decoding stays float', () => {
  it('finds the fixture detector’s decoding tail after its last convolutions, with the reason per node', () => {
    const plan = planOf('tasks/det-yolo.onnx');
    const kept = Object.keys(plan.kept);
    const graph = prepareForQuantization(importModel(decodeModel(fixture('tasks/det-yolo.onnx'))));
    const opOf = (name: string) => graph.nodes().find((n) => n.name === name)!.opType;
    expect(kept.map(opOf).sort()).toEqual(
      [
        'Add',
        'Clip',
        'Concat',
        'Exp',
        'Mul',
        'Mul',
        'Mul',
        'Reshape',
        'Reshape',
        'Sigmoid',
        'Sigmoid',
        'Slice',
        'Slice',
        'Sub',
      ].sort(),
    );
    for (const reason of Object.values(plan.kept))
      expect(reason).toBe("box decoding: kept float (output 'output')");
    // The head convolutions themselves are still INT8; nothing in the tail is.
    for (const name of kept) expect(plan.nodes[name]).toBeUndefined();
    expect(Object.values(plan.nodes).filter((r) => r === 'quantized')).toHaveLength(8);
    expect(plan.excluded).toEqual([]);
  });

  it.each(['fmnist-resnet8.onnx', 'fmnist-mobilenetv2.onnx', 'tasks/seg-unet.onnx'])(
    '%s: nothing is kept, the plan is the one without the rule',
    (name) => {
      const plan = planOf(name);
      expect(plan.kept).toEqual({});
      expect(plan).toEqual(planOf(name, false));
    },
  );

  it('plain INT8 of the detector keeps mAP@.5 within 1 point of FP32 on the 400 held-out images', async () => {
    const runtime = await nativeRuntime();
    const calib = await openTaskDatasetPath(join(TASKS, 'calib.npz'));
    const test = await openTaskDatasetPath(join(TASKS, 'test'), undefined, 'detection');
    const model = fixture('tasks/det-yolo.onnx');
    const graph = importModel(decodeModel(model));
    const { task } = resolveTask({ ...DEFAULT_TASK, kind: 'detection' }, modelOutputs(graph), test);
    const mAP = async (bytes: Uint8Array) => {
      const session = await runtime.createSession(bytes);
      try {
        const r = await evaluateTask(session, test, task, { preprocess: UNIT, batchSize: 32 });
        return r.score!.value;
      } finally {
        await session.release();
      }
    };
    const quantize = (keepDecodingFloat: boolean) =>
      quantizeModel(model, {
        runtime,
        keepDecodingFloat,
        calibration: () => datasetFeeds(calib, INPUT, { preprocess: UNIT, limit: 64, batchSize: 32 }),
      });
    const [fp32, int8, naive] = [
      await mAP(model),
      await mAP((await quantize(true)).bytes),
      await mAP((await quantize(false)).bytes),
    ];
    console.log(
      `det-yolo mAP@.5: FP32 ${(100 * fp32).toFixed(2)}, INT8 ${(100 * int8).toFixed(2)}, INT8 with the decoding quantized ${(100 * naive).toFixed(2)}`,
    );
    expect(fp32 - int8).toBeLessThanOrEqual(0.01);
    // The rule is what holds it: quantizing the tail costs far more.
    expect(fp32 - naive).toBeGreaterThan(0.05);
  }, 120_000);
});
