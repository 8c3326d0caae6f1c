/** The studio's state layer: the only place that imports zustand and talks to the worker. */
export { createStudioStore } from './studio-store';
export { createCoreClient } from './core-client';
export { builtInSamples } from './sample';
export { StudioContext, useStudio, useStudioApi } from './context';
export { selectPlan, selectPreview, plannedGroup, selectActiveRun, nodePrecision } from './derived';
export { nodeById, groupById } from './lookup';
export type * from './types';
export { toCoreRecipe, fromCoreRecipe, preprocessConflict, viewCriterion } from './recipe-map';
export { describeRecipe, phasesOf } from './run-slice';
export { defaultRecipe } from './defaults';
export { LATENCY_SHARE_MAX, LATENCY_SHARE_MIN, latencyMsOf, latencyShareOf } from './latency-target';
