/**
 * The fine-tuning stage: knowledge distillation of the pruned model from the original on the
 * user's training images, once at the target or progressively (prune a step → fine-tune → prune
 * more). Progressive steps aim each at k/K of the MAC reduction, measured against the original.
 */
import { costModel, exportModel, importModel, inferShapes, isFloatType, type Graph } from '../graph';
import type { ValueMeta } from '../eval';
import { decodeModel, encodeModel } from '../onnx';
import { decodingInputs } from '../quant';
import type { TaskKind } from '../tasks';
import { cloneGraph, pruneModel, removeChannels, type CalibrationBatches, type PrunePlan } from '../prune';
import {
  backendCompute,
  distill,
  TrainError,
  loadTrainingData,
  type DistillResult,
  type DistillTarget,
  type EpochRecord,
  type TrainCheckpoint,
  type TrainingData,
  type TrainProgress,
} from '../train';
import { fingerprintMismatch, runFingerprint, type RunFingerprint } from './fingerprint';
import { floatRunOf, runQat, type QatStageResult } from './qat-stage';
import { preprocessOf, pruneOptionsOf, runsQat } from './recipe-map';
import type { Recipe } from './recipe';
import type { FinetuneCheckpoint, FinetuneSummary, PipelineInputs } from './types';

export interface FinetuneStageResult {
  graph: Graph;
  bytes: Uint8Array;
  plan: PrunePlan;
  summary: FinetuneSummary;
  /** The pruned INT8 model from quantization-aware fine-tuning (`finetune.qat`). */
  qat?: QatStageResult;
}

/** Epochs trained so far across every distillation of the stage (fractional within an epoch). */
type Report = (epochs: number, message: string) => void;

/** Epochs the stage trains in all: the final run's, plus each earlier progressive step's, plus QAT's. */
export function finetuneEpochs(recipe: Recipe): number {
  const steps = recipe.prune.steps;
  const qat = runsQat(recipe) ? recipe.finetune.qatEpochs : 0;
  return (steps <= 1 ? 0 : (steps - 1) * recipe.finetune.stepEpochs) + recipe.finetune.epochs + qat;
}

/** What the recipe's finetune section says of a distillation run (the CLI's `finetune` uses it too). */
export function distillSettings(f: Recipe['finetune']) {
  return {
    epochs: f.epochs,
    batchSize: f.batchSize,
    lr: f.lr,
    warmupEpochs: f.warmupEpochs,
    optimizer: {
      name: f.optimizer,
      weightDecay: f.weightDecay,
      momentum: f.momentum,
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
    },
    loss: { kd: f.kd, temperature: f.temperature, ce: f.ce, mse: f.mse },
    augment: { flip: f.flip, pad: f.pad },
    batchNorm: f.batchNorm,
    heldOut: f.heldOut,
    patience: f.patience,
    seed: f.seed,
  };
}

/**
 * What the student matches: a classifier's logits by KD (undefined); a detector's raw heads before
 * box decoding, score logits by sigmoid cross-entropy and box values by MSE; any other model's
 * outputs by MSE. Box coordinates in pixels would drown the 0–1 scores in an MSE on the decoded
 * output, and an MSE on score logits spends the student on far negatives that never rank.
 */
export function distillTargets(original: Graph, task: TaskKind): DistillTarget[] | undefined {
  if (task === 'classification') return undefined;
  const shapes = inferShapes(original);
  const isFloat = (v: string) => isFloatType(shapes.types.get(v)?.dtype ?? 0);
  const heads = decodingInputs(original, isFloat);
  if (heads) return heads.map((h) => ({ tensor: h.tensor, loss: h.scores ? 'sigmoid' : 'mse' }));
  return original.outputs
    .map((o) => o.name)
    .filter(isFloat)
    .map((tensor) => ({ tensor, loss: 'mse' }));
}

function distillOptions(
  inputs: PipelineInputs,
  data: TrainingData,
  epochs: number,
  report: Report,
  label: string,
  checkpoints: {
    resume?: FinetuneCheckpoint;
    save: (train: TrainCheckpoint) => FinetuneCheckpoint;
    step: number;
  },
  /** Epochs of the stage's earlier distillations (progressive steps before this one). */
  before: number,
  targets: DistillTarget[] | undefined,
) {
  const control = inputs.finetuneControl;
  return {
    resume: checkpoints.resume?.train,
    onCheckpoint:
      control?.onCheckpoint && ((c: TrainCheckpoint) => control.onCheckpoint!(checkpoints.save(c))),
    checkpointEvery: control?.checkpointEvery,
    shouldPause: control?.shouldPause,
    resumed: control?.resumed,
    onEpoch:
      control?.onEpoch && ((r: EpochRecord) => control.onEpoch!({ ...r, progressiveStep: checkpoints.step })),
    ...distillSettings(inputs.recipe.finetune),
    targets,
    data,
    compute: backendCompute(inputs.kernels),
    teacherRuntime: inputs.runtime,
    epochs,
    signal: inputs.signal,
    onProgress: (p: TrainProgress) => {
      inputs.onTrainProgress?.(p);
      report(
        before + p.epoch - 1 + p.step / p.stepsPerEpoch,
        // The time left is the progress bar's to say, from the phase as a whole.
        `${label}epoch ${p.epoch}/${p.epochs}, loss ${p.loss.toFixed(4)}`,
      );
    },
  };
}

