/**
 * Knowledge distillation: the pruned student learns to reproduce the original teacher's outputs on
 * the user's own images (labels optional). Mini-batches in a seeded order with light augmentation,
 * SGD-Nesterov or AdamW, linear warm-up then cosine decay, and early stopping on a held-out split:
 * the best epoch's weights are kept. Deterministic for one kernel backend and seed.
 */
import type { Graph } from '../graph';
import type { InferenceRuntime } from '../eval';
import { encodeModel } from '../onnx';
import { exportModel } from '../graph';
import { cloneGraph } from '../prune';
import { augmentBatch, type AugmentOptions } from './augment';
import type { Compute } from './compute';
import { gather, shuffled, splitHeldOut, type TrainingData } from './data';
import type { TrainCheckpoint } from './checkpoint';
import { BufferPool } from './buffer-pool';
import { TrainableModel, type FrozenReport, type Tape } from './engine';
import { opImpl } from './ops/registry';
import { TrainError } from './errors';
import { distillationLoss, sigmoidDistillationLoss, type LossWeights } from './loss';
import { graphEndingAt } from './truncate';
import { cosineWithWarmup, Optimizer, type OptimizerOptions } from './optimizer';
import { TrainRandom } from './random';
import type { Floats } from './tensor';
import { reestimateBatchNorms, unfoldBatchNorms } from './batchnorm';
import { foldBatchNorms } from '../quant';

/** Training images whose statistics initialise and re-estimate BatchNorms in 'batch' mode. */
const BATCH_NORM_SAMPLES = 1024;

export interface DistillOptions {
  teacher: Graph;
  student: Graph;
  data: TrainingData;
  compute: Compute;
  /** Runs a teacher with an op the training engine lacks (the engine runs every other one). */
  teacherRuntime?: InferenceRuntime;
  epochs: number;
  batchSize: number;
  /** Peak learning rate. */
  lr: number;
  /** Warm-up length, in epochs (fractions allowed). */
  warmupEpochs: number;
  optimizer: OptimizerOptions;
  /** Learning-rate factor per parameter (1 where absent). */
  lrScale?: Readonly<Record<string, number>>;
  loss: LossWeights;
  /**
   * Tensors both graphs compute that the student matches, in place of the first output's KD/CE/MSE:
   * a detector's raw heads before box decoding, a segmenter's logits. Held-out early stopping then
   * watches the same loss.
   */
  targets?: readonly DistillTarget[];
  augment: AugmentOptions;
  /**
   * 'running': BatchNorm keeps the model's running statistics (an affine layer) and folded
   * convolutions train as they are. 'batch': every Conv without a BatchNorm gets one for training,
   * all normalise by batch statistics, running statistics are re-estimated on training images, and
   * the BatchNorms are folded into the convolutions at the end (see batchnorm.ts).
   */
  batchNorm?: 'running' | 'batch';
  /** Share of the data held out for early stopping (0: none, train on all, keep the last epoch). */
  heldOut: number;
  /** Epochs without held-out improvement before stopping. */
  patience: number;
  seed: number;
  /** Caps steps per epoch (tests, quick looks). */
  maxStepsPerEpoch?: number;
  onProgress?: (p: TrainProgress) => void;
  /** Each finished epoch's loss and held-out score, for a live curve. */
  onEpoch?: (record: EpochRecord) => void;
  /** Continue from this state (same data, options and student) instead of starting afresh. */
  resume?: TrainCheckpoint;
  /**
   * Receives the run's state after every epoch, every `checkpointEvery` steps and before a pause; the
   * run waits for it (so a checkpoint is stored before training goes on).
   */
  onCheckpoint?: (checkpoint: TrainCheckpoint) => void | Promise<void>;
  checkpointEvery?: number;
  /**
   * Asked between steps (it may first let its event loop deliver a Pause): true pauses the run there,
   * after a checkpoint, until `resumed` settles (a rejection ends the run).
   */
  shouldPause?: () => boolean | Promise<boolean>;
  resumed?: () => Promise<void>;
  signal?: AbortSignal;
}

/**
 * One tensor to match: `mse` (weight `loss.mse`, or 1) for values, `sigmoid` (cross-entropy against
 * the teacher's probabilities) for score logits read through a sigmoid.
 */
export interface DistillTarget {
  tensor: string;
  loss: 'mse' | 'sigmoid';
}

export interface TrainProgress {
  epoch: number;
  epochs: number;
  step: number;
  stepsPerEpoch: number;
  /** Mean loss over this epoch so far. */
  loss: number;
  lr: number;
  elapsedMs: number;
  etaMs: number;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  /** Held-out top-1 against labels, or agreement with the teacher without labels; undefined without a split. */
  heldOut?: number;
  /** Held-out loss against the teacher on the targets (distillation on `targets`). */
  heldOutLoss?: number;
  ms: number;
}

