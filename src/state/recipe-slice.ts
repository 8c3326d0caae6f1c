/** Editing the recipe (pruning, quantization, preprocessing) and opening datasets. */
import type { StoreApi } from 'zustand/vanilla';
import { emptySlot } from './defaults';
import { startJob } from './jobs';
import { fromCoreRecipe } from './recipe-map';
import type { Sources } from './sources';
import { RecipeError, parseRecipeJson } from '../core/pipeline';
import type { CoreClient, DataRole, SampleCatalog, StudioActions, StudioStore } from './types';

type RecipeActions = Pick<
  StudioActions,
  | 'updatePrune'
  | 'updateRecovery'
  | 'setGroupOverride'
  | 'updateQuant'
  | 'setPreprocess'
  | 'openDataset'
  | 'openSampleData'
  | 'clearDataset'
  | 'updateEvaluate'
  | 'applyRecipeText'
  | 'dismissRecipeError'
>;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function recipeSlice(
  store: StoreApi<StudioStore>,
  core: CoreClient,
  samples: SampleCatalog,
  sources: Sources,
): RecipeActions {
  const { setState: set, getState: get } = store;
  const latest: Record<DataRole, number> = { calibration: 0, evaluation: 0 };

  const patchSlot = (role: DataRole, patch: Partial<StudioStore['data'][DataRole]>) =>
    set((s) => ({ data: { ...s.data, [role]: { ...s.data[role], ...patch } } }));

  const checkPreprocess = async (role: DataRole) => {
    const reply = await core.checkPreprocess(get().recipe.preprocess[role], role);
    if (reply.ok)
      patchSlot(role, {
        preprocessError: null,
        fed: reply.sampleDims ?? null,
        preprocessNote: reply.sampleDims
          ? `Fed as [${reply.sampleDims.join(', ')}] per sample${reply.assumptions ? `; ${reply.assumptions}` : ''}`
          : null,
      });
    else patchSlot(role, { preprocessError: reply.error.message, preprocessNote: null, fed: null });
  };
  // A dataset that fed the last model may not feed this one: check each attached slot again.
  store.subscribe((s, prev) => {
    if (s.model === prev.model || !s.model) return;
    for (const role of ['calibration', 'evaluation'] as const) {
      if (!s.data[role].dataset) continue;
      // The size the data fed the last model says nothing of this one until it is checked again.
      patchSlot(role, { fed: null });
      void checkPreprocess(role);
    }
  });

  const openDataset: RecipeActions['openDataset'] = async (role, name, files) => {
    const request = ++latest[role];
    const job = startJob(store, 'dataset', `${role}: ${name}`);
    patchSlot(role, { loading: name, error: null });
    try {
      const { recipe } = get();
      const reply = await core.openDataset({
        role,
        name,
        files,
        preprocess: recipe.preprocess[role],
        ...(recipe.task.kind !== 'auto' ? { task: recipe.task.kind } : {}),
      });
      if (request !== latest[role]) return job.finish('cancelled');
      if (!reply.ok) {
        job.finish('failed', reply.error.message);
        return patchSlot(role, { loading: null, error: reply.error });
      }
      job.finish('done');
      sources.data[role] = { name, files };
      patchSlot(role, { loading: null, error: null, dataset: reply.dataset });
      await checkPreprocess(role);
    } catch (err) {
      job.finish('failed', message(err));
      if (request === latest[role])
        patchSlot(role, { loading: null, error: { message: message(err), code: 'worker' } });
    }
  };

  return {
    updatePrune: (patch) => set((s) => ({ recipe: { ...s.recipe, prune: { ...s.recipe.prune, ...patch } } })),
    updateRecovery: (patch) =>
      set((s) => ({
        recipe: {
          ...s.recipe,
          prune: { ...s.recipe.prune, recovery: { ...s.recipe.prune.recovery, ...patch } },
        },
      })),
    setGroupOverride(group, ratio) {
      set((s) => {
        const overrides = { ...s.recipe.prune.overrides };
        if (ratio === null) delete overrides[group];
        else overrides[group] = ratio;
        return { recipe: { ...s.recipe, prune: { ...s.recipe.prune, overrides } } };
      });
    },
    updateQuant: (patch) => set((s) => ({ recipe: { ...s.recipe, quant: { ...s.recipe.quant, ...patch } } })),
    async setPreprocess(role, text) {
      set((s) => ({ recipe: { ...s.recipe, preprocess: { ...s.recipe.preprocess, [role]: text } } }));
      await checkPreprocess(role);
    },
    openDataset,
    async openSampleData(role) {
      const sample = samples.data[role];
      set((s) => ({
        recipe: { ...s.recipe, preprocess: { ...s.recipe.preprocess, [role]: sample.preprocess } },
      }));
      try {
        await openDataset(role, sample.name, await sample.load());
      } catch (err) {
        patchSlot(role, { loading: null, error: { message: message(err), code: 'worker' } });
      }
    },
    clearDataset: (role) => {
      delete sources.data[role];
      latest[role]++;
      patchSlot(role, { ...emptySlot });
      void core.clearDataset(role);
    },
    updateEvaluate: (patch) =>
      set((s) => ({ recipe: { ...s.recipe, evaluate: { ...s.recipe.evaluate, ...patch } } })),
    applyRecipeText(fileName, text) {
      try {
        const recipe = fromCoreRecipe(parseRecipeJson(text), get().recipe);
        set({ recipe, recipeError: null });
        for (const role of ['calibration', 'evaluation'] as const)
          if (get().data[role].dataset) void checkPreprocess(role);
      } catch (err) {
        const problems = err instanceof RecipeError ? err.problems : [message(err)];
        set({ recipeError: { fileName, problems } });
      }
    },
    dismissRecipeError: () => set({ recipeError: null }),
  };
}
