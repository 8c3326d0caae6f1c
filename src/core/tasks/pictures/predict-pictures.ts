import {
  batches,
  resolvePreprocess,
  type Dataset,
  type ImageBoxes,
  type InferenceRuntime,
  type PreprocessSpec,
  type ResolvedPreprocess,
  type RuntimeSession,
  type TensorData,
} from '../../eval';
import { iou, nonMaxSuppression, type Detection } from '../detection/boxes';
import { decodeDetections } from '../detection/decode';
import { alignMask } from '../segmentation/align';
import type { ResolvedTask } from '../types';
import { NO_CLASS, type PictureImage, type PicturePrediction, type TaskPictures } from './types';

export interface PictureOptions {
  readonly runtime: InferenceRuntime;
  /** The run's stages, the original first; every one is run on the same samples. */
  readonly stages: readonly { readonly name: string; readonly label: string; readonly bytes: Uint8Array }[];
  readonly dataset: Dataset;
  readonly task: ResolvedTask;
  readonly preprocess?: PreprocessSpec;
  /** Samples to picture, from the start of the dataset (default 4). */
  readonly count?: number;
  /** Boxes drawn from this score up (default 0.1). */
  readonly minScore?: number;
  readonly signal?: AbortSignal;
}

/**
 * A few samples with what every stage predicted on them — segmentation class maps or detection boxes
 * after NMS, in the pixels of the image as the model saw it — and the annotation aligned the same
 * way. Undefined for tasks without pictures (classification, outputs only).
 */
export async function predictPictures(o: PictureOptions): Promise<TaskPictures | undefined> {
  const { task, dataset, stages } = o;
  if (task.kind !== 'segmentation' && task.kind !== 'detection') return undefined;
  const count = Math.min(o.count ?? 4, dataset.size);
  if (count === 0 || stages.length === 0) return undefined;
  const minScore = o.minScore ?? 0.1;
  const fetches = task.kind === 'segmentation' ? [task.output] : task.detection.outputs;

  let session: RuntimeSession = await o.runtime.createSession(stages[0].bytes);
  try {
    const input = session.inputs[0];
    const pre = resolvePreprocess(o.preprocess, input, dataset).preprocess;
    const inputs = await sampleInputs(dataset, pre, count, o.signal);
    const paths = (await dataset.read(0, count)).map((s) => s.path);
    const predictions: PicturePrediction[][] = inputs.map(() => []);
    let classes = 0;
    for (const [k, stage] of stages.entries()) {
      o.signal?.throwIfAborted();
      if (k > 0) {
        await session.release();
        session = await o.runtime.createSession(stage.bytes);
      }
      for (const [i, data] of inputs.entries()) {
        const feeds = { [input.name]: { type: 'float32', data, dims: [1, ...pre.sampleDims] } as TensorData };
        const outputs = await session.run(feeds, fetches);
        if (task.kind === 'segmentation') {
          const t = outputs[task.output];
          classes = t.dims[1];
          predictions[i].push(classMap(t, pre));
        } else {
          const kept = nonMaxSuppression(
            decodeDetections(outputs, 0, task.detection, pre),
            task.detection.nmsIou,
            task.detection.maxDetections,
          );
          predictions[i].push({ kind: 'boxes', boxes: bestClassPerObject(kept, minScore) });
        }
      }
    }
    const truths = await annotations(
      dataset,
      pre,
      count,
      task.kind === 'segmentation' ? task.ignoreIndex : -1,
    );
    const names = classNamesOf(dataset, task.kind, classes, truths, predictions);
    return {
      task: task.kind,
      classNames: names.names,
      background: names.background,
      stages: stages.map((s) => ({ name: s.name, label: s.label })),
      samples: inputs.map((data, i) => ({
        path: paths[i] ?? `sample ${i}`,
        image: toImage(data, pre),
        ...(truths[i] ? { truth: truths[i] } : {}),
        predictions: predictions[i],
      })),
      minScore,
    };
  } finally {
    await session.release();
  }
}

/**
 * What a picture draws of the detections the metric counts: class-wise NMS keeps one box per class on
 * an object, which stacks labels; a picture keeps the best-scoring class of each object (boxes
 * overlapping a better one by IoU ≥ 0.7 go), from `minScore` up.
 */
function bestClassPerObject(dets: readonly Detection[], minScore: number): Detection[] {
  const kept: Detection[] = [];
  for (const d of [...dets].sort((a, b) => b.score - a.score)) {
    if (d.score < minScore) break;
    if (kept.every((k) => iou(k, d) < 0.7)) kept.push(d);
  }
  return kept;
}

/** The first `count` samples as the model is fed them, one array each. */
async function sampleInputs(
  dataset: Dataset,
  pre: ResolvedPreprocess,
  count: number,
  signal?: AbortSignal,
): Promise<Float32Array[]> {
  const length = pre.sampleDims.reduce((a, b) => a * b, 1);
  const out: Float32Array[] = [];
  for await (const batch of batches(dataset, pre, { batchSize: count, limit: count, signal }))
    for (let i = 0; i < batch.dims[0]; i++) out.push(batch.input.slice(i * length, (i + 1) * length));
  return out;
}

