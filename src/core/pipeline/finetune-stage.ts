/**
 * The fine-tuning stage: knowledge distillation of the pruned model from the original on the
 * user's training images, once at the target or progressively (prune a step → fine-tune → prune
 * more). Progressive steps aim each at k/K of the MAC reduction, measured against the original.
 */
import { costModel, exportModel, importModel, type Graph } from '../graph';
import type { ValueMeta } from '../eval';
import { decodeModel, encodeModel } from '../onnx';
import { cloneGraph, pruneModel, removeChannels, type CalibrationBatches, type PrunePlan } from '../prune';
import {
  backendCompute,
  distill,
  TrainError,
  loadTrainingData,
  type DistillResult,
  type EpochRecord,
  type TrainCheckpoint,
  type TrainingData,
  type TrainProgress,
} from '../train';
import { fingerprintMismatch, runFingerprint, type RunFingerprint } from './fingerprint';
import { preprocessOf, pruneOptionsOf } from './recipe-map';
import type { Recipe } from './recipe';
import type { FinetuneCheckpoint, FinetuneSummary, PipelineInputs } from './types';

export interface FinetuneStageResult {
  graph: Graph;
  bytes: Uint8Array;
  plan: PrunePlan;
  summary: FinetuneSummary;
}

type Report = (fraction: number, message: string) => void;

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
    heldOut: f.heldOut,
    patience: f.patience,
    seed: f.seed,
  };
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
) {
  const control = inputs.finetuneControl;
  return {
    resume: checkpoints.resume?.train,
    onCheckpoint:
      control?.onCheckpoint && ((c: TrainCheckpoint) => control.onCheckpoint!(checkpoints.save(c))),
    checkpointEvery: control?.checkpointEvery,
    hold: control?.hold,
    onEpoch:
      control?.onEpoch && ((r: EpochRecord) => control.onEpoch!({ ...r, progressiveStep: checkpoints.step })),
    ...distillSettings(inputs.recipe.finetune),
    data,
    compute: backendCompute(inputs.kernels),
    teacherRuntime: inputs.runtime,
    epochs,
    signal: inputs.signal,
    onProgress: (p: TrainProgress) => {
      inputs.onTrainProgress?.(p);
      const done = (p.epoch - 1 + p.step / p.stepsPerEpoch) / p.epochs;
      report(
        done,
        `${label}epoch ${p.epoch}/${p.epochs}, loss ${p.loss.toFixed(4)}, ETA ${Math.round(p.etaMs / 1000)} s`,
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
): Promise<FinetuneStageResult> {
  const { recipe } = inputs;
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
        `The fine-tuning checkpoint was made with a different ${differs}; open the same ones or start afresh.`,
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
      ...distillOptions(inputs, data, epochs, report, label, checkpoints),
    });
  };
  let result: DistillResult;
  // Stage labels and the report describe the cut from the original: the one-shot plan's.
  const plan = pruned.plan;
  if (steps <= 1) {
    result = await train(pruned.graph, 1, f.epochs, '');
  } else {
    const base = pruneOptionsOf(recipe, inputs.kernels, inputs.runtime, calibration);
    const originalMacs = costModel(original).macs;
    const total = target(recipe.prune, pruned.plan, originalMacs);
    let current = original;
    result = undefined as unknown as DistillResult;
    // A checkpoint of step k holds the student k began with: the steps before it need not run again.
    const firstStep = resume?.progressiveStep ?? 1;
    for (let k = firstStep; k <= steps; k++) {
      const epochs = k === steps ? f.epochs : f.stepEpochs;
      let smaller = current;
      if (k > firstStep || !resume) {
        const currentMacs = costModel(current).macs;
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
  const trainSamples = data.count - Math.round(data.count * f.heldOut);
  return {
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
    },
  };
}

/** The MAC reduction the recipe aims at: `macsTarget`, or what the one-shot plan reached for a ratio. */
function target(prune: PipelineInputs['recipe']['prune'], oneShot: PrunePlan, originalMacs: number): number {
  if (prune.macsTarget !== undefined) return prune.macsTarget;
  return 1 - oneShot.after.macs / Math.max(1, oneShot.before.macs || originalMacs);
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
