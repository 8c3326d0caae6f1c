/** Node-only adapters for `core/tasks`: opening task datasets and priors from disk. Never bundled for the browser. */
export { openTaskDatasetPath, readPriors } from './open-path';
