/**
 * The studio's plan preview in the worker: the open model's channel scores (kept per criterion and
 * calibration data, since a slider move only changes the planner's rules) fed to the core's
 * `previewPlan`, the same planner the run's prune stage calls.
 */
import type { Dataset } from '../src/core/eval';
import type { InputShapes } from '../src/core/graph';
import { previewPlan, preprocessOf, type PlanPreview, type Recipe } from '../src/core/pipeline';
import { calibrationFromDataset, scoreChannels, type GroupScores } from '../src/core/prune';
import { kernelBackend, wasmRuntime } from './engines';
import { firstInput, session, type OpenSession } from './session';

const scoreCache = new WeakMap<OpenSession, Map<string, Promise<GroupScores>>>();
const datasetIds = new WeakMap<Dataset, number>();
let nextDatasetId = 1;

const dataAware = (criterion: Recipe['prune']['criterion']) =>
  criterion === 'activation' || criterion === 'reconstruction';

/** The scores `recipe` ranks channels by: what `pruneModel` computes in its first step. */
function scoresFor(model: OpenSession, recipe: Recipe): Promise<GroupScores> {
  const { criterion } = recipe.prune;
  const data = session.datasets.calibration;
  let key: string = criterion;
  if (dataAware(criterion)) {
    if (!data)
      throw new Error(
        `The ${criterion} criterion ranks channels on calibration data: attach a calibration set to see its plan.`,
      );
    if (!datasetIds.has(data)) datasetIds.set(data, nextDatasetId++);
    const { calibrationSamples, batchSize, preprocess } = recipe.data;
    key = JSON.stringify([
      criterion,
      datasetIds.get(data),
      calibrationSamples,
      batchSize,
      preprocess ?? null,
    ]);
  }
  let byKey = scoreCache.get(model);
  if (!byKey) scoreCache.set(model, (byKey = new Map()));
  let scores = byKey.get(key);
  if (!scores) {
    scores = computeScores(model, recipe, data);
    scores.catch(() => byKey.delete(key));
    byKey.set(key, scores);
  }
  return scores;
}

async function computeScores(
  model: OpenSession,
  recipe: Recipe,
  data: Dataset | undefined,
): Promise<GroupScores> {
  const kernels = await kernelBackend(recipe.compute.kernels);
  const needsData = dataAware(recipe.prune.criterion);
  const input = firstInput();
  const runtime = needsData ? await wasmRuntime(recipe.evaluate.threads) : undefined;
  const calibration =
    needsData && data && input
      ? await calibrationFromDataset(data, {
          input,
          preprocess: preprocessOf(recipe),
          limit: recipe.data.calibrationSamples,
          batchSize: recipe.data.batchSize,
        })
      : undefined;
  return scoreChannels(
    model.graph,
    model.analysis.groups,
    { criterion: recipe.prune.criterion },
    kernels,
    runtime,
    calibration,
  );
}

/** The plan a run of `recipe` would make on the open model, its MACs counted at `inputShapes`. */
export async function planOnce(recipe: Recipe, inputShapes?: InputShapes): Promise<PlanPreview> {
  const model = session.model;
  if (!model) throw new Error('Open a model before planning.');
  const scores = await scoresFor(model, recipe);
  return previewPlan(model.graph, model.analysis, model.shapes, recipe, scores, inputShapes);
}