export interface DistillResult {
  /** The student with the kept epoch's weights. */
  graph: Graph;
  history: EpochRecord[];
  /** Epoch whose weights were kept (1-based). */
  bestEpoch: number;
  stoppedEarly: boolean;
  frozen: FrozenReport;
  /** Held-out top-1 of the teacher (labels) — what the student is compared with. */
  teacherHeldOut?: number;
}

/** The compared tensors (`outputs`) for a batch, by the runtime or the engine. */
type Predict = (input: Float32Array, n: number) => Promise<Floats[]>;

async function teacherPredictor(
  options: DistillOptions,
  outputs: readonly string[],
  pool: BufferPool,
): Promise<{ predict: Predict; release(): Promise<void> }> {
  const { data } = options;
  const teacher = options.targets ? graphEndingAt(options.teacher, outputs) : options.teacher;
  const dims = (n: number) => [n, ...data.sampleDims];
  // The engine's forward outruns onnxruntime's on the zoo's CNNs (bench:finetune-speed), so it runs
  // every teacher it can; onnxruntime runs one with an op the engine lacks.
  const engineRuns = teacher.nodes().every((n) => opImpl(n.opType, n.domain));
  if (options.teacherRuntime && !engineRuns) {
    const session = await options.teacherRuntime.createSession(encodeModel(exportModel(teacher)));
    return {
      predict: async (input, n) => {
        const feeds = { [data.inputName]: { type: 'float32' as const, data: input, dims: dims(n) } };
        const out = await session.run(feeds, [...outputs]);
        return outputs.map((o) => out[o].data as Float32Array);
      },
      release: () => session.release(),
    };
  }
  const engine = new TrainableModel(teacher, { compute: options.compute, pool });
  // Each call's arrays are reused by the next: callers read a batch's predictions before the next.
  let previous: Tape | undefined;
  const predict: Predict = async (input, n) => {
    if (previous) engine.release(previous);
    const tape = await engine.forward({ [data.inputName]: { data: input, shape: dims(n) } });
    previous = tape;
    return outputs.map((o) => tape.values.get(o)!.data);
  };
  return { predict, release: async () => {} };
}

