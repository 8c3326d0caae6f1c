/** The studio's state layer: the only place that imports zustand and talks to the worker. */
export { createStudioStore } from './studio-store';
export { createCoreClient } from './core-client';
export { builtInSample } from './sample';
export { StudioContext, useStudio } from './context';
export type * from './types';