/** Argmax over classes, brought to the input's size by nearest neighbour when the output is smaller. */
function classMap(t: TensorData, pre: ResolvedPreprocess): PicturePrediction {
  const [, c, h, w] = t.dims;
  const { height: H, width: W } = pre;
  const data = t.data as Float32Array;
  const plane = h * w;
  const classes = new Uint8Array(H * W);
  for (let y = 0; y < H; y++) {
    const sy = Math.min(h - 1, Math.floor(((y + 0.5) * h) / H));
    for (let x = 0; x < W; x++) {
      const p = sy * w + Math.min(w - 1, Math.floor(((x + 0.5) * w) / W));
      let best = 0;
      for (let k = 1; k < c; k++) if (data[k * plane + p] > data[best * plane + p]) best = k;
      classes[y * W + x] = Math.min(best, NO_CLASS - 1);
    }
  }
  return { kind: 'mask', width: W, height: H, classes };
}

/** Annotations aligned to the model input: masks cropped and resized as the image was, boxes moved likewise. */
async function annotations(
  dataset: Dataset,
  pre: ResolvedPreprocess,
  count: number,
  ignoreIndex: number,
): Promise<(PicturePrediction | undefined)[]> {
  const targets = dataset.targets;
  if (targets?.kind === 'masks') {
    const labels = new Int32Array(pre.height * pre.width);
    return (await targets.read(0, count)).map((mask) => {
      alignMask(mask, pre, labels);
      const classes = Uint8Array.from(labels, (v) =>
        v === ignoreIndex || v < 0 || v >= NO_CLASS ? NO_CLASS : v,
      );
      return { kind: 'mask', width: pre.width, height: pre.height, classes };
    });
  }
  if (targets?.kind === 'boxes')
    return targets.images.slice(0, count).map((image) => ({ kind: 'boxes', boxes: toInput(image, pre) }));
  return [];
}

/** From the image's pixels to the model input's: resize, then centre crop (the inverse of the scorer's mapping). */
function toInput(image: ImageBoxes, pre: ResolvedPreprocess): Detection[] {
  const [rh, rw] = pre.resize ?? [image.height, image.width];
  const ox = (rw - pre.width) >> 1;
  const oy = (rh - pre.height) >> 1;
  const sx = rw / image.width;
  const sy = rh / image.height;
  return image.boxes
    .filter((b) => !b.ignore)
    .map((b) => ({
      x1: b.x1 * sx - ox,
      y1: b.y1 * sy - oy,
      x2: b.x2 * sx - ox,
      y2: b.y2 * sy - oy,
      label: b.label,
      score: 1,
    }));
}

/**
 * The fed tensor back as a picture: each image stretched to the full 0–255 range (whatever the
 * normalisation was), channels in RGB order, gray repeated.
 */
function toImage(data: Float32Array, pre: ResolvedPreprocess): PictureImage {
  const { height: H, width: W } = pre;
  const plane = H * W;
  const channels = Math.max(1, Math.round(data.length / plane));
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  const at = (c: number, p: number) => (pre.layout === 'nchw' ? data[c * plane + p] : data[p * channels + c]);
  const order = pre.channels === 'bgr' ? [2, 1, 0] : [0, 1, 2];
  const rgba = new Uint8ClampedArray(plane * 4);
  for (let p = 0; p < plane; p++) {
    for (let k = 0; k < 3; k++) rgba[p * 4 + k] = (at(Math.min(order[k], channels - 1), p) - lo) * scale;
    rgba[p * 4 + 3] = 255;
  }
  return { width: W, height: H, rgba };
}

/**
 * Class names by index: the dataset's; for segmentation with one name fewer than the output has
 * classes, class 0 is the background. Unnamed classes are called by their index.
 */
function classNamesOf(
  dataset: Dataset,
  kind: 'segmentation' | 'detection',
  outputClasses: number,
  truths: readonly (PicturePrediction | undefined)[],
  predictions: readonly PicturePrediction[][],
): { names: string[]; background: boolean } {
  const given = dataset.classNames ?? [];
  if (kind === 'segmentation') {
    const background =
      given.length === outputClasses - 1 ||
      /^(_*background_*|bg)$/i.test(given[0] ?? '') ||
      (given.length === 0 && mostlyZero(predictions[0]?.[0]));
    const names = background && given.length === outputClasses - 1 ? ['background', ...given] : [...given];
    for (let k = names.length; k < outputClasses; k++) names.push(`class ${k}`);
    return { names, background };
  }
  const labels = [...truths, ...predictions.flat()].flatMap((p) =>
    p?.kind === 'boxes' ? p.boxes.map((b) => b.label) : [],
  );
  const names = [...given];
  for (let k = names.length; k <= Math.max(-1, ...labels); k++) names.push(`class ${k}`);
  return { names, background: false };
}

function mostlyZero(p: PicturePrediction | undefined): boolean {
  if (p?.kind !== 'mask') return false;
  let zeros = 0;
  for (const k of p.classes) if (k === 0) zeros++;
  return zeros > p.classes.length / 2;
}