export async function distill(options: DistillOptions): Promise<DistillResult> {
  const { data, batchSize } = options;
  if (options.student.outputs.length === 0) throw new TrainError('The student model has no outputs.');
  const graph = cloneGraph(options.student);
  const outputs = options.targets ? options.targets.map((t) => t.tensor) : [graph.outputs[0].name];
  const { train, heldOut } = splitHeldOut(data.count, options.heldOut, options.seed);
  // Distilling on inner tensors trains the graph up to them; the weights go back into the whole one.
  const trained = () => (options.targets ? graphEndingAt(graph, outputs) : graph);
  const batchNorm = options.batchNorm === 'batch';
  // One pool for every model of the run: the statistics passes' arrays serve the first steps.
  const pool = new BufferPool('f32');
  // Fixed training images (the split is a seeded shuffle) whose statistics set the BatchNorms.
  const statsSamples = train.subarray(0, Math.min(train.length, BATCH_NORM_SAMPLES));
  const statsBatch = Math.max(batchSize, 128);
  if (batchNorm) {
    const look = new TrainableModel(trained(), { compute: options.compute, pool });
    await unfoldBatchNorms(graph, look, data, statsSamples, statsBatch);
  }
  const engine = new TrainableModel(trained(), { compute: options.compute, batchStatistics: batchNorm, pool });
  const reestimate = () =>
    batchNorm ? reestimateBatchNorms(engine, data, statsSamples, statsBatch, graph) : Promise.resolve();
  if (engine.params.size === 0)
    throw new TrainError(
      `Nothing to train: ${engine.frozen.blockedBy.map((b) => `${b.opType} '${b.node}'`).join(', ') || 'the model has no float initializers'} has no gradient.`,
    );
  const stepsPerEpoch = Math.min(Math.ceil(train.length / batchSize), options.maxStepsPerEpoch ?? Infinity);
  const totalSteps = stepsPerEpoch * options.epochs;
  const warmup = Math.round(options.warmupEpochs * stepsPerEpoch);
  const optimizer = new Optimizer(engine.params, options.optimizer, options.compute, 'f32', options.lrScale);
  const random = new TrainRandom(options.seed ^ 0x9e3779b9);
  const sampleSize = data.images.length / data.count;
  const raw = new Float32Array(batchSize * sampleSize);
  const input = new Float32Array(batchSize * sampleSize);
  const labels = data.labels ? new Int32Array(batchSize) : undefined;
  const teacher = await teacherPredictor(options, outputs, pool);
  let history: EpochRecord[] = [];
  let best = { metric: -Infinity, epoch: 0, params: snapshot(engine) };
  let stale = 0;
  let stoppedEarly = false;
  let t0 = performance.now();
  let first: { epoch: number; step: number; order: Int32Array; lossSum: number } = {
    epoch: 1,
    step: 0,
    order: new Int32Array(0),
    lossSum: 0,
  };
  const resume = options.resume;
  if (resume) {
    if (resume.stepsPerEpoch !== stepsPerEpoch || resume.epochs !== options.epochs)
      throw new TrainError(
        `The checkpoint was made for ${resume.epochs} epochs of ${resume.stepsPerEpoch} steps, this run has ${options.epochs} of ${stepsPerEpoch}.`,
      );
    restore(engine, resume.params);
    optimizer.loadState(resume.optimizer);
    random.state = resume.random;
    history = resume.history.map((r) => ({ ...r }));
    best = { ...resume.best, params: copyParams(resume.best.params) };
    stale = resume.stale;
    t0 -= resume.elapsedMs;
    first = { epoch: resume.epoch, step: resume.step, order: resume.order, lossSum: resume.lossSum };
  }
  const state = (epoch: number, step: number, order: Int32Array, lossSum: number): TrainCheckpoint => ({
    epoch,
    step,
    epochs: options.epochs,
    stepsPerEpoch,
    params: snapshot(engine),
    optimizer: optimizer.saveState(),
    random: random.state,
    order: order.slice(),
    lossSum,
    history: history.map((r) => ({ ...r })),
    best: { ...best, params: copyParams(best.params) },
    stale,
    elapsedMs: performance.now() - t0,
  });
  let teacherHeldOut: number | undefined;
  try {
    // The teacher's held-out predictions never change: compute them once.
    const heldTeacher = heldOut.length
      ? await predictAll(teacher.predict, data, heldOut, batchSize)
      : undefined;
    if (heldTeacher && data.labels && !options.targets) teacherHeldOut = top1(heldTeacher[0], data, heldOut);
    for (let epoch = first.epoch; epoch <= options.epochs; epoch++) {
      const te = performance.now();
      const resumed = epoch === first.epoch && first.order.length > 0;
      const order = resumed ? first.order : shuffled(train.length, random.next);
      let lossSum = resumed ? first.lossSum : 0;
      for (let step = resumed ? first.step : 0; step < stepsPerEpoch; step++) {
        options.signal?.throwIfAborted();
        const global = (epoch - 1) * stepsPerEpoch + step;
        const pause = (await options.shouldPause?.()) ?? false;
        const every = options.checkpointEvery;
        if (pause || (step > 0 && every && global % every === 0))
          await options.onCheckpoint?.(state(epoch, step, order, lossSum));
        if (pause) await options.resumed?.();
        options.signal?.throwIfAborted();
        const from = step * batchSize;
        const n = Math.min(batchSize, train.length - from);
        const indices = Array.from(order.subarray(from, from + n), (i) => train[i]);
        gather(data, indices, raw, labels);
        augmentBatch(raw, input, n, data.sampleDims, options.augment, random.next);
        const x = input.subarray(0, n * sampleSize);
        const target = await teacher.predict(x, n);
        const tape = await engine.forward({ [data.inputName]: { data: x, shape: [n, ...data.sampleDims] } });
        const seeds: Record<string, Floats> = {};
        let loss = 0;
        for (const [k, o] of outputs.entries()) {
          const y = tape.values.get(o)!.data;
          const l = options.targets
            ? targetLoss(options.targets[k], y, target[k], options.loss)
            : distillationLoss(y, target[k], n, options.loss, 'f32', labels?.subarray(0, n));
          seeds[o] = l.grad;
          loss += l.loss;
        }
        const grads = await engine.backward(tape, seeds);
        const lr = cosineWithWarmup(global, totalSteps, warmup, options.lr);
        await optimizer.step(grads, lr);
        // The step's activations and gradients are spent: the next step reuses their arrays.
        engine.release(tape);
        lossSum += loss;
        const elapsedMs = performance.now() - t0;
        options.onProgress?.({
          epoch,
          epochs: options.epochs,
          step: step + 1,
          stepsPerEpoch,
          loss: lossSum / (step + 1),
          lr,
          elapsedMs,
          etaMs: (elapsedMs / (global + 1)) * (totalSteps - global - 1),
        });
      }
      const record: EpochRecord = { epoch, loss: lossSum / stepsPerEpoch, ms: performance.now() - te };
      if (heldTeacher) {
        await reestimate();
        const student = await predictAll(studentPredictor(engine, data, outputs), data, heldOut, batchSize);
        const targets = options.targets;
        if (targets)
          record.heldOutLoss = student.reduce(
            (sum, s, k) => sum + targetLoss(targets[k], s, heldTeacher[k], options.loss).loss,
            0,
          );
        else
          record.heldOut = data.labels
            ? top1(student[0], data, heldOut)
            : agreement(student[0], heldTeacher[0], heldOut.length);
      }
      history.push(record);
      options.onEpoch?.(record);
      // Without a split: keep the last epoch.
      const metric = record.heldOut ?? (record.heldOutLoss !== undefined ? -record.heldOutLoss : epoch);
      if (metric > best.metric) {
        best = { metric, epoch, params: snapshot(engine) };
        stale = 0;
      } else if (++stale >= options.patience) {
        stoppedEarly = epoch < options.epochs;
        break;
      }
      if (epoch < options.epochs) await options.onCheckpoint?.(state(epoch + 1, 0, new Int32Array(0), 0));
    }
  } finally {
    await teacher.release();
  }
  restore(engine, best.params);
  await reestimate();
  engine.writeTo(graph);
  if (batchNorm) foldBatchNorms(graph);
  return { graph, history, bestEpoch: best.epoch, stoppedEarly, frozen: engine.frozen, teacherHeldOut };
}

