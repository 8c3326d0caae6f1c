/**
 * Which samples measure the stages when no evaluation set is given. Recovery (least squares, bias
 * compensation, BatchNorm re-estimation), INT8 calibration and fine-tuning on the calibration set
 * are all fitted to its first samples; fidelity on those same samples flatters the recovered stages
 * (a least-squares fit that held there exploded on new images of the same kind). So the stages are
 * measured on the calibration set's samples past the ones fitted on when there are enough of them,
 * and the result says which it was.
 */
import type { Dataset } from '../eval';
import { recipeEvalLimit } from './recipe-map';
import type { PipelineInputs } from './types';

/** Fewer spare samples than this, and the fitted ones are used (with a note saying so). */
const MIN_SPARE = 16;

export interface FidelitySet {
  dataset: Dataset;
  limit?: number;
  /** For people: what the stages were measured on ('' with an evaluation set). */
  note: string;
}

export function fidelitySet(
  inputs: Pick<PipelineInputs, 'recipe' | 'calibration' | 'evaluation' | 'training'>,
): FidelitySet {
  const { recipe, calibration, evaluation } = inputs;
  if (evaluation) return { dataset: evaluation, limit: recipe.data.evalLimit, note: '' };
  const want = recipeEvalLimit(recipe);
  let fitted = Math.min(calibration.size, recipe.data.calibrationSamples);
  // Fine-tuning without a training set of its own trains on the calibration set.
  if (recipe.finetune.enabled && !inputs.training)
    fitted = Math.min(calibration.size, Math.max(fitted, recipe.finetune.samples ?? calibration.size));
  const spare = calibration.size - fitted;
  if (spare >= MIN_SPARE) {
    const count = Math.min(spare, want);
    return {
      dataset: datasetRange(calibration, fitted, count),
      note: `Fidelity measured on ${count} calibration-set samples that calibration and recovery did not use (${fitted + 1}–${fitted + count}).`,
    };
  }
  return {
    dataset: calibration,
    limit: want,
    note: `Fidelity measured on the ${Math.min(want, calibration.size)} calibration samples that recovery and INT8 were fitted on (no evaluation set, and fewer than ${MIN_SPARE} more): new images will score lower; give an evaluation set for held-out figures.`,
  };
}

/** Samples `start … start + count − 1` of `dataset`, as a dataset of their own. */
export function datasetRange(dataset: Dataset, start: number, count: number): Dataset {
  return {
    name: dataset.name,
    description: `${dataset.description} (samples ${start + 1}–${start + count})`,
    size: count,
    sampleKind: dataset.sampleKind,
    ...(dataset.sampleDims ? { sampleDims: dataset.sampleDims } : {}),
    ...(dataset.labels ? { labels: dataset.labels.subarray(start, start + count) } : {}),
    ...(dataset.classNames ? { classNames: dataset.classNames } : {}),
    read: (from, n) => dataset.read(start + from, Math.min(n, count - from)),
  };
}
