import { createStore, type StoreApi } from 'zustand/vanilla';
import { defaultRecipe, emptySlot } from './defaults';
import { modelSlice } from './model-slice';
import { recipeSlice } from './recipe-slice';
import { runSlice } from './run-slice';
import { watchPlan } from './plan-slice';
import { createSources } from './sources';
import type { CoreClient, SampleCatalog, StudioState, StudioStore } from './types';

const initialState = (): StudioState => ({
  model: null,
  plan: { preview: null, pending: false, error: null },
  layout: null,
  expanded: [],
  selection: null,
  highlight: new Set(),
  focus: null,
  search: { query: '', matches: [], index: 0 },
  recipe: defaultRecipe,
  data: { calibration: emptySlot, evaluation: emptySlot },
  loading: null,
  error: null,
  jobs: [],
  stageResults: [],
  runs: [],
  activeRun: null,
  compare: [],
  running: null,
  runError: null,
  recipeError: null,
  workerNotice: null,
  sweep: null,
  sensitivity: null,
});

/**
 * Creates the studio store. The worker client and the samples are passed in so the store itself
 * holds no globals and can be created fresh (e.g. per test).
 */
export function createStudioStore(core: CoreClient, samples: SampleCatalog): StoreApi<StudioStore> {
  const store = createStore<StudioStore>()(() => ({ ...initialState() }) as StudioStore);
  const sources = createSources();
  store.setState({
    ...modelSlice(store, core, samples, sources),
    ...recipeSlice(store, core, samples, sources),
    ...runSlice(store, core, sources),
  });
  watchPlan(store, core);
  return store;
}