/** Predictions by running statistics (`eval()`), whatever mode the engine trains in. */
function studentPredictor(engine: TrainableModel, data: TrainingData, outputs: readonly string[]): Predict {
  return async (input, n) => {
    const was = engine.batchStatistics;
    engine.batchStatistics = false;
    try {
      const tape = await engine.forward({ [data.inputName]: { data: input, shape: [n, ...data.sampleDims] } });
      return outputs.map((o) => tape.values.get(o)!.data);
    } finally {
      engine.batchStatistics = was;
    }
  };
}

/** The compared tensors for the samples at `indices`, batch by batch, concatenated per tensor. */
async function predictAll(
  predict: Predict,
  data: TrainingData,
  indices: Int32Array,
  batchSize: number,
): Promise<Float32Array[]> {
  const size = data.images.length / data.count;
  const input = new Float32Array(batchSize * size);
  const parts: Floats[][] = [];
  for (let from = 0; from < indices.length; from += batchSize) {
    const n = Math.min(batchSize, indices.length - from);
    gather(data, indices.subarray(from, from + n), input);
    parts.push((await predict(input.subarray(0, n * size), n)).map((p) => p.slice()));
  }
  return (parts[0] ?? []).map((_, k) => {
    const out = new Float32Array(parts.reduce((s, p) => s + p[k].length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p[k], at);
      at += p[k].length;
    }
    return out;
  });
}

/** One target's loss, averaged over its elements (the whole batch as one row). */
function targetLoss(target: DistillTarget, student: Floats, teacher: Floats, w: LossWeights) {
  if (target.loss === 'sigmoid') return sigmoidDistillationLoss(student, teacher, 'f32');
  const mse = { kd: 0, ce: 0, temperature: w.temperature, mse: w.mse > 0 ? w.mse : 1 };
  return distillationLoss(student, teacher, 1, mse, 'f32');
}

function argmax(z: Float32Array, at: number, classes: number): number {
  let best = 0;
  for (let c = 1; c < classes; c++) if (z[at + c] > z[at + best]) best = c;
  return best;
}

function top1(logits: Float32Array, data: TrainingData, indices: Int32Array): number {
  const classes = logits.length / indices.length;
  let right = 0;
  for (let i = 0; i < indices.length; i++)
    if (argmax(logits, i * classes, classes) === data.labels![indices[i]]) right++;
  return right / indices.length;
}

function agreement(student: Float32Array, teacher: Float32Array, n: number): number {
  const classes = student.length / n;
  let same = 0;
  for (let i = 0; i < n; i++)
    if (argmax(student, i * classes, classes) === argmax(teacher, i * classes, classes)) same++;
  return same / n;
}

function snapshot(engine: TrainableModel): Record<string, Floats> {
  return Object.fromEntries([...engine.params].map(([k, v]) => [k, v.data.slice()]));
}

function copyParams(params: Record<string, Floats>): Record<string, Floats> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v.slice()]));
}

function restore(engine: TrainableModel, saved: Record<string, Floats>): void {
  for (const [k, v] of engine.params) {
    const from = saved[k];
    if (!from || from.length !== v.data.length)
      throw new TrainError(`The checkpoint has no weights of the right size for '${k}'.`);
    v.data.set(from);
  }
}
