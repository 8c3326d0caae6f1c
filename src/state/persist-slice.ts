/**
 * Runs that outlive a reload. Each finished run is saved with its stage models (copied from the
 * worker once) and the settings are saved as they change; on start the saved ones come back.
 * Downloads read the archive first, since after a reload the worker that made a run is gone.
 */
import type { StoreApi } from 'zustand/vanilla';
import { defaultRecipe } from './defaults';
import { toCoreRecipe } from './recipe-map';
import type { CoreClient, RunArchive, RunRecord, StudioActions, StudioRecipe, StudioStore } from './types';

type PersistActions = Pick<StudioActions, 'stageModel' | 'removeRun' | 'clearSavedRuns'>;

/** Settings are saved this long after the last change, so a dragged slider is one write. */
const SETTINGS_DELAY_MS = 300;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The settings worth restoring: valid ones, without per-group ratios (they belong to a model not reopened). */
function restorable(recipe: StudioRecipe | null): StudioRecipe | null {
  if (!recipe) return null;
  // Settings saved before a control existed (the task, the latency target, precision) take its default.
  const restored = {
    ...recipe,
    prune: {
      ...defaultRecipe.prune,
      // Before their controls, these lived only in the base recipe (a loaded recipe file's).
      allocate: recipe.base?.prune?.allocate ?? defaultRecipe.prune.allocate,
      widths: recipe.base?.prune?.widths ?? defaultRecipe.prune.widths,
      // Saved settings may predate any field.
      ...(recipe.prune as Partial<StudioRecipe['prune']>),
      overrides: {},
    },
    quant: { ...defaultRecipe.quant, ...recipe.quant },
    task: recipe.task ?? recipe.base?.task ?? defaultRecipe.task,
  };
  try {
    toCoreRecipe(restored);
    return restored;
  } catch {
    return null;
  }
}

export function persistSlice(
  store: StoreApi<StudioStore>,
  core: CoreClient,
  archive: RunArchive | null,
  runs: Pick<StudioActions, 'stageModel' | 'removeRun'>,
): PersistActions {
  if (!archive) return { ...runs, clearSavedRuns: async () => {} };
  const { setState: set, getState: get } = store;
  /** Runs saved or being saved, and those whose models are known to be in the archive. */
  const saving = new Set<number>();
  const archived = new Set<number>();
  let settingsTimer: ReturnType<typeof setTimeout> | undefined;

  const refreshUsage = () =>
    archive.usage().then(
      (storage) => set({ storage }),
      () => undefined,
    );
  const notice = (text: string) => set({ workerNotice: text });

  const saveRun = async (run: RunRecord) => {
    try {
      const models: Record<string, Uint8Array> = {};
      for (const stage of run.summary.stages) models[stage.name] = await core.stageModel(run.id, stage.name);
      await archive.saveRun(run, models);
      archived.add(run.id);
      // Removed while it was being saved: forget it again.
      if (!get().runs.some((r) => r.id === run.id)) await archive.removeRun(run.id);
    } catch (err) {
      notice(`${run.label} could not be saved in this browser (${message(err)}); it stays until a reload.`);
    }
    await refreshUsage();
  };

  store.subscribe((s, prev) => {
    if (s.runs !== prev.runs) {
      for (const run of s.runs) {
        if (!saving.has(run.id) && !run.modelsLost) {
          saving.add(run.id);
          void saveRun(run);
        }
      }
      // A crashed worker loses its models, the archive keeps them.
      if (s.runs.some((r) => r.modelsLost && archived.has(r.id)))
        set({ runs: s.runs.map((r) => (archived.has(r.id) ? { ...r, modelsLost: false } : r)) });
    }
    if (s.recipe !== prev.recipe) {
      clearTimeout(settingsTimer);
      settingsTimer = setTimeout(
        () => void archive.saveSettings(get().recipe).catch(() => undefined),
        SETTINGS_DELAY_MS,
      );
    }
  });

  const restore = async () => {
    const saved = await archive.load();
    for (const run of saved.runs) {
      saving.add(run.id);
      archived.add(run.id);
    }
    const recipe = restorable(saved.recipe);
    set((s) => {
      // A run made before the archive answered keeps its id; a saved one with the same id yields.
      const old = saved.runs.filter((r) => !s.runs.some((n) => n.id === r.id));
      const all = [...old.map((r) => ({ ...r, modelsLost: false })), ...s.runs];
      const activeRun = s.activeRun ?? all.at(-1)?.id ?? null;
      return {
        runs: all,
        activeRun,
        compare: s.compare.length ? s.compare : all.slice(-4).map((r) => r.id),
        stageResults: all.find((r) => r.id === activeRun)?.summary.stages.map((st) => st.result) ?? [],
        checkpoint: s.checkpoint ?? saved.checkpoint?.info ?? null,
        // Settings the user already changed in this page win over the saved ones.
        ...(recipe && s.recipe === defaultRecipe ? { recipe } : {}),
      };
    });
  };
  void restore()
    .catch((err: unknown) => notice(`Saved runs could not be read from this browser: ${message(err)}`))
    .then(refreshUsage);

  return {
    async stageModel(runId, stage) {
      const saved = await archive.model(runId, stage).catch(() => undefined);
      return saved ?? runs.stageModel(runId, stage);
    },
    async removeRun(id) {
      await runs.removeRun(id);
      saving.delete(id);
      if (!archived.has(id)) return;
      archived.delete(id);
      await archive.removeRun(id).catch(() => undefined);
      await refreshUsage();
    },
    async clearSavedRuns() {
      clearTimeout(settingsTimer);
      const ids = get().runs.map((r) => r.id);
      set({ runs: [], activeRun: null, compare: [], stageResults: [] });
      archived.clear();
      saving.clear();
      try {
        await archive.clear();
      } catch (err) {
        notice(`The saved runs could not be cleared: ${message(err)}`);
      }
      await Promise.all(ids.map((id) => core.dropRun(id).catch(() => undefined)));
      await refreshUsage();
    },
  };
}
