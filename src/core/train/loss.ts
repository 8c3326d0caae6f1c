/**
 * Distillation losses on logits [batch, classes], each returning the loss and its gradient with
 * respect to the student's logits (the seed of the backward pass), averaged over the batch.
 *
 * KD (Hinton et al., "Distilling the Knowledge in a Neural Network", 2015): L = T² · KL(p_t ‖ p_s)
 * with p = softmax(z / T); the T² keeps gradient magnitudes independent of T; ∂L/∂s = T·(p_s − p_t).
 * Cross-entropy with labels: ∂L/∂s = softmax(s) − onehot(y). MSE on outputs: mean (s − t)².
 */
import { allocFloats, type Floats, type Precision } from './tensor';

export interface LossWeights {
  /** Weight of the temperature-softened KL term (0 to turn it off). */
  kd: number;
  temperature: number;
  /** Weight of cross-entropy against labels (used only where labels are given). */
  ce: number;
  /** Weight of the mean squared error between student and teacher outputs. */
  mse: number;
}

export interface LossResult {
  loss: number;
  grad: Floats;
  /** Student top-1 equals the teacher's (or the label's, when labels are given), per batch. */
  agreement: number;
}

function softmaxRow(z: Floats, at: number, classes: number, t: number, out: Float64Array): void {
  let max = -Infinity;
  for (let c = 0; c < classes; c++) max = Math.max(max, z[at + c] / t);
  let sum = 0;
  for (let c = 0; c < classes; c++) {
    out[c] = Math.exp(z[at + c] / t - max);
    sum += out[c];
  }
  for (let c = 0; c < classes; c++) out[c] /= sum;
}

function argmaxRow(z: Floats, at: number, classes: number): number {
  let best = 0;
  for (let c = 1; c < classes; c++) if (z[at + c] > z[at + best]) best = c;
  return best;
}

export function distillationLoss(
  student: Floats,
  teacher: Floats,
  batch: number,
  weights: LossWeights,
  precision: Precision,
  labels?: Int32Array,
): LossResult {
  const classes = student.length / batch;
  const grad = allocFloats(precision, student.length);
  const ps = new Float64Array(classes);
  const pt = new Float64Array(classes);
  const T = weights.temperature;
  let loss = 0;
  let agree = 0;
  for (let n = 0; n < batch; n++) {
    const at = n * classes;
    if (weights.kd > 0) {
      softmaxRow(student, at, classes, T, ps);
      softmaxRow(teacher, at, classes, T, pt);
      let kl = 0;
      for (let c = 0; c < classes; c++) {
        if (pt[c] > 0) kl += pt[c] * (Math.log(pt[c]) - Math.log(Math.max(ps[c], 1e-30)));
        grad[at + c] += (weights.kd * T * (ps[c] - pt[c])) / batch;
      }
      loss += (weights.kd * T * T * kl) / batch;
    }
    if (weights.ce > 0 && labels) {
      softmaxRow(student, at, classes, 1, ps);
      const y = labels[n];
      loss -= (weights.ce * Math.log(Math.max(ps[y], 1e-30))) / batch;
      for (let c = 0; c < classes; c++) grad[at + c] += (weights.ce * (ps[c] - (c === y ? 1 : 0))) / batch;
    }
    if (weights.mse > 0) {
      for (let c = 0; c < classes; c++) {
        const d = student[at + c] - teacher[at + c];
        loss += (weights.mse * d * d) / (batch * classes);
        grad[at + c] += (2 * weights.mse * d) / (batch * classes);
      }
    }
    const target = labels ? labels[n] : argmaxRow(teacher, at, classes);
    if (argmaxRow(student, at, classes) === target) agree++;
  }
  return { loss, grad, agreement: agree / batch };
}

/**
 * Binary cross-entropy of sigmoid(student) against the teacher's sigmoid probabilities, averaged over
 * elements: for score logits (a detector's classes), where matching the far negatives of an MSE
 * would waste the student's capacity on scores that never rank. ∂L/∂s = (σ(s) − σ(t)) / count.
 */
export function sigmoidDistillationLoss(student: Floats, teacher: Floats, precision: Precision): LossResult {
  const grad = allocFloats(precision, student.length);
  const count = Math.max(1, student.length);
  let loss = 0;
  for (let i = 0; i < student.length; i++) {
    const s = student[i];
    const p = 1 / (1 + Math.exp(-teacher[i]));
    // softplus(s) − p·s, minus the teacher's own entropy so a perfect match scores 0.
    const softplus = s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s));
    const entropy = p > 0 && p < 1 ? -(p * Math.log(p) + (1 - p) * Math.log(1 - p)) : 0;
    loss += softplus - p * s - entropy;
    grad[i] = (1 / (1 + Math.exp(-s)) - p) / count;
  }
  return { loss: loss / count, grad, agreement: 0 };
}
