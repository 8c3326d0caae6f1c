/**
 * The shape check between a dataset and a model, run when either changes and before onnxruntime is
 * called: the samples as preprocessing shapes them are fed to the graph's shape inference, and a node
 * that cannot run at that size is reported in one sentence saying what the data gives and what the
 * model expects.
 */
import { compactShape, findShapeConflict, type Graph } from '../graph';
import type { Dataset } from './data/dataset';
import type { PreprocessPlan } from './data/resolve-preprocess';
import { FeedShapeError } from './errors';
import type { ValueMeta } from './types';

/** What `dataset` gives per sample, in words: `28×28 gray images`, `[3, 32, 32] tensors`. */
export function describeSamples(dataset: Dataset): string {
  const d = dataset.sampleDims;
  if (dataset.sampleKind === 'tensor') return d ? `[${d.join(', ')}] tensors` : 'tensors of varying shape';
  if (!d) return 'images of varying size';
  const kind = d[2] === 1 ? 'gray' : d[2] === 3 ? 'colour' : `${d[2]}-channel`;
  return `${d[0]}×${d[1]} ${kind} images`;
}

/**
 * Checks that samples resolved by `plan` can feed `graph` (whose first input is `input`).
 * @returns the input shapes fed, batch 1, by input name (what costs are counted at).
 * @throws FeedShapeError naming the dataset's samples, the fed shape, the model's input and the node.
 */
export function checkFeed(
  graph: Graph,
  input: ValueMeta,
  plan: PreprocessPlan,
  dataset: Dataset,
): Record<string, number[]> {
  const fed = [1, ...plan.preprocess.sampleDims];
  const inputShapes = { [input.name]: fed };
  const conflict = findShapeConflict(graph, inputShapes);
  if (!conflict) return inputShapes;
  const expects = compactShape(input.shape);
  const copied =
    dataset.sampleKind === 'image' && dataset.sampleDims?.[2] === 1 && plan.preprocess.channels !== 'gray'
      ? ' (gray copied into 3 channels)'
      : '';
  throw new FeedShapeError(
    `${dataset.name} gives ${describeSamples(dataset)}, fed as [${fed.join(', ')}]${copied}; model input '${input.name}' expects ${expects} and cannot run at that size: ${conflict.message} Set a resize in the preprocessing to a size the model takes, or use data that fits it.`,
  );
}
