/**
 * Values derived from the store on the main thread: the channel plan and the live cost estimate.
 * Memoised on the identity of their inputs, so a slider move recomputes once however many views read it.
 */
import { estimateCost, planChannels, ratioForMacs, type ChannelPlan, type CostEstimate } from '../core/view';
import { viewCriterion } from './recipe-map';
import type { ModelView, PruneSettings, StudioStore } from './types';

export interface PlannedModel {
  plan: ChannelPlan;
  /** The ratio in force (solved from the MAC target when `target` is `macs`). */
  ratio: number;
  original: CostEstimate;
  planned: CostEstimate;
}

let last: { view: ModelView; prune: PruneSettings; result: PlannedModel } | null = null;

function planFor(view: ModelView, prune: PruneSettings): PlannedModel {
  if (last && last.view === view && last.prune === prune) return last.result;
  const ranked = { ...prune, criterion: viewCriterion(prune.criterion) };
  const ratio = !prune.enabled
    ? 0
    : prune.target === 'macs'
      ? ratioForMacs(view.groups, view.costs, ranked, prune.macsKeep * view.summary.macs)
      : prune.ratio;
  const settings = prune.enabled ? { ...ranked, ratio } : { ...ranked, ratio: 0, overrides: {} };
  const plan = planChannels(view.groups, settings);
  const zero = new Int32Array(plan.removed.length);
  const result: PlannedModel = {
    plan,
    ratio,
    original: estimateCost(view.costs, zero, plan.channels),
    planned: estimateCost(view.costs, plan.removed, plan.channels),
  };
  last = { view, prune, result };
  return result;
}

/** The plan and estimate for the open model under the current pruning settings (null with no model). */
export const selectPlanned = (s: StudioStore): PlannedModel | null =>
  s.model ? planFor(s.model.view, s.recipe.prune) : null;
