/** `whittle eval` scores the fixture segmenter and detector, equal to an independent computation. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run as evaluate } from '../../src/cli/commands/eval';
import { UserError } from '../../src/cli/errors';
import { createOrtRuntime, type MaskTargets } from '../../src/core/eval';
import { nodeDirectorySource, nodeImageDecoder } from '../../src/core/eval/node';
import { openTaskDataset } from '../../src/core/tasks';
import { FIXTURES } from '../eval/helpers';

const TASKS = join(FIXTURES, 'tasks');
const UNIT = '{"scale":0.00392156862745098}';
const LIMIT = 24;

afterEach(() => vi.restoreAllMocks());

async function json(args: string[]) {
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  expect(await evaluate([...args, '--preprocess', UNIT, '--limit', String(LIMIT), '--json'])).toBe(0);
  return JSON.parse(String(log.mock.calls[0][0]));
}

describe('whittle eval on segmentation and detection', () => {
  it('scores the segmenter: mIoU and pixel accuracy equal a direct count over the masks', async () => {
    const report = await json([join(TASKS, 'seg-unet.onnx'), '--data', join(TASKS, 'test')]);
    expect(report.task.kind).toBe('segmentation');
    // Independent: run the model on the same images, argmax per pixel, count a confusion matrix.
    const data = await openTaskDataset(nodeDirectorySource(join(TASKS, 'test')), {
      decoder: nodeImageDecoder,
    });
    const samples = await data.read(0, LIMIT);
    const masks = await (data.targets as MaskTargets).read(0, LIMIT);
    const runtime = await createOrtRuntime({ backend: 'wasm', threads: 1 });
    const session = await runtime.createSession(new Uint8Array(readFileSync(join(TASKS, 'seg-unet.onnx'))));
    const input = new Float32Array(LIMIT * 96 * 96);
    samples.forEach((s, i) => {
      if (s.kind !== 'image') throw new Error('image expected');
      for (let p = 0; p < 9216; p++) input[i * 9216 + p] = s.image.data[p * s.image.channels] / 255;
    });
    const out = await session.run({ input: { type: 'float32', data: input, dims: [LIMIT, 1, 96, 96] } });
    const logits = out.logits.data as Float32Array;
    const C = out.logits.dims[1];
    const inter = new Array(C).fill(0);
    const union = new Array(C).fill(0);
    let correct = 0;
    for (let i = 0; i < LIMIT; i++)
      for (let p = 0; p < 9216; p++) {
        let best = 0;
        for (let k = 1; k < C; k++)
          if (logits[(i * C + k) * 9216 + p] > logits[(i * C + best) * 9216 + p]) best = k;
        const label = masks[i].data[p];
        if (best === label) {
          correct++;
          inter[label]++;
          union[label]++;
        } else {
          union[label]++;
          union[best]++;
        }
      }
    const ious = inter.map((v, k) => v / union[k]).filter((v) => !Number.isNaN(v));
    const miou = ious.reduce((a, b) => a + b, 0) / ious.length;
    expect(Math.abs(report.score.figures.mIoU - miou)).toBeLessThan(1e-6);
    expect(Math.abs(report.score.figures['pixel accuracy'] - correct / (LIMIT * 9216))).toBeLessThan(1e-6);
  });

  it('scores the detector with COCO mAP and names the task', async () => {
    const report = await json([
      join(TASKS, 'det-yolo.onnx'),
      '--data',
      join(TASKS, 'test'),
      '--task',
      'detection',
    ]);
    expect(report.task).toEqual({ kind: 'detection', reason: 'the recipe names detection; yolo outputs' });
    expect(report.score.metric).toBe('mAP@.5');
    expect(report.score.value).toBeGreaterThan(0.3);
    expect(report.score.figures['mAP@[.5:.95]']).toBeLessThan(report.score.value);
    expect(report.score.perClass).toHaveLength(10);
  });

  it('refuses a task the outputs cannot serve, in one sentence', async () => {
    const error = await evaluate([
      join(TASKS, 'seg-unet.onnx'),
      '--data',
      join(TASKS, 'test'),
      '--task',
      'detection',
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/Cannot tell how to read detections from outputs logits/);
  });
});
