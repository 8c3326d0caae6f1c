import type { TensorData } from '../../eval';
import { TaskError } from '../errors';
import type { DetectionSettings } from '../types';
import type { Detection } from './boxes';

/**
 * Candidate detections of sample `i` in model-input pixels, before NMS: every (anchor, class) whose
 * score reaches the threshold. See {@link DetectionSettings} for the three layouts.
 */
export function decodeDetections(
  outputs: Readonly<Record<string, TensorData>>,
  i: number,
  s: DetectionSettings,
  inputSize: { width: number; height: number },
): Detection[] {
  const out: Detection[] = [];
  const push = (x1: number, y1: number, x2: number, y2: number, label: number, score: number) => {
    if (score >= s.scoreThreshold) out.push({ x1, y1, x2, y2, label, score });
  };
  if (s.format === 'yolo') {
    const t = tensor(outputs, s.outputs[0], 3);
    const [, d1, d2] = t.dims;
    // The 4+C axis is the shorter one: [N, 84, 8400] (YOLOv8) or [N, 25200, 85] (YOLOv5).
    const channelsFirst = d1 < d2;
    const [depth, anchors] = channelsFirst ? [d1, d2] : [d2, d1];
    const objectness = s.classCount !== undefined && depth === s.classCount + 5;
    const first = objectness ? 5 : 4;
    const data = t.data as Float32Array;
    const base = i * depth * anchors;
    const at = channelsFirst
      ? (a: number, k: number) => data[base + k * anchors + a]
      : (a: number, k: number) => data[base + a * depth + k];
    for (let a = 0; a < anchors; a++) {
      const obj = objectness ? at(a, 4) : 1;
      const cx = at(a, 0);
      const cy = at(a, 1);
      const hw = at(a, 2) / 2;
      const hh = at(a, 3) / 2;
      for (let k = first; k < depth; k++) push(cx - hw, cy - hh, cx + hw, cy + hh, k - first, obj * at(a, k));
    }
    return out;
  }
  const boxes = tensor(outputs, s.outputs[0], 3);
  const scores = tensor(outputs, s.outputs[1], 3);
  const [, anchors] = boxes.dims;
  const classes = scores.dims[2];
  if (scores.dims[1] !== anchors || boxes.dims[2] !== 4)
    throw new TaskError(
      `Boxes '${s.outputs[0]}' [${boxes.dims.join(', ')}] and scores '${s.outputs[1]}' [${scores.dims.join(', ')}] do not pair up as [N, A, 4] and [N, A, C].`,
    );
  const b = boxes.data as Float32Array;
  const c = scores.data as Float32Array;
  if (s.format === 'boxes-scores') {
    for (let a = 0; a < anchors; a++) {
      const o = (i * anchors + a) * 4;
      for (let k = 0; k < classes; k++)
        push(b[o], b[o + 1], b[o + 2], b[o + 3], k, c[(i * anchors + a) * classes + k]);
    }
    return out;
  }
  const priors = s.priors;
  if (!priors || priors.length !== anchors * 4)
    throw new TaskError(
      `The priors hold ${priors ? priors.length / 4 : 0} boxes; the model has ${anchors} anchors.`,
    );
  const [v0, v1] = s.variances;
  const { width: W, height: H } = inputSize;
  const probs = new Float32Array(classes);
  for (let a = 0; a < anchors; a++) {
    const o = (i * anchors + a) * 4;
    const pw = priors[a * 4 + 2];
    const ph = priors[a * 4 + 3];
    const cx = (priors[a * 4] + b[o] * v0 * pw) * W;
    const cy = (priors[a * 4 + 1] + b[o + 1] * v0 * ph) * H;
    const hw = (pw * Math.exp(b[o + 2] * v1) * W) / 2;
    const hh = (ph * Math.exp(b[o + 3] * v1) * H) / 2;
    softmax(c, (i * anchors + a) * classes, classes, probs);
    // Class 0 is the background.
    for (let k = 1; k < classes; k++) push(cx - hw, cy - hh, cx + hw, cy + hh, k - 1, probs[k]);
  }
  return out;
}

function softmax(x: Float32Array, offset: number, n: number, out: Float32Array): void {
  let max = -Infinity;
  for (let k = 0; k < n; k++) max = Math.max(max, x[offset + k]);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    out[k] = Math.exp(x[offset + k] - max);
    sum += out[k];
  }
  for (let k = 0; k < n; k++) out[k] /= sum;
}

function tensor(outputs: Readonly<Record<string, TensorData>>, name: string, rank: number): TensorData {
  const t = outputs[name];
  if (!t) throw new TaskError(`The model did not return output '${name}'.`);
  if (t.dims.length !== rank)
    throw new TaskError(
      `Detection output '${name}' has shape [${t.dims.join(', ')}]; rank ${rank} was expected.`,
    );
  return t;
}
