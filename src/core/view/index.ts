/**
 * The studio's view model: what the page draws, built in the worker from the graph IR and the channel
 * analysis (no weights cross over), and its layout. Pruning plans and their costs come from the
 * core's planner (`previewPlan` in core/pipeline), the one the run uses.
 */
export type * from './types';
export { boundCosts } from './bound-costs';
export { buildModelView, type BuiltView, type ViewPhase } from './build-view';
export { openModelView, type OpenPhase, type OpenedModel } from './open-model';
export { collapseBlocks } from './blocks';
export { layeredLayout, type LayeredInput, type LayeredOutput } from './layered-layout';
export { layoutView, ITEM_WIDTH, ITEM_HEIGHT } from './layout-view';
export { groupImportance } from './importance';
export { formatAttribute } from './attribute-text';
