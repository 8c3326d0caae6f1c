import { createStore, type StoreApi } from 'zustand/vanilla';
import { defaultRecipe, emptySlot } from './defaults';
import { modelSlice } from './model-slice';
import { recipeSlice } from './recipe-slice';
import { persistSlice } from './persist-slice';
import { runSlice } from './run-slice';
import { trainSlice } from './train-slice';
import { watchPlan } from './plan-slice';
import { watchInputSize } from './input-size-slice';
import { taskSlice, watchTask } from './task-slice';
import { latencySlice } from './latency-slice';
import { createSources } from './sources';
import type { CoreClient, RunArchive, SampleCatalog, StudioState, StudioStore } from './types';

const initialState = (): StudioState => ({
  model: null,
  task: { guess: null, error: null, priors: null, priorsError: null },
  plan: { preview: null, pending: false, error: null },
  latency: { measured: null, pending: false, error: null },
  inputSize: { text: '', source: null, costs: null, error: null },
  layout: null,
  expanded: [],
  selection: null,
  highlight: new Set(),
  focus: null,
  cursor: null,
  search: { query: '', matches: [], index: 0 },
  recipe: defaultRecipe,
  data: { calibration: emptySlot, evaluation: emptySlot, training: emptySlot },
  loading: null,
  error: null,
  jobs: [],
  stageResults: [],
  runs: [],
  activeRun: null,
  compare: [],
  running: null,
  checkpoint: null,
  runError: null,
  recipeError: null,
  workerNotice: null,
  sweep: null,
  sensitivity: null,
  storage: null,
});

/**
 * Creates the studio store. The worker client and the samples are passed in so the store itself
 * holds no globals and can be created fresh (e.g. per test); without an archive nothing outlives the page.
 */
export function createStudioStore(
  core: CoreClient,
  samples: SampleCatalog,
  archive: RunArchive | null = null,
): StoreApi<StudioStore> {
  const store = createStore<StudioStore>()(() => ({ ...initialState() }) as StudioStore);
  const sources = createSources();
  store.setState({
    ...modelSlice(store, core, samples, sources),
    ...recipeSlice(store, core, samples, sources),
    ...taskSlice(store, core, sources),
  });
  const training = trainSlice(store, core, archive);
  const latency = latencySlice(store, core);
  store.setState({
    ...training.actions,
    ...latency.actions,
    ...runSlice(store, core, sources, training.hooks, latency.settled),
  });
  store.setState(persistSlice(store, core, archive, store.getState()));
  watchPlan(store, core);
  store.setState(watchInputSize(store, core));
  watchTask(store, core);
  return store;
}
