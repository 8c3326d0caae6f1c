/**
 * The recipe (a versioned, validated JSON description of a run) and the stage runner that turns a
 * model + recipe + datasets into measured stages and the optimized model.
 */
export {
  RECIPE_VERSION,
  RecipeError,
  defaultRecipe,
  parseRecipe,
  parseRecipeJson,
  recipeJsonSchema,
  recipeSchema,
  type Recipe,
  type RecipeInput,
} from './recipe';
export { runPipeline, PipelineCancelled } from './run-pipeline';
export { distillSettings } from './finetune-stage';
export { runFingerprint, fingerprintMismatch, type RunFingerprint } from './fingerprint';
export { stageLabel, prunesModel, pruneRecipeOf, preprocessOf } from './recipe-map';
export { previewPlan, type PlanPreview, type PreviewGroup } from './preview-plan';
export type * from './types';
export { latencyGoalFor, measuredWidths, profileContext, type ProfileContext } from './profile-stage';
