/**
 * Quantization-aware fine-tuning as the last phase of the finetune stage (`finetune.qat`): the
 * float fine-tuned student is quantized as the quantize stage would (same scheme, exclusions and
 * calibration), fake-quantized, distilled for `qatEpochs` with learned step sizes, and exported; the
 * pipeline's pruned INT8 stage is that model instead of post-training INT8 of the student.
 */
import type { ValueMeta } from '../eval';
import { importModel, type Graph } from '../graph';
import { decodeModel } from '../onnx';
import { quantizationAwareFinetune } from '../qat';
import { datasetFeeds, type QuantizeResult } from '../quant';
import type { DistillOptions, DistillResult } from '../train';
import { preprocessOf, quantOptionsOf } from './recipe-map';
import type { FinetuneCheckpoint, FinetuneSummary, PipelineInputs } from './types';

export interface QatStageResult {
  /** The QDQ model, described as `quantizeModel` describes one. */
  quantized: QuantizeResult;
  summary: NonNullable<FinetuneSummary['qat']>;
}

/** Whether the recipe asks for QAT (it needs the quantize stage it replaces for the pruned model). */
export const runsQat = (recipe: PipelineInputs['recipe']) => recipe.finetune.qat && recipe.quantize.enabled;

/**
 * QAT of `student`. `train` is the stage's distillation settings (data, teacher, progress,
 * checkpoints of phase `progressiveSteps + 1`); the recipe's QAT epochs and learning rate apply.
 */
export async function runQat(
  inputs: PipelineInputs,
  student: Graph,
  input: ValueMeta,
  train: Omit<DistillOptions, 'student' | 'compute'>,
): Promise<QatStageResult> {
  const { recipe } = inputs;
  const f = recipe.finetune;
  const r = await quantizationAwareFinetune(student, {
    kernels: inputs.kernels,
    quantize: {
      ...quantOptionsOf(recipe),
      runtime: inputs.runtime,
      signal: inputs.signal,
      calibration: () =>
        datasetFeeds(inputs.calibration, input, {
          preprocess: preprocessOf(recipe),
          limit: recipe.data.calibrationSamples,
          batchSize: recipe.data.batchSize,
          signal: inputs.signal,
        }),
    },
    train: {
      ...train,
      epochs: f.qatEpochs,
      lr: f.qatLr,
      warmupEpochs: 0,
    },
  });
  const history = r.trained.history;
  return {
    quantized: r.quantized,
    summary: {
      history,
      bestEpoch: r.trained.bestEpoch,
      msPerEpoch: history.reduce((s, e) => s + e.ms, 0) / Math.max(1, history.length),
    },
  };
}

/**
 * The float fine-tuning a QAT checkpoint was made after: its student, as the float run's result
 * (its epochs are not in the checkpoint).
 */
export function floatRunOf(checkpoint: FinetuneCheckpoint): DistillResult {
  return {
    graph: importModel(decodeModel(checkpoint.student)),
    history: [],
    bestEpoch: 0,
    stoppedEarly: false,
    frozen: { params: [], blockedBy: [] },
  };
}