export async function runFinetune(
  inputs: PipelineInputs,
  original: Graph,
  pruned: { graph: Graph; plan: PrunePlan },
  input: ValueMeta,
  calibration: CalibrationBatches,
  report: Report,
  task: TaskKind,
): Promise<FinetuneStageResult> {
  const { recipe } = inputs;
  const targets = distillTargets(original, task);
  const f = recipe.finetune;
  report(0, 'Reading the training images');
  const data = await loadTrainingData(inputs.training ?? inputs.calibration, {
    input,
    preprocess: preprocessOf(recipe),
    limit: f.samples,
    signal: inputs.signal,
  });
  const steps = recipe.prune.steps;
  const training = inputs.training ?? inputs.calibration;
  const fingerprint = runFingerprint(inputs.model, recipe, training);
  const resume = inputs.finetuneControl?.resume;
  if (resume) {
    const differs = fingerprintMismatch(resume.fingerprint, fingerprint);
    if (differs)
      throw new TrainError(
        `The fine-tuning checkpoint does not match ${differs} now open; open the ones it was made with or start afresh.`,
      );
  }
  /** Trains `student` for `epochs` as progressive step `k`, from the checkpoint when it is of that step. */
  const train = (student: Graph, k: number, epochs: number, label: string) => {
    const from = resume?.progressiveStep === k ? resume : undefined;
    const start = from ? importModel(decodeModel(from.student)) : student;
    const bytes = from ? from.student : encodeModel(exportModel(student));
    const checkpoints = { resume: from, step: k, save: checkpointOf(fingerprint, k, steps, bytes) };
    return distill({
      teacher: original,
      student: start,
      // Every step before k trained `stepEpochs` (or was skipped having none).
      ...distillOptions(inputs, data, epochs, report, label, checkpoints, (k - 1) * f.stepEpochs, targets),
    });
  };
  let result: DistillResult;
  // Stage labels and the report describe the cut from the original: the one-shot plan's.
  const plan = pruned.plan;
  const qatResume = resume?.progressiveStep === steps + 1 ? resume : undefined;
  if (qatResume) result = floatRunOf(qatResume);
  else if (steps <= 1) {
    result = await train(pruned.graph, 1, f.epochs, '');
  } else {
    const base = pruneOptionsOf(recipe, inputs.kernels, inputs.runtime, calibration);
    const costOptions = { inputShapes: plan.recipe.inputShapes };
    const originalMacs = costModel(original, undefined, costOptions).macs ?? 0;
    const total = target(recipe.prune, pruned.plan, originalMacs);
    let current = original;
    result = undefined as unknown as DistillResult;
    // A checkpoint of step k holds the student k began with: the steps before it need not run again.
    const firstStep = resume?.progressiveStep ?? 1;
    for (let k = firstStep; k <= steps; k++) {
      const epochs = k === steps ? f.epochs : f.stepEpochs;
      let smaller = current;
      if (k > firstStep || !resume) {
        const currentMacs = costModel(current, undefined, costOptions).macs ?? 0;
        const goal = total * (k / steps);
        // The step's share of the current model's MACs that leaves (1 − goal) of the original's.
        const relative = Math.max(0, 1 - ((1 - goal) * originalMacs) / currentMacs);
        // Already at or past this step's goal (a coarse earlier step): nothing to prune, only train.
        if (relative > 1e-3) {
          const step = await pruneModel(current, {
            ...base,
            recipe: { ...base.recipe, ratio: undefined, macsTarget: relative },
            steps: 1,
          });
          smaller = cloneGraph(step.masked);
          removeChannels(smaller, step.plan);
        }
      }
      if (epochs === 0) {
        current = smaller;
        continue;
      }
      result = await train(smaller, k, epochs, `step ${k}/${steps}: `);
      current = result.graph;
    }
  }
  let qat: QatStageResult | undefined;
  if (runsQat(recipe)) {
    const bytes = encodeModel(exportModel(result.graph));
    const checkpoints = {
      resume: qatResume,
      step: steps + 1,
      save: checkpointOf(fingerprint, steps + 1, steps, bytes),
    };
    const before = finetuneEpochs(recipe) - f.qatEpochs;
    qat = await runQat(inputs, result.graph, input, {
      teacher: original,
      ...distillOptions(inputs, data, f.qatEpochs, report, 'QAT: ', checkpoints, before, targets),
    });
  }
  const trainSamples = data.count - Math.round(data.count * f.heldOut);
  return {
    qat,
    graph: result.graph,
    bytes: encodeModel(exportModel(result.graph)),
    plan,
    summary: {
      history: result.history,
      bestEpoch: result.bestEpoch,
      stoppedEarly: result.stoppedEarly,
      frozen: result.frozen,
      trainSamples,
      heldOutSamples: data.count - trainSamples,
      msPerEpoch: result.history.reduce((s, e) => s + e.ms, 0) / Math.max(1, result.history.length),
      ...(qat ? { qat: qat.summary } : {}),
    },
  };
}

/** The MAC reduction the recipe aims at: `macsTarget`, or what the one-shot plan reached for a ratio. */
function target(prune: PipelineInputs['recipe']['prune'], oneShot: PrunePlan, originalMacs: number): number {
  if (prune.macsTarget !== undefined) return prune.macsTarget;
  return 1 - (oneShot.after.macs ?? 0) / Math.max(1, oneShot.before.macs || originalMacs);
}

/** Wraps the training loop's state with what the stage needs to continue it. */
function checkpointOf(fingerprint: RunFingerprint, step: number, steps: number, student: Uint8Array) {
  return (train: TrainCheckpoint): FinetuneCheckpoint => ({
    fingerprint,
    progressiveStep: step,
    progressiveSteps: steps,
    student,
    train,
  });
}
