/**
 * The task control: the settings edit the recipe's task section, SSD priors go to the worker, and
 * whenever the model, the data, the priors or the task settings change the worker decides the task
 * with the run's own `resolveTask`, so what the studio shows is what a run will score.
 */
import type { StoreApi } from 'zustand/vanilla';
import type { Sources } from './sources';
import type { CoreClient, StudioActions, StudioStore, TaskState } from './types';

type TaskActions = Pick<StudioActions, 'updateTask' | 'updateDetection' | 'setPriors'>;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function taskSlice(store: StoreApi<StudioStore>, core: CoreClient, sources: Sources): TaskActions {
  const { setState: set } = store;
  const patchTask = (patch: Partial<TaskState>) => set((s) => ({ task: { ...s.task, ...patch } }));
  return {
    updateTask: (patch) => set((s) => ({ recipe: { ...s.recipe, task: { ...s.recipe.task, ...patch } } })),
    updateDetection: (patch) =>
      set((s) => ({
        recipe: {
          ...s.recipe,
          task: { ...s.recipe.task, detection: { ...s.recipe.task.detection, ...patch } },
        },
      })),
    async setPriors(file) {
      const sent = file ? { name: file.name, blob: file as Blob } : null;
      try {
        const reply = await core.setPriors(sent);
        if (!reply.ok) return patchTask({ priorsError: reply.error.message });
        if (sent) sources.priors = sent;
        else delete sources.priors;
        patchTask({ priors: sent ? { name: reply.name, anchors: reply.anchors } : null, priorsError: null });
      } catch (err) {
        patchTask({ priorsError: message(err) });
      }
    },
  };
}

/** Keeps `task.guess` current; answers to superseded requests are dropped. */
export function watchTask(store: StoreApi<StudioStore>, core: CoreClient): () => void {
  const { setState: set, getState: get } = store;
  let latest = 0;
  const refresh = async () => {
    const request = ++latest;
    const s = get();
    if (!s.model) return set({ task: { ...s.task, guess: null, error: null } });
    try {
      const reply = await core.task(s.recipe.task);
      if (request !== latest) return;
      set((now) => ({
        task: reply.ok
          ? { ...now.task, guess: reply.task, error: null }
          : { ...now.task, guess: null, error: reply.error.message },
      }));
    } catch (err) {
      if (request === latest) set((now) => ({ task: { ...now.task, guess: null, error: message(err) } }));
    }
  };
  return store.subscribe((s, prev) => {
    if (
      s.model !== prev.model ||
      s.recipe.task !== prev.recipe.task ||
      s.data.calibration.dataset !== prev.data.calibration.dataset ||
      s.data.evaluation.dataset !== prev.data.evaluation.dataset ||
      s.task.priors !== prev.task.priors
    )
      void refresh();
  });
}
