/**
 * The fine-tuning stage: knowledge distillation of the pruned model from the original on the
 * user's training images, once at the target or progressively (prune a step → fine-tune → prune
 * more). Progressive steps aim each at k/K of the MAC reduction, measured against the original.
 */
import { costModel, exportModel, inferShapes, isFloatType, type Graph } from '../graph';
import type { ValueMeta } from '../eval';
import { encodeModel } from '../onnx';
import { decodingInputs } from '../quant';
import type { TaskKind } from '../tasks';
import { cloneGraph, pruneModel, removeChannels, type CalibrationBatches, type PrunePlan } from '../prune';
import {
  backendCompute,
  distill,
  loadTrainingData,
  type DistillResult,
  type DistillTarget,
  type TrainingData,
  type TrainProgress,
} from '../train';
import { preprocessOf, pruneOptionsOf } from './recipe-map';
import type { Recipe } from './recipe';
import type { FinetuneSummary, PipelineInputs } from './types';

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
  targets: DistillTarget[] | undefined,
) {
  return {
    ...distillSettings(inputs.recipe.finetune),
    targets,
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
  let result: DistillResult;
  // Stage labels and the report describe the cut from the original: the one-shot plan's.
  const plan = pruned.plan;
  if (steps <= 1) {
    result = await distill({
      teacher: original,
      student: pruned.graph,
      ...distillOptions(inputs, data, f.epochs, report, '', targets),
    });
  } else {
    const base = pruneOptionsOf(recipe, inputs.kernels, inputs.runtime, calibration);
    const originalMacs = costModel(original).macs;
    const total = target(recipe.prune, pruned.plan, originalMacs);
    let current = original;
    result = undefined as unknown as DistillResult;
    for (let k = 1; k <= steps; k++) {
      const currentMacs = costModel(current).macs;
      const goal = total * (k / steps);
      // The step's share of the current model's MACs that leaves (1 − goal) of the original's.
      const relative = Math.max(0, 1 - ((1 - goal) * originalMacs) / currentMacs);
      // Already at or past this step's goal (a coarse earlier step): nothing to prune, only train.
      let smaller = current;
      if (relative > 1e-3) {
        const step = await pruneModel(current, {
          ...base,
          recipe: { ...base.recipe, ratio: undefined, macsTarget: relative },
          steps: 1,
        });
        smaller = cloneGraph(step.masked);
        removeChannels(smaller, step.plan);
      }
      const epochs = k === steps ? f.epochs : f.stepEpochs;
      if (epochs === 0) {
        current = smaller;
        continue;
      }
      const label = `step ${k}/${steps}: `;
      result = await distill({
        teacher: original,
        student: smaller,
        ...distillOptions(inputs, data, epochs, report, label, targets),
      });
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
