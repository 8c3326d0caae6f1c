/** From the recipe's words to the options of the prune and quant modules, and stage labels. */
import type { KernelBackend } from '../../kernels';
import type { InputShapes } from '../graph';
import { PREPROCESS_PRESETS, type InferenceRuntime, type PreprocessSpec } from '../eval';
import type { CalibrationBatches, PruneModelOptions, PrunePlan, PruneRecipe } from '../prune';
import type { CalibrationMethod, PlanOptions } from '../quant';
import type { Recipe } from './recipe';
import type { StageName } from './types';

export function preprocessOf(recipe: Recipe): PreprocessSpec | undefined {
  const p = recipe.data.preprocess;
  return typeof p === 'string' ? PREPROCESS_PRESETS[p] : p;
}

/** Whether the recipe makes a pruned stage: enabled, with a ratio, a MAC target or a group override. */
export function prunesModel(recipe: Recipe): boolean {
  const p = recipe.prune;
  return (
    p.enabled &&
    ((p.ratio ?? 0) > 0 ||
      p.macsTarget !== undefined ||
      p.latencyTarget !== undefined ||
      Object.values(p.overrides).some((r) => r > 0))
  );
}

/**
 * The planner's rules for the recipe's pruning section (the run and the studio's preview share it).
 * A latency target is planned from a measured profile in the run; without one (the preview) latency
 * is taken as proportional to MACs.
 */
export function pruneRecipeOf(recipe: Recipe): PruneRecipe {
  const p = recipe.prune;
  const macsTarget = p.macsTarget ?? (p.latencyTarget !== undefined ? 1 - p.latencyTarget : undefined);
  return {
    ...(macsTarget !== undefined ? { macsTarget } : { ratio: p.ratio ?? 0 }),
    global: p.global,
    maxGroupRatio: p.maxPerGroup,
    overrides: p.overrides,
    roundTo: p.roundTo,
    includeFirst: p.includeFirst,
    includeClassifier: p.includeClassifier,
  };
}

export function pruneOptionsOf(
  recipe: Recipe,
  kernels: KernelBackend,
  runtime: InferenceRuntime,
  calibration: CalibrationBatches,
  inputShapes?: InputShapes,
): PruneModelOptions {
  const p = recipe.prune;
  return {
    criterion: { criterion: p.criterion },
    recipe: { ...pruneRecipeOf(recipe), ...(inputShapes ? { inputShapes } : {}) },
    kernels,
    runtime,
    calibration,
    memoryBudget: recipe.compute.memoryBudgetMB * 1024 ** 2,
    recover: {
      compensate: p.recover.includes('compensate'),
      lsq: p.recover.includes('lsq'),
      bn: p.recover.includes('bn'),
      // INT8 follows: least squares fits for inputs that carry its rounding noise.
      lsqOptions: { int8Inputs: recipe.quantize.enabled },
    },
    steps: p.steps,
  };
}

export function quantOptionsOf(
  recipe: Recipe,
): PlanOptions & { method: CalibrationMethod; percentile: number; memoryBudget: number } {
  const q = recipe.quantize;
  return {
    memoryBudget: recipe.compute.memoryBudgetMB * 1024 ** 2,
    activations: q.activations,
    perChannel: q.weights === 'per-channel',
    exclude: q.exclude,
    method: q.method,
    percentile: q.percentile,
  };
}

/** Whether the recipe asks for QAT (it stands in for the quantize stage of the pruned model). */
export const runsQat = (recipe: Recipe): boolean =>
  recipe.finetune.enabled && recipe.finetune.qat && recipe.quantize.enabled;

const pct = (x: number) => `${Math.round(100 * x)}%`;

/** "pruned 40% MACs", "pruned 40% MACs + recovered (lsq)", "INT8", "pruned 40% MACs + INT8". */
export function stageLabel(name: StageName, recipe: Recipe, plan?: PrunePlan): string {
  const { before, after } = plan ?? {};
  const cut =
    before?.macs && after?.macs != null ? `pruned ${pct(1 - after.macs / before.macs)} MACs` : 'pruned';
  switch (name) {
    case 'original':
      return 'original (FP32)';
    case 'pruned':
      return cut;
    case 'recovered':
      return `${cut} + recovered (${recipe.prune.recover.join(', ')})`;
    case 'finetuned':
      return `${cut} + fine-tuned`;
    case 'int8':
      return 'INT8';
    case 'pruned-int8':
      return `${cut}${recipe.finetune.enabled ? ' + fine-tuned' : recipe.prune.recover.length ? ' + recovered' : ''} + INT8${runsQat(recipe) ? ' (QAT)' : ''}`;
  }
}

/** Samples used for fidelity when there is no labelled evaluation set: the calibration samples. */
export function recipeEvalLimit(recipe: Recipe): number {
  return recipe.data.evalLimit ?? recipe.data.calibrationSamples;
}
