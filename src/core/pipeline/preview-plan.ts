/**
 * The pruning plan a run of a recipe will make, computed before the run by the same code the run
 * uses (`scoreChannels` + `planPruning` under `pruneRecipeOf`), so what the studio shows is what the
 * prune stage removes. Scores are the expensive part and depend only on the criterion (and, for the
 * data-aware ones, the calibration batches): callers pass them in so they can keep them between
 * slider moves.
 */
import type { ChannelAnalysis } from '../analysis';
import type { Graph, InputShapes, ShapeInference } from '../graph';
import { planPruning, type GroupScores, type PlannedStatus, type PrunePlan } from '../prune';
import type { Recipe } from './recipe';
import { pruneRecipeOf, prunesModel } from './recipe-map';

/** One group of a previewed plan, without the members (the page has them in its view model). */
export interface PreviewGroup {
  id: string;
  channels: number;
  keep: number;
  /** Group channel indices the run removes, ascending. */
  prune: number[];
  status: PlannedStatus;
  /** Why a group is blocked or excluded (first convolution, classifier input). */
  reason?: string;
}

/** What the studio shows before Run: the plan's groups and its predicted costs. */
export interface PlanPreview {
  /** False when the recipe makes no pruned stage (disabled, or nothing to remove). */
  prunes: boolean;
  mode: PrunePlan['mode'];
  groups: PreviewGroup[];
  /** MACs are null (unknown) while the model's symbolic input size is unbound. */
  before: { macs: number | null; parameters: number };
  after: { macs: number | null; parameters: number };
  prunedChannels: number;
  prunableChannels: number;
  /** Things the plan could not do as asked (a MAC target out of reach). */
  notes: string[];
}

/**
 * The plan of `recipe` on the opened graph, its MACs counted at `inputShapes` (the data's size, or
 * the one the user gave, for a model whose input size is symbolic). A recipe that prunes nothing gives the empty plan the
 * run would make (every group kept), with the same excluded and blocked reasons.
 */
export function previewPlan(
  graph: Graph,
  analysis: ChannelAnalysis,
  shapes: ShapeInference,
  recipe: Recipe,
  scores: GroupScores,
  inputShapes?: InputShapes,
): PlanPreview {
  const prunes = prunesModel(recipe);
  const rules = prunes ? pruneRecipeOf(recipe) : { ...pruneRecipeOf(recipe), ratio: 0, overrides: {} };
  if (inputShapes) rules.inputShapes = inputShapes;
  if (!prunes) delete rules.macsTarget;
  const plan = planPruning(graph, analysis, scores, rules, recipe.prune.criterion, shapes);
  const notes = plan.note ? [plan.note] : [];
  if (prunes && recipe.prune.steps > 1)
    notes.push(
      `The run prunes in ${recipe.prune.steps} steps and re-ranks channels after each: the channels shown are ranked once.`,
    );
  return {
    prunes,
    mode: plan.mode,
    groups: plan.groups.map((g) => ({
      id: g.id,
      channels: g.channels,
      keep: g.keep,
      prune: g.prune,
      status: g.status,
      ...(g.reason ? { reason: g.reason } : {}),
    })),
    before: plan.before,
    after: plan.after,
    prunedChannels: plan.prunedChannels,
    prunableChannels: plan.prunableChannels,
    notes,
  };
}
