/**
 * The plan on screen: whenever the model, the pruning settings or the calibration set change, the
 * worker plans the current recipe with the run's own planner and the answer replaces `plan`. One
 * request is in flight at a time; changes made meanwhile are planned once it answers, so a dragged
 * slider costs one plan per answer, not one per pixel.
 */
import type { StoreApi } from 'zustand/vanilla';
import { RecipeError, type Recipe } from '../core/pipeline';
import { toCoreRecipe } from './recipe-map';
import type { CoreClient, StudioStore } from './types';

/** The parts of a recipe the plan depends on (criterion, rules, and the data-aware criteria's data). */
const planKey = (recipe: Recipe) => JSON.stringify([recipe.prune, recipe.data, recipe.compute]);

export function watchPlan(store: StoreApi<StudioStore>, core: CoreClient): () => void {
  const { setState: set, getState: get } = store;
  let inFlight = false;
  let planned = '';

  const refresh = async () => {
    if (inFlight) return;
    const s = get();
    if (!s.model) return set({ plan: { preview: null, pending: false, error: null } });
    let recipe: Recipe;
    try {
      recipe = toCoreRecipe(s.recipe);
    } catch (err) {
      const text = err instanceof RecipeError ? err.problems.join('; ') : String(err);
      return set({ plan: { ...s.plan, pending: false, error: `No plan: ${text}` } });
    }
    const inputShapes = s.inputSize.costs?.inputShapes;
    const key = `${s.model.fileName}\u0000${s.data.calibration.dataset?.name ?? ''}\u0000${planKey(recipe)}\u0000${JSON.stringify(inputShapes ?? null)}`;
    const model = s.model;
    if (key === planned && !s.plan.pending) return;
    inFlight = true;
    planned = key;
    set({ plan: { ...get().plan, pending: true } });
    try {
      const reply = await core.plan(recipe, inputShapes);
      if (get().model === model)
        set({
          plan: reply.ok
            ? { preview: reply.plan, pending: false, error: null }
            : { preview: null, pending: false, error: reply.error.message },
        });
    } catch (err) {
      if (get().model === model)
        set({
          plan: { preview: null, pending: false, error: err instanceof Error ? err.message : String(err) },
        });
    } finally {
      inFlight = false;
      // Settings changed while the worker planned: plan the newest ones.
      void refresh();
    }
  };

  core.onRestart(() => {
    planned = '';
  });
  return store.subscribe((s, prev) => {
    if (s.model !== prev.model) set({ plan: { preview: null, pending: false, error: null } });
    if (
      s.model !== prev.model ||
      s.recipe !== prev.recipe ||
      s.inputSize.costs !== prev.inputSize.costs ||
      s.data.calibration.dataset !== prev.data.calibration.dataset
    )
      void refresh();
  });
}
