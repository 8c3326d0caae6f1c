/**
 * Pictures of predictions on the fixture segmenter and detector: every pixel of a stage's class map is
 * the argmax of that model's own output (run here separately), the annotation is the mask or boxes as
 * read from disk, boxes agree with the annotation for a trained model, and the report embeds them as
 * PNGs that decode back to the blended pixels.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode as decodePng } from 'fast-png';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOrtRuntime, modelOutputs, type InferenceRuntime, type MaskTargets } from '../../src/core/eval';
import { importModel } from '../../src/core/graph';
import { decodeModel } from '../../src/core/onnx';
import { buildReport } from '../../src/core/report';
import {
  DEFAULT_TASK,
  iou,
  maskOverlay,
  predictPictures,
  resolveTask,
  type TaskPictures,
} from '../../src/core/tasks';
import { openTaskDatasetPath } from '../../src/core/tasks/node';
import { FIXTURES } from '../eval/helpers';

const TASKS = join(FIXTURES, 'tasks');
const UNIT = { scale: 1 / 255 };
const model = (file: string) => new Uint8Array(readFileSync(join(TASKS, file)));
const outputsOf = (bytes: Uint8Array) => modelOutputs(importModel(decodeModel(bytes)));

let runtime: InferenceRuntime;
beforeAll(async () => {
  runtime = await createOrtRuntime({ backend: 'wasm', threads: 1 });
});

async function pictures(file: string, kind: 'segmentation' | 'detection', count: number) {
  const bytes = model(file);
  const dataset = await openTaskDatasetPath(join(TASKS, 'test'), undefined, kind);
  const { task } = resolveTask(DEFAULT_TASK, outputsOf(bytes), dataset);
  const result = await predictPictures({
    runtime,
    stages: [{ name: 'original', label: 'original', bytes }],
    dataset,
    task,
    preprocess: UNIT,
    count,
  });
  return { result: result as TaskPictures, dataset, bytes };
}

describe('pictures of predictions', () => {
  it('segmentation: class maps are the model’s argmax, annotations the masks on disk', async () => {
    const { result, dataset, bytes } = await pictures('seg-unet.onnx', 'segmentation', 3);
    expect(result.task).toBe('segmentation');
    expect(result.samples).toHaveLength(3);
    // Ten class names in classes.txt, eleven output classes: class 0 is a see-through background.
    expect(result.background).toBe(true);
    const session = await runtime.createSession(bytes);
    const masks = await (dataset.targets as MaskTargets).read(0, 3);
    const images = await dataset.read(0, 3);
    let agree = 0;
    for (const [i, sample] of result.samples.entries()) {
      const image = images[i];
      if (image.kind !== 'image') throw new Error('image expected');
      const input = Float32Array.from(
        { length: 96 * 96 },
        (_, p) => image.image.data[p * image.image.channels] / 255,
      );
      const out = (await session.run({ input: { type: 'float32', data: input, dims: [1, 1, 96, 96] } }))
        .logits;
      const logits = out.data as Float32Array;
      const p = sample.predictions[0];
      if (p.kind !== 'mask' || sample.truth?.kind !== 'mask') throw new Error('masks expected');
      expect([p.width, p.height]).toEqual([96, 96]);
      for (let q = 0; q < 9216; q++) {
        let best = 0;
        for (let k = 1; k < 11; k++) if (logits[k * 9216 + q] > logits[best * 9216 + q]) best = k;
        expect(p.classes[q]).toBe(best);
        expect(sample.truth.classes[q]).toBe(masks[i].data[q]);
        if (best === masks[i].data[q]) agree++;
      }
      // The image is the fed tensor stretched to 0–255: gray, so r = g = b.
      expect(sample.image.rgba[4 * 500]).toBe(sample.image.rgba[4 * 500 + 1]);
    }
    await session.release();
    expect(agree / (3 * 9216)).toBeGreaterThan(0.9);
  });

  it('detection: drawn boxes (best class per object) locate the annotated boxes', async () => {
    const { result } = await pictures('det-yolo.onnx', 'detection', 8);
    expect(result.task).toBe('detection');
    expect(result.classNames[0]).toBe('T-shirt/top');
    let located = 0;
    let matched = 0;
    let total = 0;
    for (const sample of result.samples) {
      const p = sample.predictions[0];
      if (p.kind !== 'boxes' || sample.truth?.kind !== 'boxes') throw new Error('boxes expected');
      expect(p.boxes.every((b) => b.score >= result.minScore)).toBe(true);
      // One box per object, not one per class on it.
      for (const [k, b] of p.boxes.entries())
        for (const c of p.boxes.slice(k + 1)) expect(iou(b, c)).toBeLessThan(0.7);
      for (const t of sample.truth.boxes) {
        total++;
        if (p.boxes.some((b) => iou(b, t) >= 0.5)) located++;
        if (p.boxes.some((b) => b.label === t.label && iou(b, t) >= 0.5)) matched++;
      }
    }
    console.log(`drawn boxes: ${located}/${total} annotated boxes located, ${matched} with the right class`);
    expect(total).toBeGreaterThan(8);
    expect(located / total).toBeGreaterThan(0.9);
    expect(matched).toBeGreaterThan(0);
  });

  it('the report embeds each picture as a PNG holding the blended pixels, boxes with class and score', async () => {
    const seg = (await pictures('seg-unet.onnx', 'segmentation', 2)).result;
    const det = (await pictures('det-yolo.onnx', 'detection', 2)).result;
    const report = (pictures: TaskPictures) =>
      buildReport({
        modelFile: 'm.onnx',
        createdAt: 'now',
        metric: 'accuracy',
        samples: 2,
        datasets: { calibration: 'c' },
        runtime: { backend: 'wasm', threads: 1 },
        kernels: 'reference',
        latencyBackends: [],
        notes: [],
        stages: [],
        recipe: {},
        pictures,
      });
    const html = report(seg);
    const urls = [...html.matchAll(/href="data:image\/png;base64,([^"]+)"/g)].map((m) => m[1]);
    // Two samples × (annotation + one stage).
    expect(urls).toHaveLength(4);
    const png = decodePng(new Uint8Array(Buffer.from(urls[1], 'base64')));
    expect([png.width, png.height, png.channels]).toEqual([96, 96, 4]);
    const sample = seg.samples[0];
    const p = sample.predictions[0];
    if (p.kind !== 'mask') throw new Error('mask expected');
    expect(Array.from(png.data)).toEqual(Array.from(maskOverlay(sample.image, p.classes, true)));

    const boxes = report(det);
    const first = det.samples[0].predictions[0];
    if (first.kind !== 'boxes' || first.boxes.length === 0) throw new Error('boxes expected');
    const b = first.boxes[0];
    expect(boxes).toContain(`${det.classNames[b.label]} ${b.score.toFixed(2)}`);
    expect(boxes.match(/<rect /g)?.length).toBeGreaterThanOrEqual(first.boxes.length);
  });
});
