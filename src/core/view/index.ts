/**
 * The studio's view model: what the page draws and estimates from, built in the worker from the graph
 * IR and the channel analysis (no weights cross over), plus the pure functions the page runs on it:
 * layout (in the worker), channel planning and the live cost estimate (on the main thread).
 */
export type * from './types';
export { buildModelView, type BuiltView, type ViewPhase } from './build-view';
export { openModelView, type OpenPhase, type OpenedModel } from './open-model';
export { collapseBlocks } from './blocks';
export { layeredLayout, type LayeredInput, type LayeredOutput } from './layered-layout';
export { layoutView, ITEM_WIDTH, ITEM_HEIGHT } from './layout-view';
export { estimateCost, type CostEstimate } from './estimate';
export {
  planChannels,
  removedChannels,
  ratioForMacs,
  MAX_RATIO,
  type ChannelPlan,
  type ChannelPlanSettings,
} from './plan-channels';
export { groupImportance } from './importance';
export { formatAttribute } from './attribute-text';
